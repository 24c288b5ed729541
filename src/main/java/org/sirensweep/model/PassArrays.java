package org.sirensweep.model;

import java.lang.reflect.Array;

/**
 * Every array one forward/backward pass over a batch of points needs, on one backend ({@code M}: its matrix, an
 * ND4J array on the CPU ({@link Workspace}), device memory on a GPU): the engine's layout, the same on every backend.
 * Each array is an f-order {@code [rows, pack · columns]} matrix holding the matrices of a pack of networks of one
 * shape side by side, trial p's in columns {@code p·columns} to {@code (p+1)·columns - 1}.
 *
 * <p>Names follow {@link SirenPass}: per sine layer k, {@code sine[k] = sin(ω u)}, {@code cosine[k] = ω cos(ω u)},
 * {@code preTangent[k][i] = t_i W} and {@code tangent[k][i]}, {@code preLaplacian[k] = L W} and {@code laplacian[k]}
 * (none for k = 0, whose input has no Laplacian).
 *
 * @param <M> the backend's matrix
 */
public abstract class PassArrays<M> {
    final SirenConfig config;
    final Derivatives derivatives;
    final int rows;
    /** Networks trained side by side. */
    final int pack;

    /** Network input coordinates, {@code [rows, inputs]}. */
    final M input;
    /** The input coordinates' own tangents: column i is one, the rest zero. */
    final M[] inputTangent;
    /** A column of ones, for bias gradients as a matrix product. */
    final M ones;

    final M[] sine;
    final M[] cosine;
    final M[][] preTangent;
    final M[][] tangent;
    final M[] preLaplacian;
    final M[] laplacian;

    final M output;
    final M[] outputGradient;
    final M outputLaplacian;

    /** Adjoints of the loss with respect to the outputs, written by the loss. */
    final M outputAdjoint;

    final M[] outputGradientAdjoint;
    final M outputLaplacianAdjoint;

    /** Adjoints of one layer's outputs ([0] value, [1..n] tangents, [n+1] Laplacian); two sets, swapped by layer. */
    final M[][] adjoint;
    /** Scratch arrays of the CPU's op-by-op stream arithmetic ({@link Nd4jStreamArithmetic}). */
    final M scratch0;

    final M scratch1;
    final M scratch2;

    /** Targets of the current batch, filled by the trainer: values, per-axis gradients, Laplacians. */
    final M targetValues;

    final M[] targetGradient;
    final M targetLaplacian;

    /** Where a backend's arrays come from, in the order the layout asks for them. */
    protected interface Allocator<M> {
        /** The next {@code [rows, pack · columns]} array (null when only planning). */
        M matrix(int columns);

        /** The constant tangent of input coordinate {@code axis}, {@code [rows, pack · inputs]}. */
        M inputTangent(int axis);

        /** A {@code [rows, 1]} column of ones. */
        M ones();
    }

    /**
     * Lays the arrays out for {@code rows} points of {@code pack} networks of {@code config}, carrying {@code
     * derivatives}, with the reverse pass's arrays if {@code backward}, each taken from {@code allocator}.
     */
    protected PassArrays(
            Class<M> type,
            SirenConfig config,
            Derivatives derivatives,
            int rows,
            boolean backward,
            int pack,
            Allocator<M> allocator) {
        if (pack < 1) {
            throw new IllegalArgumentException("a pack holds at least one network, got " + pack);
        }
        this.config = config;
        this.derivatives = derivatives;
        this.rows = rows;
        this.pack = pack;
        int n = config.inputs();
        int w = config.width();
        int c = config.outputs();
        int sineLayers = config.depth() + 1;
        boolean grad = derivatives.gradient();
        boolean lap = derivatives.laplacian();

        input = allocator.matrix(n);
        inputTangent = grad ? array(type, n) : null;
        for (int i = 0; grad && i < n; i++) {
            inputTangent[i] = allocator.inputTangent(i);
        }
        ones = allocator.ones();

        sine = array(type, sineLayers);
        cosine = array(type, sineLayers);
        preTangent = grad ? array2(type, sineLayers, n) : null;
        tangent = grad ? array2(type, sineLayers, n) : null;
        preLaplacian = lap ? array(type, sineLayers) : null;
        laplacian = lap ? array(type, sineLayers) : null;
        for (int k = 0; k < sineLayers; k++) {
            sine[k] = allocator.matrix(w);
            cosine[k] = allocator.matrix(w);
            for (int i = 0; grad && i < n; i++) {
                preTangent[k][i] = allocator.matrix(w);
                tangent[k][i] = allocator.matrix(w);
            }
            if (lap) {
                preLaplacian[k] = k == 0 ? null : allocator.matrix(w);
                laplacian[k] = allocator.matrix(w);
            }
        }
        output = allocator.matrix(c);
        outputGradient = grad ? matrices(type, allocator, n, c) : null;
        outputLaplacian = lap ? allocator.matrix(c) : null;

        if (backward) {
            outputAdjoint = allocator.matrix(c);
            outputGradientAdjoint = grad ? matrices(type, allocator, n, c) : null;
            outputLaplacianAdjoint = lap ? allocator.matrix(c) : null;
            adjoint = array2(type, 2, n + 2);
            for (int set = 0; set < 2; set++) {
                adjoint[set][0] = allocator.matrix(w);
                for (int i = 1; grad && i <= n; i++) {
                    adjoint[set][i] = allocator.matrix(w);
                }
                adjoint[set][n + 1] = lap ? allocator.matrix(w) : null;
            }
            scratch0 = grad ? allocator.matrix(w) : null;
            scratch1 = allocator.matrix(w);
            scratch2 = lap ? allocator.matrix(w) : null;
            targetValues = allocator.matrix(c);
            targetGradient = grad ? matrices(type, allocator, n, c) : null;
            targetLaplacian = lap ? allocator.matrix(c) : null;
        } else {
            outputAdjoint = null;
            outputGradientAdjoint = null;
            outputLaplacianAdjoint = null;
            adjoint = null;
            scratch0 = null;
            scratch1 = lap ? allocator.matrix(w) : null;
            scratch2 = null;
            targetValues = null;
            targetGradient = null;
            targetLaplacian = null;
        }
    }

    @SuppressWarnings("unchecked")
    private static <M> M[] array(Class<M> type, int length) {
        return (M[]) Array.newInstance(type, length);
    }

    @SuppressWarnings("unchecked")
    private static <M> M[][] array2(Class<M> type, int length, int inner) {
        return (M[][]) Array.newInstance(type, length, inner);
    }

    private static <M> M[] matrices(Class<M> type, Allocator<M> allocator, int count, int columns) {
        M[] out = array(type, count);
        for (int i = 0; i < count; i++) {
            out[i] = allocator.matrix(columns);
        }
        return out;
    }

    /** The number of points in this batch. */
    public int rows() {
        return rows;
    }

    /** Networks trained side by side in these arrays (1: a single trial). */
    public int pack() {
        return pack;
    }

    public SirenConfig config() {
        return config;
    }

    public Derivatives derivatives() {
        return derivatives;
    }

    /** Input coordinates, {@code [rows, inputs]}: fill before {@link SirenPass#forward}. */
    public M input() {
        return input;
    }

    /** The network's values after a forward pass, {@code [rows, outputs]}. */
    public M output() {
        return output;
    }

    /** d output / d input_i after a forward pass with the gradient stream. */
    public M outputGradient(int axis) {
        return outputGradient[axis];
    }

    /** Σ_i d² output / d input_i² after a forward pass with the Laplacian stream. */
    public M outputLaplacian() {
        return outputLaplacian;
    }

    public M targetValues() {
        return targetValues;
    }

    public M targetGradient(int axis) {
        return targetGradient[axis];
    }

    public M targetLaplacian() {
        return targetLaplacian;
    }

    /** The {@code [rows, 1]} column of ones. */
    public M ones() {
        return ones;
    }

    /** {@code sin(ω u)} of sine layer k (after the activation). */
    public M sine(int k) {
        return sine[k];
    }

    /** {@code ω cos(ω u)} of sine layer k. */
    public M cosine(int k) {
        return cosine[k];
    }

    /** {@code t_i W} of sine layer k (its pre-activation tangent along input i). */
    public M preTangent(int k, int i) {
        return preTangent[k][i];
    }

    public M tangent(int k, int i) {
        return tangent[k][i];
    }

    /** {@code L W} of sine layer k; null for the first, whose input has no Laplacian. */
    public M preLaplacian(int k) {
        return preLaplacian[k];
    }

    public M laplacian(int k) {
        return laplacian[k];
    }
}
