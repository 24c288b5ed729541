package org.sirensweep.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SIREN's architecture and parameters. The parameters live in one flat vector so the optimiser updates them in a
 * single pass; {@link #weight} and {@link #bias} are views onto it.
 *
 * <p>A float32 network holds its parameters as a Java array until the CPU engine first asks for them as an ND4J
 * array ({@link #parameters}, {@link #weight}, {@link #bias}), which then holds them: a network that trains, renders
 * and is saved on a GPU ({@link #floats}, {@link #assignFloats}) never starts ND4J, whose natives a GPU node need
 * not have.
 */
public final class Siren {
    private final SirenConfig config;
    /** The parameters, until {@link #views} first runs; null after. */
    private float[] floats;

    private ParameterViews parameters;

    private Siren(SirenConfig config, INDArray flat) {
        this.config = config;
        this.parameters = new ParameterViews(config, flat);
    }

    private Siren(SirenConfig config, float[] floats) {
        if (floats.length != config.parameterCount()) {
            throw new IllegalArgumentException(
                    "expected " + config.parameterCount() + " parameters, got " + floats.length);
        }
        this.config = config;
        this.floats = floats;
    }

    /**
     * SIREN initialisation from {@code seed}: first layer W ~ U(±1/fan_in), later W ~ U(±sqrt(6/fan_in)/omega0),
     * biases U(±sqrt(1/fan_in)) (PyTorch's Linear default, as Siren-Jax). Draws go layer by layer, W then b.
     */
    public static Siren initialise(SirenConfig config, long seed, DataType dataType) {
        if (dataType == DataType.FLOAT) {
            return new Siren(config, initialFloats(config, seed));
        }
        double[] values = initialValues(config, seed);
        return new Siren(config, Nd4j.createFromArray(values).castTo(dataType).reshape(1, values.length));
    }

    /** The flat parameter vector {@link #initialise} starts from, in float32. */
    public static float[] initialFloats(SirenConfig config, long seed) {
        double[] values = initialValues(config, seed);
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** The initial parameters' draws, in double. */
    private static double[] initialValues(SirenConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[Math.toIntExact(config.parameterCount())];
        for (int k = 0; k < config.layers(); k++) {
            int fanIn = config.fanIn(k);
            double weightBound = k == 0 ? 1.0 / fanIn : Math.sqrt(6.0 / fanIn) / config.omega0();
            double biasBound = Math.sqrt(1.0 / fanIn);
            int w = (int) config.weightOffset(k);
            int b = (int) config.biasOffset(k);
            // The flat layout is f-order within each weight matrix; the draw order does not matter for the law.
            for (int i = w; i < b; i++) {
                values[i] = random.nextDouble(-weightBound, weightBound);
            }
            for (int i = b; i < b + config.fanOut(k); i++) {
                values[i] = random.nextDouble(-biasBound, biasBound);
            }
        }
        return values;
    }

    /** A network over a copy of the given flat parameter vector. */
    public static Siren of(SirenConfig config, INDArray flatParameters) {
        return new Siren(
                config, flatParameters.reshape(1, flatParameters.length()).dup('f'));
    }

    /** A float32 network over a copy of the given flat parameters (the layout {@link SirenConfig#weightOffset} says). */
    public static Siren ofFloats(SirenConfig config, float[] flatParameters) {
        return new Siren(config, flatParameters.clone());
    }

    public SirenConfig config() {
        return config;
    }

    public DataType dataType() {
        return parameters == null ? DataType.FLOAT : parameters.flat().dataType();
    }

    /** The flat parameter vector, {@code [1, parameterCount]}; updates to it change the network. */
    public INDArray parameters() {
        return views().flat();
    }

    public INDArray weight(int layer) {
        return views().weight(layer);
    }

    public INDArray bias(int layer) {
        return views().bias(layer);
    }

    /** The flat parameters as float32, a copy. */
    public float[] floats() {
        return parameters == null ? floats.clone() : parameters.flat().toFloatVector();
    }

    /** Sets the flat parameters to {@code values} (the network is updated in place, whichever way it holds them). */
    public void assignFloats(float[] values) {
        if (values.length != config.parameterCount()) {
            throw new IllegalArgumentException(
                    "expected " + config.parameterCount() + " parameters, got " + values.length);
        }
        if (parameters == null) {
            floats = values.clone();
        } else {
            parameters
                    .flat()
                    .assign(Nd4j.createFromArray(values)
                            .reshape(parameters.flat().shape()));
        }
    }

    /** A copy of this network in another precision. */
    public Siren castTo(DataType dataType) {
        return new Siren(config, views().flat().castTo(dataType).dup('f'));
    }

    /** The ND4J views of the parameters, made from the floats on first use. */
    private ParameterViews views() {
        if (parameters == null) {
            parameters = new ParameterViews(config, Nd4j.createFromArray(floats).reshape(1, floats.length));
            floats = null;
        }
        return parameters;
    }
}
