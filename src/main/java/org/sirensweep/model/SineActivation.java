package org.sirensweep.model;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sine layer's activation: given the product {@code p = hW} in {@code sine}, it writes {@code s = sin(ω(p + b))}
 * over it and {@code c = ω cos(ω(p + b))} into {@code cosine} (the derivative every stream and the reverse pass use).
 *
 * <p>Two implementations: {@link VectorSineActivation} computes both in one pass with the JDK's Vector API (SIMD sin
 * and cos; about 7x faster than ND4J's scalar ones per 65536 × 256 layer, see {@code benchmarks/README.md}); it needs
 * {@code --add-modules jdk.incubator.vector} and single precision. {@link Nd4jSineActivation} is the portable one:
 * five ND4J ops. The system property {@code sirensweep.sine=nd4j} forces the ND4J ops, for measurements.
 */
public interface SineActivation {
    /** See the type's description; both arrays are {@code [rows, width]}, {@code bias} is {@code [1, width]}. */
    void apply(INDArray sine, INDArray bias, double omega, INDArray cosine);

    /** A name for reports, e.g. {@code vector API (512-bit, 16 lanes)}. */
    String describe();

    /** The fastest implementation available for arrays of {@code type} in this JVM. */
    static SineActivation forType(DataType type) {
        String forced = System.getProperty("sirensweep.sine", "").toLowerCase(Locale.ROOT);
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (forced.equals("nd4j") || type != DataType.FLOAT || !vectorModule) {
            return Nd4jSineActivation.INSTANCE;
        }
        return VectorSineActivation.INSTANCE;
    }
}
