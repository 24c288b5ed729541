package org.sirensweep.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam (Kingma and Ba) over a flat float32 parameter vector, element by element in float arithmetic with the bias
 * corrections folded into the step size, as ND4J's and PyTorch's Adam:
 * <pre>
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   θ ← θ − α_t · m / (√v + ε),
 *   α_t = lr · √(1 − β2^t) / (1 − β1^t)   (t = step + 1; in double, rounded to float once a step)
 * </pre>
 * Written here rather than taken from ND4J: its updater op costs about 100 µs a step for a 64-wide network (the
 * product of a small batch costs 7 µs), and every operation here is one IEEE rounding, so a training gives the
 * same bits on every run however far the JIT has got (vectorised or not, each lane rounds as a scalar would).
 */
final class AdamOptimizer {
    /** The constants as the update rounds them (the GPU's kernel takes the same floats). */
    static final float BETA1 = (float) TrainingConfig.BETA1;

    static final float BETA2 = (float) TrainingConfig.BETA2;
    static final float ONE_MINUS_BETA1 = (float) (1 - TrainingConfig.BETA1);
    static final float ONE_MINUS_BETA2 = (float) (1 - TrainingConfig.BETA2);
    static final float EPSILON = (float) TrainingConfig.EPSILON;

    private final double learningRate;
    /** The moments, and the parameters and gradient copied out of ND4J's memory for the update (plain loops over
     * arrays, which the JIT vectorises; element by element through an NIO buffer took 6 ns an element). */
    private final float[] m;

    private final float[] v;
    private final float[] theta;
    private final float[] g;

    /** Adam with {@code learningRate} and {@link TrainingConfig}'s β1, β2 and ε over {@code parameters} values. */
    AdamOptimizer(double learningRate, int parameters) {
        this.learningRate = learningRate;
        m = new float[parameters];
        v = new float[parameters];
        theta = new float[parameters];
        g = new float[parameters];
    }

    /** One update of {@code parameters} with {@code gradient} at optimiser step {@code step} (0 for the first). */
    void update(INDArray parameters, INDArray gradient, long step) {
        int n = m.length;
        if (parameters.length() != n || gradient.length() != n) {
            throw new IllegalArgumentException(
                    n + " moments for " + parameters.length() + " parameters and " + gradient.length() + " gradients");
        }
        float alpha = stepSize(learningRate, step);
        floats(parameters).get(theta);
        floats(gradient).get(g);
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = BETA1 * m[i] + ONE_MINUS_BETA1 * gi;
            float vi = BETA2 * v[i] + ONE_MINUS_BETA2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            theta[i] = theta[i] - alpha * mi / ((float) Math.sqrt(vi) + EPSILON);
        }
        floats(parameters).put(theta);
    }

    /** α_t at optimiser step {@code step} (0 for the first): the bias corrections folded in, rounded to float once. */
    static float stepSize(double learningRate, long step) {
        double t = step + 1.0;
        return (float) (learningRate
                * Math.sqrt(1 - Math.pow(TrainingConfig.BETA2, t))
                / (1 - Math.pow(TrainingConfig.BETA1, t)));
    }

    /** The moments as one array, {@code [m, v]} (for a checkpoint). */
    float[] state() {
        float[] state = new float[2 * m.length];
        System.arraycopy(m, 0, state, 0, m.length);
        System.arraycopy(v, 0, state, m.length, v.length);
        return state;
    }

    /** Puts back moments {@link #state()} gave. */
    void restore(float[] state) {
        if (state.length != 2 * m.length) {
            throw new IllegalArgumentException("the saved training state has " + state.length + " optimiser values, "
                    + "this network's Adam " + 2 * m.length);
        }
        System.arraycopy(state, 0, m, 0, m.length);
        System.arraycopy(state, m.length, v, 0, v.length);
    }

    /**
     * A contiguous float32 vector's memory as floats, positioned at its first element (a view's NIO buffer is its
     * whole memory: its elements start at its offset).
     */
    private static FloatBuffer floats(INDArray array) {
        if (array.dataType() != DataType.FLOAT || array.elementWiseStride() != 1) {
            throw new IllegalArgumentException("expected a contiguous float32 vector");
        }
        FloatBuffer values = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        values.position((int) array.offset());
        return values;
    }
}
