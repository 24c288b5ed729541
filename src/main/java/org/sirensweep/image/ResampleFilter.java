package org.sirensweep.image;

/**
 * Interpolation kernels with Pillow's definitions, so resized images match the reference (Python) runs:
 * {@code LANCZOS} is the anti-aliased training downsample, the others are the upscaling baselines.
 */
public enum ResampleFilter {
    NEAREST(0),
    BILINEAR(1),
    /** Keys' cubic convolution with a = -0.5, as Pillow. */
    BICUBIC(2),
    /** Lanczos with three lobes, as Pillow's LANCZOS. */
    LANCZOS(3);

    private final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel at scale 1. */
    public double support() {
        return support;
    }

    /** The kernel's weight at distance {@code x} (in source pixels at scale 1). */
    public double weight(double x) {
        double ax = Math.abs(x);
        return switch (this) {
            case NEAREST -> ax <= 0.5 ? 1 : 0;
            case BILINEAR -> ax < 1 ? 1 - ax : 0;
            case BICUBIC -> {
                double a = -0.5;
                if (ax < 1) {
                    yield ((a + 2) * ax - (a + 3)) * ax * ax + 1;
                }
                yield ax < 2 ? (((ax - 5) * ax + 8) * ax - 4) * a : 0;
            }
            case LANCZOS -> ax < 3 ? sinc(ax) * sinc(ax / 3) : 0;
        };
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }
}
