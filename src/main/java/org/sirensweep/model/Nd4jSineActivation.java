package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Cos;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sin;
import org.nd4j.linalg.factory.Nd4j;

/** The portable {@link SineActivation}: ND4J ops for the bias, the scaling, sin and cos, any data type. */
final class Nd4jSineActivation implements SineActivation {
    static final Nd4jSineActivation INSTANCE = new Nd4jSineActivation();

    private Nd4jSineActivation() {}

    @Override
    public void apply(INDArray sine, INDArray bias, double omega, INDArray cosine) {
        sine.addiRowVector(bias);
        sine.muli(omega);
        Nd4j.exec(new Cos(sine, cosine));
        cosine.muli(omega);
        Nd4j.exec(new Sin(sine, sine));
    }

    @Override
    public String describe() {
        return "nd4j ops";
    }
}
