package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The portable float {@link SineActivation}: {@link SinCosPolynomial} one element at a time, for JVMs without the
 * Vector API module. It gives the same bits as {@link VectorSineActivation}, so a trial's result does not depend on
 * whether the module was there.
 */
final class ScalarSineActivation implements SineActivation {
    static final ScalarSineActivation INSTANCE = new ScalarSineActivation();

    private ScalarSineActivation() {}

    @Override
    public void apply(INDArray sine, INDArray bias, double omega, INDArray cosine) {
        float w = (float) omega;
        long rows = sine.rows();
        long columns = sine.columns();
        for (long j = 0; j < columns; j++) {
            float b = bias.getFloat(j);
            for (long r = 0; r < rows; r++) {
                float u = (sine.getFloat(r, j) + b) * w;
                cosine.putScalar(r, j, SinCosPolynomial.cos(u) * w);
                sine.putScalar(r, j, SinCosPolynomial.sin(u));
            }
        }
    }

    @Override
    public String describe() {
        return "scalar polynomial";
    }
}
