package org.sirensweep.model;

import org.sirensweep.image.Supervision;

/**
 * Which input derivatives of the network a pass carries next to its value, as forward-mode streams: the
 * {@code gradient} (one tangent per input coordinate) and the {@code laplacian} (which needs the tangents).
 */
public record Derivatives(boolean gradient, boolean laplacian) {
    public static final Derivatives VALUE_ONLY = new Derivatives(false, false);
    public static final Derivatives GRADIENT = new Derivatives(true, false);
    public static final Derivatives ALL = new Derivatives(true, true);

    public Derivatives {
        if (laplacian && !gradient) {
            throw new IllegalArgumentException("the Laplacian stream is built from the gradient tangents");
        }
    }

    /** The streams a supervision type's loss reads. */
    public static Derivatives of(Supervision supervision) {
        if (supervision.needsLaplacian()) {
            return ALL;
        }
        return supervision.needsGradient() ? GRADIENT : VALUE_ONLY;
    }
}
