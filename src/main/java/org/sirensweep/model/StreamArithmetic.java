package org.sirensweep.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sine layer's elementwise arithmetic on its derivative streams, the formulas of {@link SirenPass} between its
 * products: forward, the tangents and Laplacian from the pre-activation streams; reverse, the adjoints of a layer's
 * pre-activations from those of its outputs. It runs once over a pack's arrays, all trials at once.
 *
 * <p>Float workspaces fuse each direction into one SIMD pass over the layer's arrays ({@link
 * VectorStreamArithmetic}, with the JDK's Vector API); double workspaces (the tests' float64 checks), and floats
 * without the Vector API module, run it as a sequence of ND4J ops ({@link Nd4jStreamArithmetic}). Both round every
 * product and sum to the arrays' type in the same order, so they give the same bits: the fused pass only saves the
 * passes over memory and the ops' fixed costs.
 */
interface StreamArithmetic {
    /**
     * Layer k forward, after its products and activation: {@code t_i = c ⊙ a_i} into {@code tangent[k]} (if the
     * workspace carries the gradient) and {@code L = c ⊙ m - ω² s ⊙ Σ_i a_i²} into {@code laplacian[k]} (if it
     * carries the Laplacian; the first layer has no {@code m}).
     */
    void forward(Workspace ws, int k);

    /**
     * Layer k in reverse: {@code up} holds the adjoints of its outputs (value, tangents, Laplacian; those not
     * {@code active} are unset), which become the adjoints of its pre-activation streams in place: {@code du} in
     * the value's, {@code da_i} in the tangents' (if tangents or the Laplacian are active), {@code dm} in the
     * Laplacian's (if it is active).
     */
    void backward(
            Workspace ws, int k, INDArray[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive);

    /** The implementation for arrays of {@code type} in this JVM (see the type's description). */
    static StreamArithmetic forType(DataType type) {
        boolean vectorModule =
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return type == DataType.FLOAT && vectorModule ? VectorStreamArithmetic.INSTANCE : Nd4jStreamArithmetic.INSTANCE;
    }
}
