package org.sirensweep.image;

/**
 * The factors the derivative targets carry: the gradient target is the Sobel of {@code gradient · img} (times scipy's
 * channel-axis factor), the Laplacian target the Laplacian of {@code laplacian · img}. Siren-Jax's factors, 10 and
 * 1e4, were set for 256² images; the filters measure change per pixel, so at another resolution the same factors
 * ask for derivatives that are (n−1)/255 and ((n−1)/255)² times larger relative to the image's true ones (with
 * coordinates spanning [-1, 1], a pixel is 2/(n−1) wide). {@link #forResolution} keeps that ratio as at a
 * reference resolution.
 */
public record TargetScales(double gradient, double laplacian) {
    /** Siren-Jax's factors, used as they are at every resolution. */
    public static final TargetScales SIREN_JAX = new TargetScales(10, 1e4);

    public TargetScales {
        if (!(gradient > 0) || !(laplacian > 0) || Double.isInfinite(gradient) || Double.isInfinite(laplacian)) {
            throw new IllegalArgumentException(
                    "target scales must be positive numbers, got " + gradient + " and " + laplacian);
        }
    }

    /**
     * Siren-Jax's factors as they relate to the true derivatives at {@code reference} pixels across, carried to
     * {@code resolution}: the gradient's times (n−1)/(R−1), the Laplacian's times its square.
     */
    public static TargetScales forResolution(int resolution, int reference) {
        double ratio = (resolution - 1.0) / (reference - 1.0);
        return new TargetScales(SIREN_JAX.gradient * ratio, SIREN_JAX.laplacian * ratio * ratio);
    }
}
