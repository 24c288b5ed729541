package org.sirensweep.model;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The portable float {@link SineActivation}: {@link SinCosPolynomial} one element at a time, for JVMs without the
 * Vector API module, and for {@link VectorSineActivation} until the JIT has had work enough to compile it. It gives
 * the same bits as {@link VectorSineActivation}, so a trial's result does not depend on whether the module was there
 * or which of the two ran.
 */
final class ScalarSineActivation implements SineActivation {
    static final ScalarSineActivation INSTANCE = new ScalarSineActivation();

    private ScalarSineActivation() {}

    @Override
    public void apply(INDArray sine, INDArray bias, double omega, INDArray cosine) {
        float w = (float) omega;
        ByteBuffer s = FloatBlocks.of(sine);
        ByteBuffer c = FloatBlocks.of(cosine);
        if (s != null && c != null && bias.dataType() == DataType.FLOAT) {
            applyToBlocks(s, (int) sine.offset(), c, (int) cosine.offset(), sine.rows(), sine.columns(), bias, w);
            return;
        }
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

    /** The same over two f-order blocks, reading and writing their memory directly (element offsets given). */
    private static void applyToBlocks(
            ByteBuffer s, int sineStart, ByteBuffer c, int cosineStart, int rows, int columns, INDArray bias, float w) {
        for (int j = 0; j < columns; j++) {
            float b = bias.getFloat(j);
            int sAt = (sineStart + j * rows) * Float.BYTES;
            int cAt = (cosineStart + j * rows) * Float.BYTES;
            for (int r = 0; r < rows; r++, sAt += Float.BYTES, cAt += Float.BYTES) {
                float u = (s.getFloat(sAt) + b) * w;
                c.putFloat(cAt, SinCosPolynomial.cos(u) * w);
                s.putFloat(sAt, SinCosPolynomial.sin(u));
            }
        }
    }

    @Override
    public String describe() {
        return "scalar polynomial";
    }
}
