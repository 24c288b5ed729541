package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Adam's float32 updates follow the textbook algorithm computed in double, step after step. */
class AdamOptimizerTest {
    @Test
    void updatesFollowAdamInDoublePrecision() {
        int n = 1000;
        double lr = 3e-3;
        SplittableRandom random = new SplittableRandom(4);
        double[] theta = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            theta[i] = random.nextDouble(-1, 1);
        }
        INDArray parameters = Nd4j.createFromArray(theta).castTo(DataType.FLOAT).reshape(1, n);
        AdamOptimizer adam = new AdamOptimizer(lr, n);
        for (int step = 0; step < 200; step++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 3) + 0.01 * theta[i]);
            }
            adam.update(
                    parameters, Nd4j.createFromArray(g).castTo(DataType.FLOAT).reshape(1, n), step);
            double b1 = TrainingConfig.BETA1;
            double b2 = TrainingConfig.BETA2;
            for (int i = 0; i < n; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, step + 1));
                double vHat = v[i] / (1 - Math.pow(b2, step + 1));
                // ε scaled as the folded form has it: α_t·m/(√v + ε) = lr·m̂/(√v̂ + ε/√(1 − β2^t)).
                theta[i] -=
                        lr * mHat / (Math.sqrt(vHat) + TrainingConfig.EPSILON / Math.sqrt(1 - Math.pow(b2, step + 1)));
            }
        }
        float[] ours = parameters.toFloatVector();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(ours[i] - theta[i]) / Math.max(1e-3, Math.abs(theta[i])));
        }
        assertTrue(worst < 1e-4, "largest relative difference from double-precision Adam: " + worst);
    }
}
