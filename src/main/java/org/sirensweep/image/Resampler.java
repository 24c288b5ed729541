package org.sirensweep.image;

/**
 * Resizes images the way Pillow's {@code Image.resize} does for 8-bit images: a separable convolution whose kernel
 * is widened by the downscale factor (so downsampling is anti-aliased, every source pixel weighted by its area of
 * overlap), horizontal pass first, each pass rounded to 8-bit levels. Nearest neighbour samples pixel centres.
 */
public final class Resampler {
    private Resampler() {}

    public static PixelImage resize(PixelImage image, int height, int width, ResampleFilter filter) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + height + "x" + width);
        }
        int channels = image.channels();
        double[] levels = new double[image.samples().length];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = image.samples()[i] * 255;
        }
        int h = image.height();
        int w = image.width();
        if (width != w) {
            levels = pass(levels, h, w, channels, width, filter, true);
            w = width;
        }
        if (height != h) {
            levels = pass(levels, h, w, channels, height, filter, false);
        }
        double[] samples = new double[levels.length];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = levels[i] / 255;
        }
        return new PixelImage(height, width, channels, samples);
    }

    /** One 1-D pass along columns ({@code horizontal}) or rows, producing rounded 8-bit levels. */
    private static double[] pass(
            double[] in, int h, int w, int channels, int outSize, ResampleFilter filter, boolean horizontal) {
        int inSize = horizontal ? w : h;
        Kernel[] kernels = kernels(inSize, outSize, filter);
        int outH = horizontal ? h : outSize;
        int outW = horizontal ? outSize : w;
        double[] out = new double[outH * outW * channels];
        for (int r = 0; r < outH; r++) {
            for (int c = 0; c < outW; c++) {
                Kernel k = kernels[horizontal ? c : r];
                for (int ch = 0; ch < channels; ch++) {
                    double sum = 0;
                    for (int j = 0; j < k.weights.length; j++) {
                        int src = k.first + j;
                        int index = horizontal ? (r * w + src) * channels + ch : (src * w + c) * channels + ch;
                        sum += k.weights[j] * in[index];
                    }
                    out[(r * outW + c) * channels + ch] = Math.max(0, Math.min(255, Math.floor(sum + 0.5)));
                }
            }
        }
        return out;
    }

    private record Kernel(int first, double[] weights) {}

    private static Kernel[] kernels(int inSize, int outSize, ResampleFilter filter) {
        double scale = (double) inSize / outSize;
        Kernel[] kernels = new Kernel[outSize];
        if (filter == ResampleFilter.NEAREST) {
            for (int i = 0; i < outSize; i++) {
                int src = Math.min(inSize - 1, (int) Math.floor((i + 0.5) * scale));
                kernels[i] = new Kernel(src, new double[] {1});
            }
            return kernels;
        }
        double filterScale = Math.max(scale, 1);
        double support = filter.support() * filterScale;
        for (int i = 0; i < outSize; i++) {
            double centre = (i + 0.5) * scale;
            int first = Math.max(0, (int) (centre - support + 0.5));
            int last = Math.min(inSize, (int) (centre + support + 0.5));
            double[] weights = new double[last - first];
            double total = 0;
            for (int j = 0; j < weights.length; j++) {
                weights[j] = filter.weight((j + first - centre + 0.5) / filterScale);
                total += weights[j];
            }
            if (total != 0) {
                for (int j = 0; j < weights.length; j++) {
                    weights[j] /= total;
                }
            }
            kernels[i] = new Kernel(first, weights);
        }
        return kernels;
    }
}
