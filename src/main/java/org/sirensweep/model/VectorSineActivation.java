package org.sirensweep.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fast {@link SineActivation}: one pass over each f-order column with the Vector API, which the JIT compiles to
 * the JDK's SIMD (SVML) sin and cos. The pass is bound by memory bandwidth, so it runs on the calling thread. Arrays
 * it cannot address as one contiguous f-order block fall back to {@link Nd4jSineActivation}.
 */
final class VectorSineActivation implements SineActivation {
    static final VectorSineActivation INSTANCE = new VectorSineActivation();
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorSineActivation() {
    }

    @Override
    public void apply(INDArray sine, INDArray bias, double omega, INDArray cosine) {
        if (!addressable(sine) || !addressable(cosine) || bias.dataType() != DataType.FLOAT) {
            Nd4jSineActivation.INSTANCE.apply(sine, bias, omega, cosine);
            return;
        }
        int rows = sine.rows();
        int columns = sine.columns();
        ByteBuffer s = sine.data().asNio().order(ORDER);
        ByteBuffer c = cosine.data().asNio().order(ORDER);
        long sineStart = sine.offset();
        long cosineStart = cosine.offset();
        float w = (float) omega;
        int lanes = SPECIES.length();
        int vectorRows = rows - rows % lanes;
        for (int j = 0; j < columns; j++) {
            float b = bias.getFloat(j);
            int sBase = (int) ((sineStart + (long) j * rows) * Float.BYTES);
            int cBase = (int) ((cosineStart + (long) j * rows) * Float.BYTES);
            for (int r = 0; r < vectorRows; r += lanes) {
                int at = r * Float.BYTES;
                FloatVector u = FloatVector.fromByteBuffer(SPECIES, s, sBase + at, ORDER).add(b).mul(w);
                u.lanewise(VectorOperators.COS).mul(w).intoByteBuffer(c, cBase + at, ORDER);
                u.lanewise(VectorOperators.SIN).intoByteBuffer(s, sBase + at, ORDER);
            }
            for (int r = vectorRows; r < rows; r++) {
                int at = r * Float.BYTES;
                float u = (s.getFloat(sBase + at) + b) * w;
                c.putFloat(cBase + at, w * (float) Math.cos(u));
                s.putFloat(sBase + at, (float) Math.sin(u));
            }
        }
    }

    /** A contiguous f-order float block whose byte offsets fit a {@link ByteBuffer} index. */
    private static boolean addressable(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.ordering() == 'f' && a.stride(0) == 1
                && a.stride(1) == a.rows() && (a.offset() + a.length()) * Float.BYTES <= Integer.MAX_VALUE
                && a.data().length() >= a.offset() + a.length();
    }

    @Override
    public String describe() {
        return "vector API (" + SPECIES.vectorBitSize() + "-bit, " + SPECIES.length() + " lanes)";
    }
}
