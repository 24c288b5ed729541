package org.sirensweep.image;

/**
 * What a trial fits: the pixel coordinates and, per channel, the supervised quantities, all in point order
 * (row-major pixels). Coordinates are {@code linspace(-1, 1, n)} per axis on an 'ij' meshgrid, so coordinate 0 is
 * the row, as Siren-Jax. Values are normalised to {@code (p - 0.5) / 0.5}.
 *
 * <p>Derivative targets follow Siren-Jax, which filters the (H, W, 1) array with scipy: its Sobel also smooths
 * across the size-1 channel axis ([1, 2, 1] under 'reflect' sums to 4), so the gradient target is 4× the 2-D Sobel
 * of {@code 10·img}, and its Laplacian is the 2-D 5-point Laplacian of {@code 1e4·img} (those factors are {@link
 * TargetScales}, which can carry them to other resolutions). Colour channels are filtered
 * one by one (Siren-Jax's (H, W, 3) call would also blend neighbouring channels; that is not copied).
 *
 * @param coordinates {@code [point][axis]} flattened as point*2 + axis
 * @param supervision what the targets are for, or null when they are all there (for measuring)
 * @param values      {@code [channel][point]}, or null when the supervision does not use them
 * @param gradients   {@code [axis][channel][point]}, or null
 * @param laplacians  {@code [channel][point]}, or null
 */
public record TrainingTargets(
        Supervision supervision,
        int height,
        int width,
        int channels,
        double[] coordinates,
        double[][] values,
        double[][][] gradients,
        double[][] laplacians) {

    /** scipy's Sobel on the (H, W, 1) array smooths the size-1 channel axis by [1, 2, 1]: a factor of 4. */
    public static final double SOBEL_CHANNEL_AXIS_FACTOR = 4;

    public int points() {
        return height * width;
    }

    /** The targets {@code supervision} trains on, with Siren-Jax's factors. */
    public static TrainingTargets of(PixelImage image, Supervision supervision) {
        return of(image, supervision, TargetScales.SIREN_JAX);
    }

    /** Every target (values, gradient and Laplacian) with the given factors: what a trial is measured against. */
    public static TrainingTargets all(PixelImage image, TargetScales scales) {
        return of(image, null, scales);
    }

    /** The targets {@code supervision} trains on (all of them for {@code null}), with the given factors. */
    public static TrainingTargets of(PixelImage image, Supervision supervision, TargetScales scales) {
        int h = image.height();
        int w = image.width();
        int channels = image.channels();
        double[][] normalised = new double[channels][];
        for (int c = 0; c < channels; c++) {
            normalised[c] = image.channel(c);
            for (int p = 0; p < normalised[c].length; p++) {
                normalised[c][p] = (normalised[c][p] - 0.5) / 0.5;
            }
        }
        double[][] values = supervision == null || supervision.needsValues() ? normalised : null;
        double[][][] gradients = null;
        if (supervision == null || supervision.needsGradient()) {
            gradients = new double[2][channels][];
            for (int axis = 0; axis < 2; axis++) {
                for (int c = 0; c < channels; c++) {
                    double[] sobel = Filters.sobel(normalised[c], h, w, axis);
                    for (int p = 0; p < sobel.length; p++) {
                        sobel[p] *= SOBEL_CHANNEL_AXIS_FACTOR * scales.gradient();
                    }
                    gradients[axis][c] = sobel;
                }
            }
        }
        double[][] laplacians = null;
        if (supervision == null || supervision.needsLaplacian()) {
            laplacians = new double[channels][];
            for (int c = 0; c < channels; c++) {
                double[] lap = Filters.laplace(normalised[c], h, w);
                for (int p = 0; p < lap.length; p++) {
                    lap[p] *= scales.laplacian();
                }
                laplacians[c] = lap;
            }
        }
        return new TrainingTargets(supervision, h, w, channels, coordinates(h, w), values, gradients, laplacians);
    }

    /** Pixel-centre coordinates of an h×w grid in [-1, 1]², point-major: {@code [p*2] = row, [p*2+1] = column}. */
    public static double[] coordinates(int height, int width) {
        double[] rows = linspace(height);
        double[] columns = linspace(width);
        double[] xy = new double[height * width * 2];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                xy[(r * width + c) * 2] = rows[r];
                xy[(r * width + c) * 2 + 1] = columns[c];
            }
        }
        return xy;
    }

    /** {@code numpy.linspace(-1, 1, n)}: the coordinates of n pixel centres along one axis. */
    public static double[] linspace(int n) {
        double[] out = new double[n];
        if (n == 1) {
            out[0] = -1;
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = -1 + 2.0 * i / (n - 1);
        }
        return out;
    }
}
