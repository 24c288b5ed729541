package org.sirensweep.train;

import org.sirensweep.image.ColorMaps;
import org.sirensweep.image.PixelImage;

/**
 * A network evaluated at the pixel centres of a {@code height × width} grid: per channel its values, and when they
 * were rendered its gradient ({@code [axis][channel]}, axis 0 = rows) and Laplacian, each a row-major plane.
 */
public record Rendering(int height, int width, int channels, double[][] values, double[][][] gradients,
                        double[][] laplacians) {

    /** The values as an image: {@code clip(out / 2 + 0.5, 0, 1)}, undoing the training normalisation. */
    public PixelImage valueImage() {
        return valueImage(Evaluation.Affine.identity(channels));
    }

    /** The values after a per-channel affine map, as an image. */
    public PixelImage valueImage(Evaluation.Affine affine) {
        double[][] planes = new double[channels][];
        for (int c = 0; c < channels; c++) {
            planes[c] = new double[height * width];
            for (int p = 0; p < planes[c].length; p++) {
                planes[c][p] = Evaluation.toIntensity(affine.apply(c, values[c][p]));
            }
        }
        return PixelImage.ofChannels(height, width, planes);
    }

    /** The gradient field (channel mean) in the HSV picture of {@link ColorMaps#gradient}. */
    public PixelImage gradientImage() {
        if (gradients == null) {
            throw new IllegalStateException("the gradient was not rendered");
        }
        return ColorMaps.gradient(channelMean(gradients[0]), channelMean(gradients[1]), height, width);
    }

    /** The Laplacian field (channel mean) in the diverging map of {@link ColorMaps#laplacian}. */
    public PixelImage laplacianImage() {
        if (laplacians == null) {
            throw new IllegalStateException("the Laplacian was not rendered");
        }
        return ColorMaps.laplacian(channelMean(laplacians), height, width);
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
