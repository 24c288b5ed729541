package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The sine activations all compute sin(ω(p + b)) and ω cos(ω(p + b)), on workspace-shaped arrays and their short views. */
class SineActivationTest {

    @Test
    void theBuildRunsTheVectorActivationForFloatsAndNd4jOpsForDoubles() {
        // surefire passes --add-modules jdk.incubator.vector, as the launcher does
        assertSame(VectorSineActivation.INSTANCE, SineActivation.forType(DataType.FLOAT));
        assertSame(Nd4jSineActivation.INSTANCE, SineActivation.forType(DataType.DOUBLE));
    }

    @ParameterizedTest(name = "{0} of {1} rows, {2} columns")
    @CsvSource({"64, 64, 3", "37, 50, 5", "1, 8, 4", "16, 16, 1", "1000, 1024, 7"})
    void bothComputeSineAndScaledCosineOfTheShiftedProduct(int rows, int capacity, int columns) {
        Nd4j.getRandom().setSeed(rows * 31L + columns);
        INDArray product = Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5).muli(4);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 1, columns).subi(0.5);
        double omega = 30;
        for (SineActivation activation : List.of(
                Nd4jSineActivation.INSTANCE,
                VectorSineActivation.SIMD_ALWAYS,
                VectorSineActivation.INSTANCE,
                ScalarSineActivation.INSTANCE)) {
            INDArray sine = SinCosPolynomialTest.workspaceMatrix(rows, capacity, columns)
                    .assign(product);
            INDArray cosine = SinCosPolynomialTest.workspaceMatrix(rows, capacity, columns);
            activation.apply(sine, bias, omega, cosine);
            double sineError = 0;
            double cosineError = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < columns; j++) {
                    double u = omega * (product.getFloat(r, j) + bias.getFloat(j));
                    sineError = Math.max(sineError, Math.abs(sine.getDouble(r, j) - Math.sin(u)));
                    cosineError = Math.max(cosineError, Math.abs(cosine.getDouble(r, j) - omega * Math.cos(u)));
                }
            }
            // |ω(p + b)| reaches 75: float rounding of the argument alone is a few 1e-6
            assertEquals(0, sineError, 2e-5, activation.describe());
            assertEquals(0, cosineError, omega * 2e-5, activation.describe());
        }
    }
}
