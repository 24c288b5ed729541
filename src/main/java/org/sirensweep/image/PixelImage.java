package org.sirensweep.image;

import java.util.Arrays;

/**
 * An image as rows × columns × channels of intensities in [0, 1], stored interleaved like a NumPy (H, W, C) array.
 * One channel is gray, three are RGB. The array is owned by the record: callers must not modify it.
 */
public record PixelImage(int height, int width, int channels, double[] samples) {

    public PixelImage {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image has 1 (gray) or 3 (RGB) channels, got " + channels);
        }
        if (samples.length != (long) height * width * channels) {
            throw new IllegalArgumentException(
                    "expected " + height * width * channels + " samples, got " + samples.length);
        }
    }

    /** Number of pixels, i.e. training points. */
    public int pixels() {
        return height * width;
    }

    public double get(int row, int column, int channel) {
        return samples[(row * width + column) * channels + channel];
    }

    /** One channel as a row-major H×W array (a copy). */
    public double[] channel(int channel) {
        double[] out = new double[pixels()];
        for (int p = 0; p < out.length; p++) {
            out[p] = samples[p * channels + channel];
        }
        return out;
    }

    /** Builds an image from per-channel row-major planes. */
    public static PixelImage ofChannels(int height, int width, double[]... planes) {
        int channels = planes.length;
        double[] samples = new double[height * width * channels];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < height * width; p++) {
                samples[p * channels + c] = planes[c][p];
            }
        }
        return new PixelImage(height, width, channels, samples);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelImage other
                && height == other.height
                && width == other.width
                && channels == other.channels
                && Arrays.equals(samples, other.samples);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * height + width) + channels) + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "PixelImage[" + height + "x" + width + "x" + channels + "]";
    }
}
