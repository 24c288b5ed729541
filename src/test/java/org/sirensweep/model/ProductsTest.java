package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The direct OpenBLAS products give Nd4j.gemm's bits, for every transpose, on views at an offset, with beta. */
class ProductsTest {
    @Test
    void directProductsEqualNd4jGemmBitForBit() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            assertTrue(Products.direct(type), "the CPU backend's products go to OpenBLAS directly: " + type);
            Nd4j.getRandom().setSeed(3);
            INDArray a = Nd4j.rand(type, 37, 24).dup('f');
            INDArray b = Nd4j.rand(type, 24, 24).dup('f');
            INDArray du = Nd4j.rand(type, 37, 24).dup('f');
            // A block at an offset inside a wider array, as a pack's workspace holds them.
            INDArray wide = Nd4j.zeros(type, 37, 72).dup('f');
            INDArray block = Nd4j.create(wide.data(), new long[] {37, 24}, new long[] {1, 37}, 37L * 24, 'f', type);
            check(a, b, block, false, false, 1, 0);
            check(a, b, block, false, false, 1, 1);
            check(a, du, Nd4j.rand(type, 24, 24).dup('f'), true, false, 1, 1);
            check(du, b, Nd4j.zeros(type, 37, 24).dup('f'), false, true, 1, 0);
            check(Nd4j.ones(type, 37, 1).dup('f'), du, Nd4j.zeros(type, 1, 24), true, false, 1, 0);
            check(a, b, Nd4j.zeros(type, 37, 24).dup('f'), false, false, -0.5, 0);
        }
    }

    private static void check(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        INDArray expected = c.dup('f');
        Nd4j.gemm(a, b, expected, ta, tb, alpha, beta);
        Products.gemm(a, b, c, ta, tb, alpha, beta);
        assertArrayEquals(
                expected.castTo(DataType.DOUBLE).data().asDouble(),
                c.dup('f').castTo(DataType.DOUBLE).data().asDouble(),
                "transposes " + ta + "/" + tb + ", alpha " + alpha + ", beta " + beta);
    }
}
