package org.sirensweep.image;

/**
 * The derivative filters of {@code scipy.ndimage} on one row-major H×W plane, with its default 'reflect' border
 * (the edge sample is repeated: d c b a | a b c d | d c b a).
 */
public final class Filters {
    private Filters() {}

    /**
     * 2-D Sobel along {@code axis} (0 = rows, 1 = columns): the central difference [-1, 0, 1] along it, smoothed by
     * [1, 2, 1] across it, as {@code scipy.ndimage.sobel}.
     */
    public static double[] sobel(double[] plane, int height, int width, int axis) {
        double[] out = new double[height * width];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double sum = 0;
                for (int k = -1; k <= 1; k++) {
                    double smooth = k == 0 ? 2 : 1;
                    if (axis == 0) {
                        int cc = reflect(c + k, width);
                        sum += smooth
                                * (plane[reflect(r + 1, height) * width + cc]
                                        - plane[reflect(r - 1, height) * width + cc]);
                    } else {
                        int rr = reflect(r + k, height);
                        sum += smooth
                                * (plane[rr * width + reflect(c + 1, width)]
                                        - plane[rr * width + reflect(c - 1, width)]);
                    }
                }
                out[r * width + c] = sum;
            }
        }
        return out;
    }

    /** The 5-point Laplacian, the sum of [1, -2, 1] along both axes, as {@code scipy.ndimage.laplace}. */
    public static double[] laplace(double[] plane, int height, int width) {
        double[] out = new double[height * width];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double centre = plane[r * width + c];
                out[r * width + c] = plane[reflect(r - 1, height) * width + c]
                        + plane[reflect(r + 1, height) * width + c]
                        + plane[r * width + reflect(c - 1, width)]
                        + plane[r * width + reflect(c + 1, width)]
                        - 4 * centre;
            }
        }
        return out;
    }

    /** Index into [0, n) under scipy's 'reflect' (half-sample symmetric) extension. */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
