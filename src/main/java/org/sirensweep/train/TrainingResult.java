package org.sirensweep.train;

import java.util.List;
import org.sirensweep.model.Siren;

/**
 * What a training produced: the trained network, how it ended ({@code divergedAtStep} is the step whose loss was not
 * finite, or -1), the final epoch's loss and the last curve sample's measures, the curve, and its cost ({@code
 * msPerStep} is the median step time after warm-up, over this run's steps; for a member of a pack, the pack's step
 * time and training time divided by its size). {@code resumedFromStep} is the step a checkpoint let it continue
 * from, 0 for a training that started afresh.
 */
public record TrainingResult(
        Siren network,
        TrialStatus status,
        long divergedAtStep,
        long steps,
        double finalLoss,
        Measures measures,
        List<CurvePoint> curve,
        double trainSeconds,
        double msPerStep,
        long resumedFromStep) {}
