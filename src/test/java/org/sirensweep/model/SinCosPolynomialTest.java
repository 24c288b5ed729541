package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The deterministic sine: its accuracy against {@code Math.sin}/{@code Math.cos} over the range the sine layers see,
 * and the SIMD activation giving the scalar definition's bits exactly, cold and after the JIT has compiled it.
 */
class SinCosPolynomialTest {

    /** Largest |error| of sin and cos against the double-precision functions of the same float argument. */
    private static double[] maxErrors(float from, float to, int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double sinError = 0;
        double cosError = 0;
        for (int i = 0; i < samples; i++) {
            float u = (float) random.nextDouble(from, to);
            sinError = Math.max(sinError, Math.abs(SinCosPolynomial.sin(u) - Math.sin(u)));
            cosError = Math.max(cosError, Math.abs(SinCosPolynomial.cos(u) - Math.cos(u)));
        }
        return new double[] {sinError, cosError};
    }

    @Test
    void isAccurateToAboutOneFloatUlpOverTheRangeTheLayersSee() {
        // Cephes' range: the polynomials' own error and a little rounding, about one float ulp of 1.
        double[] near = maxErrors(-8192, 8192, 2_000_000, 1);
        assertTrue(near[0] < 8e-8 && near[1] < 8e-8, "sin " + near[0] + ", cos " + near[1]);
        // Further out the reduction's second step rounds at the magnitude of q·PIO2_MID.
        double[] far = maxErrors(-5e4f, 5e4f, 2_000_000, 2);
        assertTrue(far[0] < 5.5e-7 && far[1] < 5.5e-7, "sin " + far[0] + ", cos " + far[1]);
    }

    @Test
    void exactValuesAndSpecialArguments() {
        assertEquals(0f, SinCosPolynomial.sin(0f));
        assertEquals(1f, SinCosPolynomial.cos(0f));
        assertEquals(1f, SinCosPolynomial.sin((float) (Math.PI / 2)), 1e-7);
        assertEquals(-1f, SinCosPolynomial.cos((float) Math.PI), 1e-7);
        assertTrue(Float.isNaN(SinCosPolynomial.sin(Float.NaN)));
        assertTrue(Float.isNaN(SinCosPolynomial.cos(Float.POSITIVE_INFINITY)));
    }

    @ParameterizedTest(name = "{0} rows (capacity {1}), {2} columns")
    @CsvSource({"64, 64, 3", "37, 50, 5", "1, 8, 4", "15, 16, 2", "1000, 1024, 7", "4096, 4096, 2"})
    void simdActivationGivesTheScalarDefinitionsBitsColdAndCompiled(int rows, int capacity, int columns) {
        SplittableRandom random = new SplittableRandom(rows * 31L + columns);
        float[] product = new float[rows * columns];
        for (int i = 0; i < product.length; i++) {
            // Mostly the layers' range, some far out, and the reduction's edge cases (multiples of π/4).
            product[i] = switch (i % 4) {
                case 0 -> (float) random.nextDouble(-3, 3);
                case 1 -> (float) random.nextDouble(-2000, 2000);
                case 2 -> (float) (random.nextInt(-200, 200) * Math.PI / 4 / 30);
                default -> (float) random.nextGaussian();
            };
        }
        INDArray bias = Nd4j.createFromArray(randomFloats(columns, random)).reshape(1, columns);
        float omega = 30;
        float[][] expected = scalarDefinition(product, rows, columns, bias.toFloatVector(), omega);
        float[][] first = runVector(product, rows, capacity, columns, bias, omega);
        assertArrayEquals(expected[0], first[0], "sine, first call");
        assertArrayEquals(expected[1], first[1], "cosine, first call");
        // Enough calls for C2 to compile the pass (the JDK's own SIMD sin changed its bits at this point).
        for (int i = 0; i < 3000; i++) {
            runVector(product, rows, capacity, columns, bias, omega);
        }
        float[][] compiled = runVector(product, rows, capacity, columns, bias, omega);
        assertArrayEquals(expected[0], compiled[0], "sine, compiled");
        assertArrayEquals(expected[1], compiled[1], "cosine, compiled");
        float[][] scalar = run(ScalarSineActivation.INSTANCE, product, rows, capacity, columns, bias, omega);
        assertArrayEquals(expected[0], scalar[0], "sine, scalar activation");
        assertArrayEquals(expected[1], scalar[1], "cosine, scalar activation");
    }

    private static float[] randomFloats(int n, SplittableRandom random) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        return values;
    }

    /** The activation written out with the scalar definition, column-major like the workspace. */
    private static float[][] scalarDefinition(float[] product, int rows, int columns, float[] bias, float omega) {
        float[] sine = new float[product.length];
        float[] cosine = new float[product.length];
        for (int j = 0; j < columns; j++) {
            for (int r = 0; r < rows; r++) {
                float u = (product[j * rows + r] + bias[j]) * omega;
                sine[j * rows + r] = SinCosPolynomial.sin(u);
                cosine[j * rows + r] = SinCosPolynomial.cos(u) * omega;
            }
        }
        return new float[][] {sine, cosine};
    }

    private static float[][] runVector(
            float[] product, int rows, int capacity, int columns, INDArray bias, float omega) {
        return run(VectorSineActivation.SIMD_ALWAYS, product, rows, capacity, columns, bias, omega);
    }

    private static float[][] run(
            SineActivation activation,
            float[] product,
            int rows,
            int capacity,
            int columns,
            INDArray bias,
            float omega) {
        INDArray sine = workspaceMatrix(rows, capacity, columns);
        INDArray cosine = workspaceMatrix(rows, capacity, columns);
        for (int j = 0; j < columns; j++) {
            for (int r = 0; r < rows; r++) {
                sine.putScalar(r, j, product[j * rows + r]);
            }
        }
        activation.apply(sine, bias, omega, cosine);
        return new float[][] {columnMajor(sine), columnMajor(cosine)};
    }

    private static float[] columnMajor(INDArray a) {
        float[] out = new float[(int) a.length()];
        for (int j = 0; j < a.columns(); j++) {
            for (int r = 0; r < a.rows(); r++) {
                out[j * a.rows() + r] = a.getFloat(r, j);
            }
        }
        return out;
    }

    /** A {@code [rows, columns]} f-order view at the start of a buffer made for {@code capacity} rows, as Workspace makes. */
    static INDArray workspaceMatrix(int rows, int capacity, int columns) {
        DataBuffer buffer = Nd4j.createBuffer(DataType.FLOAT, (long) capacity * columns, true);
        return Nd4j.create(buffer, new long[] {rows, columns}, new long[] {1, rows}, 0, 'f', DataType.FLOAT);
    }
}
