package org.sirensweep.image;

/**
 * Structural similarity (Wang et al. 2004) exactly as scikit-image's {@code structural_similarity} computes it by
 * default: a 7×7 uniform window ('reflect' borders), sample covariances, K1 = 0.01, K2 = 0.03, data range 1, the
 * mean over the map with a 3-pixel border left out, and for colour images the mean over channels.
 */
public final class Ssim {
    private static final int WINDOW = 7;
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;

    private Ssim() {}

    /** SSIM of two images of equal shape with samples in [0, 1]. */
    public static double of(PixelImage a, PixelImage b) {
        if (a.height() != b.height() || a.width() != b.width() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("SSIM needs images of one shape, got " + a + " and " + b);
        }
        double sum = 0;
        for (int c = 0; c < a.channels(); c++) {
            sum += ofPlanes(a.channel(c), b.channel(c), a.height(), a.width());
        }
        return sum / a.channels();
    }

    /** SSIM of two row-major planes of {@code height × width} samples (data range 1). */
    public static double ofPlanes(double[] x, double[] y, int height, int width) {
        if (height < WINDOW || width < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least 7x7 pixels, got " + width + "x" + height);
        }
        int n = height * width;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] ux = mean(x, height, width);
        double[] uy = mean(y, height, width);
        double[] uxx = mean(xx, height, width);
        double[] uyy = mean(yy, height, width);
        double[] uxy = mean(xy, height, width);
        double points = WINDOW * WINDOW;
        double covarianceNorm = points / (points - 1);
        double c1 = K1 * K1;
        double c2 = K2 * K2;
        int pad = (WINDOW - 1) / 2;
        double sum = 0;
        for (int r = pad; r < height - pad; r++) {
            for (int c = pad; c < width - pad; c++) {
                int i = r * width + c;
                double vx = covarianceNorm * (uxx[i] - ux[i] * ux[i]);
                double vy = covarianceNorm * (uyy[i] - uy[i] * uy[i]);
                double vxy = covarianceNorm * (uxy[i] - ux[i] * uy[i]);
                double a1 = 2 * ux[i] * uy[i] + c1;
                double a2 = 2 * vxy + c2;
                double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1;
                double b2 = vx + vy + c2;
                sum += a1 * a2 / (b1 * b2);
            }
        }
        return sum / ((double) (height - 2 * pad) * (width - 2 * pad));
    }

    /** scipy.ndimage.uniform_filter(size=7, mode='reflect'): the window mean, rows then columns. */
    private static double[] mean(double[] plane, int height, int width) {
        int half = WINDOW / 2;
        double[] rows = new double[plane.length];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int k = -half; k <= half; k++) {
                    s += plane[Filters.reflect(r + k, height) * width + c];
                }
                rows[r * width + c] = s / WINDOW;
            }
        }
        double[] out = new double[plane.length];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int k = -half; k <= half; k++) {
                    s += rows[r * width + Filters.reflect(c + k, width)];
                }
                out[r * width + c] = s / WINDOW;
            }
        }
        return out;
    }
}
