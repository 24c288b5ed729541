package org.sirensweep.trial;

import java.util.List;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;

/**
 * What one trial produced, free of ND4J arrays so it can be stored anywhere: how the training ended ({@code
 * divergedAtStep} is the step whose loss was not finite, or -1), its {@link Measures}, its learning curve, its cost in seconds,
 * the pictures, the upscale scores (for each render size the original image is known at), the weights as NumPy
 * {@code .npz} bytes, the device it ran on, and the step a checkpoint let the training continue from (0: from the
 * start).
 */
public record TrialOutcome(
        TrialSettings settings,
        int channels,
        TrialStatus status,
        long divergedAtStep,
        long steps,
        double finalLoss,
        Measures measures,
        List<CurvePoint> curve,
        Timings timings,
        List<TrialImage> images,
        List<UpscaleScore> upscale,
        byte[] weightsNpz,
        String device,
        long resumedFromStep) {

    /** Seconds spent loading the image and initialising the network, training, and rendering/encoding pictures. */
    public record Timings(double setupSeconds, double trainSeconds, double msPerStep, double renderSeconds) {}
}
