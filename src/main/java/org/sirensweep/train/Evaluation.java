package org.sirensweep.train;

import org.sirensweep.image.PixelImage;

/**
 * Image quality of a rendered network. {@code psnr} compares {@code clip(out / 2 + 0.5, 0, 1)} with the image
 * (data range 1). A network trained on the gradient or Laplacian is only determined up to an offset (and, in
 * practice, a scale), so {@code psnrAffine} first maps each channel by the least-squares fit {@code a·out + b} to the
 * normalised image; for value supervision the two nearly agree.
 */
public final class Evaluation {
    private Evaluation() {}

    /** PSNR and affine-fitted PSNR of a rendering against the image it was trained on (same size). */
    public record Quality(double psnr, double psnrAffine, Affine affine) {}

    /** A per-channel map {@code scale · x + offset} from network output to normalised intensity. */
    public record Affine(double[] scale, double[] offset) {
        public static Affine identity(int channels) {
            double[] ones = new double[channels];
            java.util.Arrays.fill(ones, 1);
            return new Affine(ones, new double[channels]);
        }

        public double apply(int channel, double x) {
            return scale[channel] * x + offset[channel];
        }
    }

    public static Quality quality(Rendering rendering, PixelImage truth) {
        if (rendering.height() != truth.height()
                || rendering.width() != truth.width()
                || rendering.channels() != truth.channels()) {
            throw new IllegalArgumentException("rendering and image differ in shape");
        }
        Affine identity = Affine.identity(truth.channels());
        Affine fitted = fitAffine(rendering, truth);
        return new Quality(psnr(rendering, truth, identity), psnr(rendering, truth, fitted), fitted);
    }

    /** Least-squares {@code a, b} per channel minimising Σ (a·out + b - (2p - 1))². */
    public static Affine fitAffine(Rendering rendering, PixelImage truth) {
        int channels = truth.channels();
        double[] scale = new double[channels];
        double[] offset = new double[channels];
        int n = truth.pixels();
        for (int c = 0; c < channels; c++) {
            double[] out = rendering.values()[c];
            double meanX = 0;
            double meanY = 0;
            for (int p = 0; p < n; p++) {
                meanX += out[p] / n;
                meanY += (2 * truth.samples()[p * channels + c] - 1) / n;
            }
            double sxy = 0;
            double sxx = 0;
            for (int p = 0; p < n; p++) {
                double dx = out[p] - meanX;
                sxy += dx * (2 * truth.samples()[p * channels + c] - 1 - meanY);
                sxx += dx * dx;
            }
            scale[c] = sxx > 0 ? sxy / sxx : 0;
            offset[c] = meanY - scale[c] * meanX;
        }
        return new Affine(scale, offset);
    }

    private static double psnr(Rendering rendering, PixelImage truth, Affine affine) {
        int channels = truth.channels();
        double sum = 0;
        int n = truth.pixels();
        for (int c = 0; c < channels; c++) {
            double[] out = rendering.values()[c];
            for (int p = 0; p < n; p++) {
                double d = toIntensity(affine.apply(c, out[p])) - truth.samples()[p * channels + c];
                sum += d * d;
            }
        }
        return psnr(sum / ((double) n * channels));
    }

    /** PSNR in dB between two images of one shape (samples in [0, 1]). */
    public static double psnr(PixelImage a, PixelImage b) {
        if (a.height() != b.height() || a.width() != b.width() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("PSNR needs images of one shape, got " + a + " and " + b);
        }
        double sum = 0;
        for (int i = 0; i < a.samples().length; i++) {
            double d = a.samples()[i] - b.samples()[i];
            sum += d * d;
        }
        return psnr(sum / a.samples().length);
    }

    /** PSNR in dB of a mean squared error at data range 1 (infinite for a perfect match, NaN for NaN). */
    public static double psnr(double meanSquaredError) {
        return -10 * Math.log10(meanSquaredError);
    }

    /** Network output (normalised to [-1, 1]) to intensity in [0, 1]. */
    static double toIntensity(double normalised) {
        double v = normalised / 2 + 0.5;
        return Double.isNaN(v) ? v : Math.max(0, Math.min(1, v));
    }
}
