package org.sirensweep.model;

import static org.sirensweep.model.SinCosPolynomial.C1;
import static org.sirensweep.model.SinCosPolynomial.C2;
import static org.sirensweep.model.SinCosPolynomial.C3;
import static org.sirensweep.model.SinCosPolynomial.PIO2_HI;
import static org.sirensweep.model.SinCosPolynomial.PIO2_LO;
import static org.sirensweep.model.SinCosPolynomial.PIO2_MID;
import static org.sirensweep.model.SinCosPolynomial.ROUNDER;
import static org.sirensweep.model.SinCosPolynomial.S1;
import static org.sirensweep.model.SinCosPolynomial.S2;
import static org.sirensweep.model.SinCosPolynomial.S3;
import static org.sirensweep.model.SinCosPolynomial.TWO_OVER_PI;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fast float {@link SineActivation}: one pass over each f-order column with the Vector API, computing sin and
 * cos together by the steps of {@link SinCosPolynomial} (one range reduction, both polynomials, a per-lane choice),
 * so its bits equal {@link ScalarSineActivation}'s however far the JIT has got. The pass is bound by memory
 * bandwidth, so it runs on the calling thread. Arrays it cannot address as one contiguous f-order block go to the
 * scalar implementation, which gives the same bits.
 */
final class VectorSineActivation implements SineActivation {
    static final VectorSineActivation INSTANCE = new VectorSineActivation(true);
    /** The SIMD pass from the first call on, for tests that must run it whatever ran before. */
    static final VectorSineActivation SIMD_ALWAYS = new VectorSineActivation(false);

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int SIGN_SHIFT = 30;
    /**
     * Elements the scalar pass computes before this one takes over. Until the JIT has compiled it, the Vector API
     * runs as objects in the interpreter, at microseconds an element: a run of a few small trials (a test, a quick
     * look) would spend most of its time there and keep a core compiling it. The scalar pass compiles at once and
     * gives the same bits, so which of the two ran changes nothing; a 256-wide layer at 64² passes this count in its
     * first step. Counted per process because the JIT's work is.
     */
    private static final AtomicLong COLD_ELEMENTS_LEFT = new AtomicLong(1L << 22);

    private final boolean scalarWhileCold;

    private VectorSineActivation(boolean scalarWhileCold) {
        this.scalarWhileCold = scalarWhileCold;
    }

    @Override
    public void apply(INDArray sine, INDArray bias, double omega, INDArray cosine) {
        if (scalarWhileCold && COLD_ELEMENTS_LEFT.get() > 0) {
            COLD_ELEMENTS_LEFT.addAndGet(-sine.length());
            ScalarSineActivation.INSTANCE.apply(sine, bias, omega, cosine);
            return;
        }
        ByteBuffer s = FloatBlocks.of(sine);
        ByteBuffer c = FloatBlocks.of(cosine);
        if (s == null || c == null || bias.dataType() != DataType.FLOAT) {
            ScalarSineActivation.INSTANCE.apply(sine, bias, omega, cosine);
            return;
        }
        int rows = sine.rows();
        int columns = sine.columns();
        long sineStart = sine.offset();
        long cosineStart = cosine.offset();
        float w = (float) omega;
        int lanes = SPECIES.length();
        for (int j = 0; j < columns; j++) {
            float b = bias.getFloat(j);
            int sBase = (int) ((sineStart + (long) j * rows) * Float.BYTES);
            int cBase = (int) ((cosineStart + (long) j * rows) * Float.BYTES);
            int vectorRows = rows - rows % lanes;
            for (int r = 0; r < vectorRows; r += lanes) {
                activate(s, sBase + r * Float.BYTES, c, cBase + r * Float.BYTES, b, w, null);
            }
            if (vectorRows < rows) {
                activate(
                        s,
                        sBase + vectorRows * Float.BYTES,
                        c,
                        cBase + vectorRows * Float.BYTES,
                        b,
                        w,
                        SPECIES.indexInRange(vectorRows, rows));
            }
        }
    }

    /**
     * One vector of the column: {@code u = (p + b)·w}, then sin u over p and w·cos u into the cosine buffer, lane by
     * lane as {@link SinCosPolynomial#sin} and {@link SinCosPolynomial#cos}. {@code tail} masks the column's last,
     * short vector ({@code null}: all lanes).
     */
    private static void activate(
            ByteBuffer s, int sAt, ByteBuffer c, int cAt, float b, float w, VectorMask<Float> tail) {
        FloatVector p = tail == null
                ? FloatVector.fromByteBuffer(SPECIES, s, sAt, ORDER)
                : FloatVector.fromByteBuffer(SPECIES, s, sAt, ORDER, tail);
        FloatVector u = p.add(b).mul(w);
        FloatVector shifted = u.mul(TWO_OVER_PI).add(ROUNDER);
        IntVector q = (IntVector) shifted.reinterpretAsInts();
        FloatVector quadrants = shifted.sub(ROUNDER);
        FloatVector r =
                u.sub(quadrants.mul(PIO2_HI)).sub(quadrants.mul(PIO2_MID)).sub(quadrants.mul(PIO2_LO));
        FloatVector z = r.mul(r);
        FloatVector sinR = z.mul(S3).add(S2).mul(z).add(S1).mul(z).mul(r).add(r);
        FloatVector cosR =
                z.mul(C3).add(C2).mul(z).add(C1).mul(z).mul(z).sub(z.mul(0.5f)).add(1f);
        // Odd quadrants swap sin and cos; bit 1 of q (of q + 1 for cos) negates, by flipping the sign bit.
        VectorMask<Float> odd = q.and(1).compare(VectorOperators.NE, 0).cast(SPECIES);
        IntVector sinSign = q.and(2).lanewise(VectorOperators.LSHL, SIGN_SHIFT);
        IntVector cosSign = q.add(1).and(2).lanewise(VectorOperators.LSHL, SIGN_SHIFT);
        FloatVector sin = (FloatVector) sinR.blend(cosR, odd)
                .reinterpretAsInts()
                .lanewise(VectorOperators.XOR, sinSign)
                .reinterpretAsFloats();
        FloatVector cos = ((FloatVector) cosR.blend(sinR, odd)
                        .reinterpretAsInts()
                        .lanewise(VectorOperators.XOR, cosSign)
                        .reinterpretAsFloats())
                .mul(w);
        if (tail == null) {
            cos.intoByteBuffer(c, cAt, ORDER);
            sin.intoByteBuffer(s, sAt, ORDER);
        } else {
            cos.intoByteBuffer(c, cAt, ORDER, tail);
            sin.intoByteBuffer(s, sAt, ORDER, tail);
        }
    }

    @Override
    public String describe() {
        return "vector API polynomial (" + SPECIES.vectorBitSize() + "-bit, " + SPECIES.length() + " lanes)";
    }
}
