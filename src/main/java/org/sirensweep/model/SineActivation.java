package org.sirensweep.model;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sine layer's activation: given the product {@code p = hW} in {@code sine}, it writes {@code s = sin(ω(p + b))}
 * over it and {@code c = ω cos(ω(p + b))} into {@code cosine} (the derivative every stream and the reverse pass use).
 *
 * <p>Float networks compute sin and cos by {@link SinCosPolynomial}'s fixed steps, so a training gives the same bits
 * every time, whatever the JIT has compiled: {@link VectorSineActivation} with the JDK's Vector API (one SIMD pass;
 * needs {@code --add-modules jdk.incubator.vector}), else {@link ScalarSineActivation}, which gives the same bits.
 * Double networks (the tests' float64 checks) use {@link Nd4jSineActivation}, five ND4J ops. The system property
 * {@code sirensweep.sine=nd4j} forces the ND4J ops for floats too, for measurements only: they round differently.
 */
public interface SineActivation {
    /** See the type's description; both arrays are {@code [rows, width]}, {@code bias} is {@code [1, width]}. */
    void apply(INDArray sine, INDArray bias, double omega, INDArray cosine);

    /** A name for reports, e.g. {@code vector API polynomial (512-bit, 16 lanes)}. */
    String describe();

    /** The implementation for arrays of {@code type} in this JVM (see the type's description). */
    static SineActivation forType(DataType type) {
        String forced = System.getProperty("sirensweep.sine", "").toLowerCase(Locale.ROOT);
        boolean vectorModule =
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (forced.equals("nd4j") || type != DataType.FLOAT) {
            return Nd4jSineActivation.INSTANCE;
        }
        return vectorModule ? VectorSineActivation.INSTANCE : ScalarSineActivation.INSTANCE;
    }
}
