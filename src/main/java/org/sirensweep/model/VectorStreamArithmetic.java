package org.sirensweep.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused float {@link StreamArithmetic}: each direction is one SIMD pass over the layer's arrays, reading every
 * stream once and writing every result once, where the ND4J ops take a pass (and a fixed cost) per product or sum:
 * 4 ops forward and up to 15 in reverse per layer with a Laplacian. Every lane computes the ND4J ops' own products
 * and sums in their order, with nothing fused into a multiply-add, so the bits are {@link Nd4jStreamArithmetic}'s;
 * plain float arithmetic rounds the same before and after the JIT compiles it. A layer whose arrays are not all
 * contiguous f-order blocks goes to {@link Nd4jStreamArithmetic}.
 */
final class VectorStreamArithmetic implements StreamArithmetic {
    static final VectorStreamArithmetic INSTANCE = new VectorStreamArithmetic();
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorStreamArithmetic() {}

    /** One array's memory and the byte index of its first element there. */
    private record Stream(ByteBuffer memory, int start) {
        static Stream of(INDArray a) {
            ByteBuffer memory = FloatBlocks.of(a);
            return memory == null ? null : new Stream(memory, (int) (a.offset() * Float.BYTES));
        }

        FloatVector load(int element, VectorMask<Float> tail) {
            int at = start + element * Float.BYTES;
            return tail == null
                    ? FloatVector.fromByteBuffer(SPECIES, memory, at, ORDER)
                    : FloatVector.fromByteBuffer(SPECIES, memory, at, ORDER, tail);
        }

        void store(FloatVector v, int element, VectorMask<Float> tail) {
            int at = start + element * Float.BYTES;
            if (tail == null) {
                v.intoByteBuffer(memory, at, ORDER);
            } else {
                v.intoByteBuffer(memory, at, ORDER, tail);
            }
        }
    }

    /** The streams of {@code arrays} (null entries stay null), or null if one of them is not a float block. */
    private static Stream[] streams(INDArray... arrays) {
        Stream[] streams = new Stream[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] != null) {
                streams[i] = Stream.of(arrays[i]);
                if (streams[i] == null || arrays[i].length() != arrays[0].length()) {
                    return null;
                }
            }
        }
        return streams;
    }

    @Override
    public void forward(Workspace ws, int k) {
        int n = ws.config.inputs();
        boolean grad = ws.derivatives.gradient();
        boolean lap = ws.derivatives.laplacian();
        if (!grad && !lap) {
            return;
        }
        // [0] c, [1] s, [2] m, then a_0..a_{n-1}, t_0..t_{n-1}, L
        INDArray[] arrays = new INDArray[3 + 2 * n + 1];
        arrays[0] = ws.cosine[k];
        arrays[1] = ws.sine[k];
        arrays[2] = lap ? ws.preLaplacian[k] : null;
        for (int i = 0; i < n; i++) {
            arrays[3 + i] = ws.preTangent[k][i];
            arrays[3 + n + i] = ws.tangent[k][i];
        }
        arrays[3 + 2 * n] = lap ? ws.laplacian[k] : null;
        Stream[] streams = streams(arrays);
        if (streams == null) {
            Nd4jStreamArithmetic.INSTANCE.forward(ws, k);
            return;
        }
        float negOmega2 = (float) -(ws.config.omega0() * ws.config.omega0());
        int length = (int) arrays[0].length();
        int full = length - length % SPECIES.length();
        for (int e = 0; e < full; e += SPECIES.length()) {
            forwardAt(streams, n, grad, lap, negOmega2, e, null);
        }
        if (full < length) {
            forwardAt(streams, n, grad, lap, negOmega2, full, SPECIES.indexInRange(full, length));
        }
    }

    /** {@link #forward} on the vector at element {@code e} ({@code tail}: the lanes in range, null for all). */
    private static void forwardAt(
            Stream[] streams, int n, boolean grad, boolean lap, float negOmega2, int e, VectorMask<Float> tail) {
        FloatVector cv = streams[0].load(e, tail);
        for (int i = 0; grad && i < n; i++) {
            streams[3 + n + i].store(cv.mul(streams[3 + i].load(e, tail)), e, tail);
        }
        if (lap) {
            Stream m = streams[2];
            FloatVector lv = m == null ? FloatVector.zero(SPECIES) : cv.mul(m.load(e, tail));
            FloatVector sv = streams[1].load(e, tail);
            for (int i = 0; i < n; i++) {
                FloatVector a = streams[3 + i].load(e, tail);
                lv = lv.add(a.mul(a).mul(sv).mul(negOmega2));
            }
            streams[3 + 2 * n].store(lv, e, tail);
        }
    }

    @Override
    public void backward(Workspace ws, int k, INDArray[] up, boolean hActive, boolean tActive, boolean lActive) {
        int n = ws.config.inputs();
        boolean cActive = tActive || lActive;
        // [0] c, [1] s, [2] m, [3] dh, [4] dl, then a_0..a_{n-1}, dt_0..dt_{n-1}
        INDArray[] arrays = new INDArray[5 + 2 * n];
        arrays[0] = ws.cosine[k];
        arrays[1] = ws.sine[k];
        arrays[2] = lActive && ws.preLaplacian != null ? ws.preLaplacian[k] : null;
        arrays[3] = up[0];
        arrays[4] = lActive ? up[n + 1] : null;
        for (int i = 0; cActive && i < n; i++) {
            arrays[5 + i] = ws.preTangent[k][i];
            arrays[5 + n + i] = up[1 + i];
        }
        Stream[] streams = streams(arrays);
        if (streams == null) {
            Nd4jStreamArithmetic.INSTANCE.backward(ws, k, up, hActive, tActive, lActive);
            return;
        }
        double omega2 = ws.config.omega0() * ws.config.omega0();
        float negOmega2 = (float) -omega2;
        float negTwoOmega2 = (float) (-2 * omega2);
        int length = (int) arrays[0].length();
        int full = length - length % SPECIES.length();
        for (int e = 0; e < full; e += SPECIES.length()) {
            backwardAt(streams, n, hActive, tActive, lActive, negOmega2, negTwoOmega2, e, null);
        }
        if (full < length) {
            backwardAt(
                    streams,
                    n,
                    hActive,
                    tActive,
                    lActive,
                    negOmega2,
                    negTwoOmega2,
                    full,
                    SPECIES.indexInRange(full, length));
        }
    }

    /** {@link #backward} on the vector at element {@code e} ({@code tail}: the lanes in range, null for all). */
    private static void backwardAt(
            Stream[] streams,
            int n,
            boolean hActive,
            boolean tActive,
            boolean lActive,
            float negOmega2,
            float negTwoOmega2,
            int e,
            VectorMask<Float> tail) {
        Stream dh = streams[3];
        Stream dl = streams[4];
        Stream m = streams[2];
        FloatVector cv = streams[0].load(e, tail);
        FloatVector sv = streams[1].load(e, tail);
        // dc = Σ_i dt_i ⊙ a_i + dL ⊙ m, from the adjoints as they came in. Vectors that may be unset start as
        // zero with a flag (never null, which would make the JIT box every vector the loop merges).
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector dc = zero;
        boolean dcSet = false;
        for (int i = 0; tActive && i < n; i++) {
            FloatVector product = streams[5 + n + i].load(e, tail).mul(streams[5 + i].load(e, tail));
            dc = dcSet ? dc.add(product) : product;
            dcSet = true;
        }
        FloatVector dlv = lActive ? dl.load(e, tail) : zero;
        if (lActive && m != null) {
            FloatVector product = dlv.mul(m.load(e, tail));
            dc = dcSet ? dc.add(product) : product;
            dcSet = true;
        }
        FloatVector ds = hActive ? dh.load(e, tail) : zero;
        boolean dsSet = hActive;
        if (lActive) {
            // With p_i = dL ⊙ a_i: ds gets -ω² p_i ⊙ a_i, da_i gets -2ω² s ⊙ p_i.
            for (int i = 0; i < n; i++) {
                FloatVector a = streams[5 + i].load(e, tail);
                FloatVector p = dlv.mul(a);
                FloatVector pa = p.mul(a).mul(negOmega2);
                ds = dsSet ? ds.add(pa) : pa;
                dsSet = true;
                FloatVector sp = p.mul(sv).mul(negTwoOmega2);
                Stream dt = streams[5 + n + i];
                dt.store(tActive ? dt.load(e, tail).mul(cv).add(sp) : sp, e, tail);
            }
            dl.store(dlv.mul(cv), e, tail);
        } else if (tActive) {
            for (int i = 0; i < n; i++) {
                Stream dt = streams[5 + n + i];
                dt.store(dt.load(e, tail).mul(cv), e, tail);
            }
        }
        // du = ds ⊙ c - ω² s ⊙ dc (no dc term where no stream feeds it)
        FloatVector du;
        if (hActive || lActive) {
            du = ds.mul(cv);
            if (dcSet) {
                du = du.add(sv.mul(dc).mul(negOmega2));
            }
        } else {
            du = sv.mul(dc).mul(negOmega2);
        }
        dh.store(du, e, tail);
    }
}
