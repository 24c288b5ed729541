package org.sirensweep.bench;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.model.Products;

/**
 * The single-precision matmul speed the training step's products ({@link Products}: OpenBLAS called directly on the
 * CPU backend) reach for the three products of a hidden layer on {@code points} points of width {@code width}, into
 * preallocated f-order outputs as the step uses them: forward
 * {@code [N×W]·[W×W]}, weight gradient {@code [N×W]ᵀ·[N×W]} and input adjoint {@code [N×W]·[W×W]ᵀ}.
 *
 * @param forward        GFLOP/s of the forward product
 * @param weightGradient GFLOP/s of the weight-gradient product
 * @param inputAdjoint   GFLOP/s of the input-adjoint product
 */
public record GemmCeiling(double forward, double weightGradient, double inputAdjoint) {
    private static final long MIN_RUN_NANOS = 20_000_000;

    /** The rate of the three products run in equal measure (the harmonic mean): the ceiling of a step. */
    public double combined() {
        return 3 / (1 / forward + 1 / weightGradient + 1 / inputAdjoint);
    }

    /** Measures each product, median over {@code repeats} timed runs (see {@link #seconds}). */
    public static GemmCeiling measure(int points, int width, int repeats) {
        INDArray h = Nd4j.rand(DataType.FLOAT, points, width).dup('f');
        INDArray du = Nd4j.rand(DataType.FLOAT, points, width).dup('f');
        INDArray w = Nd4j.rand(DataType.FLOAT, width, width).dup('f');
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {points, width}, 'f');
        INDArray gw = Nd4j.createUninitialized(DataType.FLOAT, new long[] {width, width}, 'f');
        double flops = 2.0 * points * width * width;
        return new GemmCeiling(
                flops / seconds(() -> Products.gemm(h, w, out, false, false, 1, 0), repeats) / 1e9,
                flops / seconds(() -> Products.gemm(h, du, gw, true, false, 1, 0), repeats) / 1e9,
                flops / seconds(() -> Products.gemm(du, w, out, false, true, 1, 0), repeats) / 1e9);
    }

    /**
     * Seconds per product: the median over {@code repeats} timed runs, each of enough products to last 20 ms (a
     * single small product lasts microseconds, too short to time alone), after ten such runs untimed (on one core
     * the JIT compiles the call path on the same core, for a while).
     */
    private static double seconds(Runnable product, int repeats) {
        int calls = 1;
        while (timed(product, calls) < MIN_RUN_NANOS) {
            calls *= 2;
        }
        timed(product, 10 * calls);
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            nanos[i] = timed(product, calls);
        }
        Arrays.sort(nanos);
        return nanos[repeats / 2] / 1e9 / calls;
    }

    private static long timed(Runnable product, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            product.run();
        }
        return System.nanoTime() - start;
    }
}
