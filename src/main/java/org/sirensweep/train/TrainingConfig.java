package org.sirensweep.train;

import java.util.List;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;

/**
 * How a SIREN is trained: Adam with {@code learningRate} (β1 0.9, β2 0.999, ε 1e-8) for {@code epochs} passes over
 * all points, in batches of {@code batchSize} points (0 = full batch). With {@code shuffle} the points are permuted
 * afresh every epoch from {@code seed}; without it, batches are contiguous runs of points (what Siren-Jax actually
 * does: its permutation is computed and never used). The learning curve is sampled every {@code curveInterval}
 * epochs, at the end, and at each of {@code curveEpochs} (the rungs where successive halving compares trials, so
 * every trial has a sample there whatever its interval). {@code targetScales} are the derivative targets' factors (Siren-Jax's unless a trial carries
 * them to its resolution).
 */
public record TrainingConfig(
        Supervision supervision,
        int epochs,
        int batchSize,
        boolean shuffle,
        double learningRate,
        long seed,
        int curveInterval,
        TargetScales targetScales,
        List<Integer> curveEpochs) {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    public TrainingConfig {
        if (supervision == null) {
            throw new IllegalArgumentException("supervision is required");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be 0 (full batch) or positive, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (curveInterval < 1) {
            throw new IllegalArgumentException("curve interval must be at least 1 epoch, got " + curveInterval);
        }
        if (targetScales == null) {
            throw new IllegalArgumentException("target scales are required");
        }
        curveEpochs = List.copyOf(curveEpochs);
    }

    /** A configuration whose curve is sampled only every {@code curveInterval} epochs and at the end. */
    public TrainingConfig(
            Supervision supervision,
            int epochs,
            int batchSize,
            boolean shuffle,
            double learningRate,
            long seed,
            int curveInterval,
            TargetScales targetScales) {
        this(supervision, epochs, batchSize, shuffle, learningRate, seed, curveInterval, targetScales, List.of());
    }

    /**
     * What the members of a pack share, for the engine: everything but the member's own learning rate, seed,
     * shuffle and curve sampling (the training settings of role MEMBER, and evaluation; {@code SettingSchemaTest}
     * holds the two to each other).
     */
    public record PackShape(Supervision supervision, int epochs, int batchSize, TargetScales targetScales) {}

    /** This configuration's part that a pack's members share. */
    public PackShape packShape() {
        return new PackShape(supervision, epochs, batchSize, targetScales);
    }

    /** Whether the learning curve has a sample at the end of {@code epoch}. */
    public boolean samplesCurveAt(int epoch) {
        return epoch % curveInterval == 0 || epoch == epochs || curveEpochs.contains(epoch);
    }

    /** A configuration with Siren-Jax's target factors. */
    public TrainingConfig(
            Supervision supervision,
            int epochs,
            int batchSize,
            boolean shuffle,
            double learningRate,
            long seed,
            int curveInterval) {
        this(supervision, epochs, batchSize, shuffle, learningRate, seed, curveInterval, TargetScales.SIREN_JAX);
    }
}
