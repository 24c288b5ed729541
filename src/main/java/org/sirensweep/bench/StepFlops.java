package org.sirensweep.bench;

import org.sirensweep.image.Supervision;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.SirenConfig;

/**
 * The matrix-product work of one training step, counted from what {@code SirenPass} computes: every stream a layer
 * carries (the value, one tangent per input coordinate, the Laplacian) goes through three products per weight layer
 * (forward, weight gradient, input adjoint), except that the first layer needs no input adjoint and its input has no
 * Laplacian. Elementwise work (sin, cos, products) is not counted: it is what keeps a step below the matmul ceiling.
 */
public final class StepFlops {
    private StepFlops() {}

    /** Floating-point operations of the matrix products of one step on {@code points} points. */
    public static double of(SirenConfig config, Supervision supervision, long points) {
        Derivatives d = Derivatives.of(supervision);
        int streams = 1 + (d.gradient() ? config.inputs() : 0) + (d.laplacian() ? 1 : 0);
        int firstStreams = streams - (d.laplacian() ? 1 : 0);
        double perPointFactor = 2.0 * points;
        double first = 2 * firstStreams * perPointFactor * config.inputs() * config.width();
        double hidden = 3 * streams * perPointFactor * (double) config.width() * config.width() * config.depth();
        double output = 3 * streams * perPointFactor * config.width() * config.outputs();
        return first + hidden + output;
    }
}
