package org.sirensweep.model;

/**
 * The shape of a SIREN: {@code inputs} coordinates, a first sine layer and {@code depth} hidden sine layers of
 * {@code width} units, each {@code sin(omega0 · (h W + b))}, then a linear layer to {@code outputs} channels.
 * The paper's image network is {@code depth = 3, width = 256, omega0 = 30}: five weight layers.
 */
public record SirenConfig(int inputs, int outputs, int width, int depth, double omega0) {

    public static final int DEFAULT_WIDTH = 256;
    public static final int DEFAULT_DEPTH = 3;
    public static final double DEFAULT_OMEGA0 = 30;
    /** Most parameters a network may have: they live in one flat array, and Java arrays hold at most this many. */
    public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

    public SirenConfig {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("inputs and outputs must be at least 1");
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        if (!(omega0 > 0) || Double.isInfinite(omega0)) {
            throw new IllegalArgumentException("omega0 must be a positive number, got " + omega0);
        }
        // The fields are not set yet in a compact constructor: count from the arguments.
        long parameters = Memory.sum(
                Memory.sum(
                        Memory.product(inputs + 1L, width), Memory.product(depth, Memory.product(width + 1L, width))),
                Memory.product(width + 1L, outputs));
        if (parameters > MAX_PARAMETERS) {
            throw new IllegalArgumentException(String.format(
                    "width %d and depth %d make %,d parameters (%s for them, "
                            + "their gradient and Adam's moments alone); at most %,d fit one Java array, a fixed limit: use a smaller "
                            + "width or depth",
                    width, depth, parameters, Memory.describe(Memory.product(parameters, 16)), MAX_PARAMETERS));
        }
    }

    /** A network from 2-D pixel coordinates to {@code channels} values. */
    public static SirenConfig forImage(int channels, int width, int depth, double omega0) {
        return new SirenConfig(2, channels, width, depth, omega0);
    }

    /** Number of weight layers: the first sine layer, the hidden sine layers and the linear output layer. */
    public int layers() {
        return depth + 2;
    }

    /** Index of the linear output layer. */
    public int outputLayer() {
        return depth + 1;
    }

    public int fanIn(int layer) {
        return layer == 0 ? inputs : width;
    }

    public int fanOut(int layer) {
        return layer == outputLayer() ? outputs : width;
    }

    /** Offset of layer {@code layer}'s weights in the flat parameter vector (weights, then bias, layer by layer). */
    public long weightOffset(int layer) {
        long offset = 0;
        for (int k = 0; k < layer; k++) {
            offset = Memory.sum(offset, Memory.product(fanIn(k) + 1L, fanOut(k)));
        }
        return offset;
    }

    public long biasOffset(int layer) {
        return Memory.sum(weightOffset(layer), Memory.product(fanIn(layer), fanOut(layer)));
    }

    /** All weights and biases; saturates at {@code Long.MAX_VALUE} for absurd shapes rather than overflowing. */
    public long parameterCount() {
        return weightOffset(layers());
    }

    /** Multiply-adds of one forward pass of the value alone, per point. */
    public long multiplyAddsPerPoint() {
        long total = 0;
        for (int k = 0; k < layers(); k++) {
            total += (long) fanIn(k) * fanOut(k);
        }
        return total;
    }
}
