package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.sirensweep.image.Supervision;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;

/**
 * A sweep file's {@code early_stopping:} block: successive halving, Ray Tune's ASHA in synchronous rounds.
 * <pre>
 * early_stopping:
 *   metric: psnr_determined   # a curve measure (see {@link #METRICS}); errors and loss: lower is better
 *   grace_epochs: 250         # the first rung: every trial trains this long
 *   reduction_factor: 3       # at each rung the best third of the trials that reached it go on
 *   max_epochs: 2000          # the trials' full length (it sets their epochs)
 *   by: [supervision]         # optional: compare within each value of these varied settings
 * </pre>
 * The rungs are {@code grace_epochs · reduction_factor^k} below {@code max_epochs}. At each, the trials of a group
 * that reached it are ranked by the metric at that epoch (ties by trial id) and the best
 * {@code max(1, ⌊n / reduction_factor⌋)} continue; the others stop there.
 */
public record EarlyStopping(String metric, int graceEpochs, int reductionFactor, int maxEpochs, List<String> by)
        implements java.io.Serializable {
    /** The measures a schedule can rank trials by: the rows' measure columns, and the epoch's mean training loss. */
    public static final List<String> METRICS = List.of(
            "psnr_determined", "psnr", "psnr_affine", "psnr_harmonic", "gradient_error", "laplacian_error", "loss");
    /** The metric when the block names none: each trial judged by what its supervision determines. */
    public static final String DEFAULT_METRIC = "psnr_determined";
    /** The reduction factor when the block gives none (Hyperband's; Ray Tune's ASHA defaults to 4). */
    public static final int DEFAULT_REDUCTION_FACTOR = 3;

    public EarlyStopping {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException(
                    "unknown metric '" + metric + "' (expected one of " + String.join(", ", METRICS) + ")");
        }
        if (reductionFactor < 2) {
            throw new IllegalArgumentException("reduction_factor must be at least 2, got " + reductionFactor);
        }
        if (graceEpochs < 1 || graceEpochs >= maxEpochs) {
            throw new IllegalArgumentException(
                    "grace_epochs must be at least 1 and below max_epochs (" + maxEpochs + "), got " + graceEpochs);
        }
        by = List.copyOf(by);
    }

    /** The epochs where trials are compared: grace·factor^k below {@link #maxEpochs()}, rising. */
    public List<Integer> rungs() {
        List<Integer> rungs = new ArrayList<>();
        for (long epoch = graceEpochs; epoch < maxEpochs; epoch *= reductionFactor) {
            rungs.add((int) epoch);
        }
        return List.copyOf(rungs);
    }

    /** The schedule as a trial's setting, e.g. {@code "psnr_determined, grace 250, factor 3, to 2000, by [supervision]"}. */
    public String describe() {
        return metric + ", grace " + graceEpochs + ", factor " + reductionFactor + ", to " + maxEpochs
                + (by.isEmpty() ? "" : ", by " + by);
    }

    /** Whether a smaller metric is better: the errors and the loss. */
    public boolean lowerIsBetter() {
        return Measures.lowerIsBetter(metric);
    }

    /** The metric at the end of epoch {@code epoch} of a curve, if the curve has a sample there. */
    public OptionalDouble valueAt(List<CurvePoint> curve, int epoch, Supervision supervision) {
        for (CurvePoint p : curve) {
            if (p.epoch() == epoch) {
                return OptionalDouble.of(value(p, supervision));
            }
        }
        return OptionalDouble.empty();
    }

    private double value(CurvePoint p, Supervision supervision) {
        Measures m = p.measures();
        return switch (metric) {
            case "psnr_determined" -> m.determined(supervision);
            case "psnr" -> m.psnr();
            case "psnr_affine" -> m.psnrAffine();
            case "psnr_harmonic" -> m.psnrHarmonic();
            case "gradient_error" -> m.gradientError();
            case "laplacian_error" -> m.laplacianError();
            default -> p.loss();
        };
    }
}
