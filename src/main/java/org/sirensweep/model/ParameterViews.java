package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-layer weight and bias views onto one flat parameter-shaped vector (the parameters themselves, their gradient,
 * ...). Weights are f-order {@code [fanIn, fanOut]} and biases {@code [1, fanOut]}, both contiguous, so BLAS reads
 * and writes them in place.
 */
public final class ParameterViews {
    private final INDArray flat;
    private final INDArray[] weights;
    private final INDArray[] biases;

    public ParameterViews(SirenConfig config, INDArray flat) {
        if (flat.length() != config.parameterCount()) {
            throw new IllegalArgumentException(
                    "expected " + config.parameterCount() + " parameters, got " + flat.length());
        }
        this.flat = flat;
        int layers = config.layers();
        weights = new INDArray[layers];
        biases = new INDArray[layers];
        for (int k = 0; k < layers; k++) {
            long fanIn = config.fanIn(k);
            long fanOut = config.fanOut(k);
            weights[k] = Nd4j.create(
                    flat.data(),
                    new long[] {fanIn, fanOut},
                    new long[] {1, fanIn},
                    flat.offset() + config.weightOffset(k),
                    'f',
                    flat.dataType());
            biases[k] = Nd4j.create(
                    flat.data(),
                    new long[] {1, fanOut},
                    new long[] {1, 1},
                    flat.offset() + config.biasOffset(k),
                    'f',
                    flat.dataType());
        }
    }

    /** The whole vector, {@code [1, parameterCount]}. */
    public INDArray flat() {
        return flat;
    }

    public INDArray weight(int layer) {
        return weights[layer];
    }

    public INDArray bias(int layer) {
        return biases[layer];
    }
}
