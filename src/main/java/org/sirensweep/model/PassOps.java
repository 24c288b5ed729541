package org.sirensweep.model;

/**
 * How one backend computes a pass over a pack's arrays ({@link PassArrays}) and its networks' parameters: the
 * products with each trial's own weights, the sine activation and output bias, the derivative streams' elementwise
 * arithmetic, and the parameter gradients. {@link SirenPass} says what a pass computes, in what order; a backend's
 * PassOps how: the CPU's by BLAS calls and SIMD passes on ND4J arrays ({@link CpuPassOps}), a GPU's by cuBLAS and
 * kernels. Every method works on all trials of the pack, each on its own block of the arrays.
 *
 * @param <M> the backend's matrix
 */
public interface PassOps<M> {
    /** {@code out_p = in_p · W_p} with {@code W_p} trial p's weights of {@code layer}. */
    void weightProduct(M in, int layer, M out);

    /** {@code out_p = adjoint_p · W_pᵀ}: an adjoint carried through {@code layer} to its input. */
    void adjointProduct(M adjoint, int layer, M out);

    /** {@code G_p = in_pᵀ · adjoint_p}, or {@code G_p += …} if {@code accumulate}: the weight gradient of {@code layer}. */
    void weightGradient(M in, M adjoint, int layer, boolean accumulate);

    /** {@code g_p = Σ_rows adjoint_p}: the bias gradient of {@code layer}. */
    void biasGradient(M adjoint, int layer);

    /** {@code g_p = 0}: the bias gradient of a layer whose value no loss term reads. */
    void zeroBiasGradient(int layer);

    /** Sine layer {@code layer}'s activation: {@code sine = sin(ω(p + b))} over the product, {@code cosine = ω cos(…)}. */
    void activate(int layer, M sine, M cosine);

    /** {@code out += b} with trial p's bias of {@code layer} (the linear output layer's). */
    void addBias(int layer, M out);

    /** Sine layer k's forward stream arithmetic ({@link StreamArithmetic#forward}). */
    void streamsForward(int k);

    /** Sine layer k's reverse stream arithmetic ({@link StreamArithmetic#backward}) on the adjoints {@code up}. */
    void streamsBackward(int k, M[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive);
}
