package org.sirensweep.train;

import org.sirensweep.image.ColorMaps;
import org.sirensweep.image.PixelImage;

/**
 * A network evaluated at the pixel centres of a {@code height × width} grid: per channel its values and, when they
 * were rendered, the channel mean of its gradient ({@code [axis]}, axis 0 = rows) and of its Laplacian (what the
 * pictures show), each a row-major plane.
 */
public record Rendering(
        int height, int width, int channels, double[][] values, double[][] gradient, double[] laplacian) {

    /** The values as an image: {@code clip(out / 2 + 0.5, 0, 1)}, undoing the training normalisation. */
    public PixelImage valueImage() {
        return valueImage(Evaluation.Affine.identity(channels));
    }

    /** The values after a per-channel affine map, as an image. */
    public PixelImage valueImage(Evaluation.Affine affine) {
        int points = height * width;
        double[] samples = new double[points * channels];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < points; p++) {
                samples[p * channels + c] = Evaluation.toIntensity(affine.apply(c, values[c][p]));
            }
        }
        return new PixelImage(height, width, channels, samples);
    }

    /** The gradient field (channel mean) in the HSV picture of {@link ColorMaps#gradient}. */
    public PixelImage gradientImage() {
        if (gradient == null) {
            throw new IllegalStateException("the gradient was not rendered");
        }
        return ColorMaps.gradient(gradient[0], gradient[1], height, width);
    }

    /** The Laplacian field (channel mean) in the diverging map of {@link ColorMaps#laplacian}. */
    public PixelImage laplacianImage() {
        if (laplacian == null) {
            throw new IllegalStateException("the Laplacian was not rendered");
        }
        return ColorMaps.laplacian(laplacian, height, width);
    }
}
