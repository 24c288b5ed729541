package org.sirensweep.train;

import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingTargets;

/**
 * How well a network fits its image, by each thing a supervision can pin down (README, "Measures"). A gradient
 * fixes an image only up to a constant and a Laplacian only up to a harmonic function, and Siren-Jax's target
 * factors do not match the coordinates' scale, so each value PSNR removes what its supervision leaves free first:
 * <ul>
 *   <li>{@code psnr}: the raw values, {@code clip(out/2 + 0.5, 0, 1)} against the image;</li>
 *   <li>{@code psnrAffine}: after the per-channel least-squares {@code a·out + b} (what a gradient leaves free);</li>
 *   <li>{@code psnrHarmonic}: after the per-channel least-squares {@code a·out + h}, h a harmonic polynomial of
 *       degree ≤ 3 in the coordinates ({@link HarmonicFit}: what a Laplacian leaves free, up to that
 *       degree);</li>
 *   <li>{@code gradientError}, {@code laplacianError}: how far the network's own gradient and Laplacian are from the
 *       gradient and Laplacian targets, {@code ‖s·d − t‖ / ‖t‖} at the best scale s ≥ 0 (0: they match; 1: nothing of
 *       the target), for every trial whatever it trained on; over the channel mean for colour images.</li>
 * </ul>
 */
public record Measures(double psnr, double psnrAffine, double psnrHarmonic, double gradientError, double laplacianError)
        implements java.io.Serializable {
    /** The measures of a network that could not be measured (a diverged training). */
    public static final Measures UNKNOWN = new Measures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /**
     * Measures of {@code rendering} (at the image's size; with its derivative streams when {@code targets}, every
     * target of the image, is given) against {@code truth}.
     */
    public static Measures of(Rendering rendering, PixelImage truth, TrainingTargets targets) {
        Evaluation.Quality quality = Evaluation.quality(rendering, truth);
        double gradientError = Double.NaN;
        double laplacianError = Double.NaN;
        if (targets != null) {
            double[][] target = new double[2][];
            for (int axis = 0; axis < 2; axis++) {
                target[axis] = channelMean(targets.gradients()[axis]);
            }
            gradientError = relativeError(rendering.gradient(), target);
            laplacianError = relativeError(
                    new double[][] {rendering.laplacian()}, new double[][] {channelMean(targets.laplacians())});
        }
        double psnrHarmonic = Evaluation.psnr(HarmonicFit.of(rendering, truth).apply(rendering), truth);
        return new Measures(quality.psnr(), quality.psnrAffine(), psnrHarmonic, gradientError, laplacianError);
    }

    /**
     * Whether lower values of the measure, curve column or row column named {@code name} are better: the errors,
     * the losses, the times and the parameter count; PSNRs are better higher.
     */
    public static boolean lowerIsBetter(String name) {
        return name.endsWith("_error")
                || name.equals("parameters")
                || name.equals("loss")
                || name.equals("final_loss")
                || name.endsWith("_s")
                || name.equals("ms_per_step")
                || name.equals("seconds");
    }

    /** The value PSNR that judges a trial by what its supervision determines. */
    public double determined(Supervision supervision) {
        return switch (supervision) {
            case VANILLA, COMBINED -> psnr;
            case GRADIENT -> psnrAffine;
            case LAPLACIAN -> psnrHarmonic;
        };
    }

    /** ‖s·d − t‖ / ‖t‖ at the least-squares s ≥ 0 (a derivative of the opposite sign is no match), all planes together. */
    static double relativeError(double[][] derivative, double[][] target) {
        double dd = 0;
        double dt = 0;
        double tt = 0;
        for (int k = 0; k < target.length; k++) {
            for (int p = 0; p < target[k].length; p++) {
                dd += derivative[k][p] * derivative[k][p];
                dt += derivative[k][p] * target[k][p];
                tt += target[k][p] * target[k][p];
            }
        }
        if (!(tt > 0)) {
            return Double.NaN;
        }
        if (!(dd > 0) || dt <= 0) {
            return 1; // nothing, or the opposite: the best non-negative scale is 0
        }
        return Math.sqrt(Math.max(0, 1 - dt * dt / (dd * tt)));
    }

    private static double[] channelMean(double[][] planes) {
        double[] mean = new double[planes[0].length];
        for (double[] plane : planes) {
            for (int p = 0; p < mean.length; p++) {
                mean[p] += plane[p] / planes.length;
            }
        }
        return mean;
    }
}
