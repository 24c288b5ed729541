package org.sirensweep.bench;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The single-precision matmul speed ND4J's BLAS reaches for the three products of a hidden layer on {@code points}
 * points of width {@code width}, into preallocated f-order outputs as the training step uses them: forward
 * {@code [N×W]·[W×W]}, weight gradient {@code [N×W]ᵀ·[N×W]} and input adjoint {@code [N×W]·[W×W]ᵀ}.
 *
 * @param forward        GFLOP/s of the forward product
 * @param weightGradient GFLOP/s of the weight-gradient product
 * @param inputAdjoint   GFLOP/s of the input-adjoint product
 */
public record GemmCeiling(double forward, double weightGradient, double inputAdjoint) {

    /** The rate of the three products run in equal measure (the harmonic mean): the ceiling of a step. */
    public double combined() {
        return 3 / (1 / forward + 1 / weightGradient + 1 / inputAdjoint);
    }

    /** Measures each product, median over {@code repeats} timed runs after one warm-up run. */
    public static GemmCeiling measure(int points, int width, int repeats) {
        INDArray h = Nd4j.rand(DataType.FLOAT, points, width).dup('f');
        INDArray du = Nd4j.rand(DataType.FLOAT, points, width).dup('f');
        INDArray w = Nd4j.rand(DataType.FLOAT, width, width).dup('f');
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {points, width}, 'f');
        INDArray gw = Nd4j.createUninitialized(DataType.FLOAT, new long[] {width, width}, 'f');
        double flops = 2.0 * points * width * width;
        return new GemmCeiling(
                flops / seconds(() -> Nd4j.gemm(h, w, out, false, false, 1, 0), repeats) / 1e9,
                flops / seconds(() -> Nd4j.gemm(h, du, gw, true, false, 1, 0), repeats) / 1e9,
                flops / seconds(() -> Nd4j.gemm(du, w, out, false, true, 1, 0), repeats) / 1e9);
    }

    private static double seconds(Runnable product, int repeats) {
        product.run();
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            product.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[repeats / 2] / 1e9;
    }
}
