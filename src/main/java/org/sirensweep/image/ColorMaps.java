package org.sirensweep.image;

import java.awt.Color;
import java.util.Arrays;

/**
 * Pictures of derivative fields, drawn as the SIREN paper and Siren-Jax draw them. Colour images are drawn from the
 * channel mean of their derivatives.
 */
public final class ColorMaps {
    /** ColorBrewer's 11-class RdBu, the anchors of matplotlib's "RdBu" (red for low, blue for high). */
    private static final int[] RD_BU = {
        0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061
    };

    private ColorMaps() {}

    /**
     * A gradient field as HSV: hue is the direction ({@code atan2(d/dcolumn, d/drow)}), brightness the magnitude
     * scaled between its 5th and 95th percentile, full saturation.
     *
     * @param dRow    derivative along rows (axis 0), row-major plane
     * @param dColumn derivative along columns (axis 1)
     */
    public static PixelImage gradient(double[] dRow, double[] dColumn, int height, int width) {
        int n = height * width;
        double[] magnitude = new double[n];
        for (int p = 0; p < n; p++) {
            magnitude[p] = Math.hypot(dColumn[p], dRow[p]);
        }
        double low = percentile(magnitude, 5);
        double high = percentile(magnitude, 95);
        double[] rgb = new double[n * 3];
        for (int p = 0; p < n; p++) {
            float hue = (float) ((Math.atan2(dColumn[p], dRow[p]) + Math.PI) / (2 * Math.PI));
            double value = high > low ? (magnitude[p] - low) / (high - low) : 0;
            int packed = Color.HSBtoRGB(hue, 1f, (float) Math.max(0, Math.min(1, value)));
            putRgb(rgb, p, packed);
        }
        return new PixelImage(height, width, 3, rgb);
    }

    /** A Laplacian field in the diverging RdBu map, clipped at its 2nd and 98th percentile and stretched to fill it. */
    public static PixelImage laplacian(double[] laplacian, int height, int width) {
        int n = height * width;
        double low = percentile(laplacian, 2);
        double high = percentile(laplacian, 98);
        double[] rgb = new double[n * 3];
        for (int p = 0; p < n; p++) {
            double t = high > low ? (Math.max(low, Math.min(high, laplacian[p])) - low) / (high - low) : 0.5;
            putRgb(rgb, p, rdBu(t));
        }
        return new PixelImage(height, width, 3, rgb);
    }

    /** RdBu at {@code t} in [0, 1], linearly interpolated between its anchors, as packed 0xRRGGBB. */
    static int rdBu(double t) {
        double x = Math.max(0, Math.min(1, t)) * (RD_BU.length - 1);
        int i = Math.min(RD_BU.length - 2, (int) Math.floor(x));
        double f = x - i;
        int packed = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double a = (RD_BU[i] >> shift) & 0xff;
            double b = (RD_BU[i + 1] >> shift) & 0xff;
            packed |= (int) Math.round(a + f * (b - a)) << shift;
        }
        return packed;
    }

    private static void putRgb(double[] rgb, int p, int packed) {
        rgb[p * 3] = ((packed >> 16) & 0xff) / 255.0;
        rgb[p * 3 + 1] = ((packed >> 8) & 0xff) / 255.0;
        rgb[p * 3 + 2] = (packed & 0xff) / 255.0;
    }

    /** {@code numpy.percentile} with its default linear interpolation. */
    public static double percentile(double[] data, double q) {
        double[] sorted = data.clone();
        Arrays.sort(sorted);
        double position = q / 100 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
