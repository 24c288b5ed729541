package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fused SIMD stream arithmetic, and the CUDA backend's kernels built for this CPU, give the ND4J ops' bits,
 * forward and in reverse, for every combination of streams and active adjoints, on a layer with and without an
 * incoming Laplacian, for single trials and packs, for row counts with and without a short last vector, and on a
 * workspace resized to a short batch. The ND4J ops are the arithmetic the finite-difference and SameDiff oracles
 * check in float64.
 */
class StreamArithmeticTest {
    private static final Derivatives[] STREAMS = {Derivatives.VALUE_ONLY, Derivatives.GRADIENT, Derivatives.ALL};

    @Test
    void floatsTakeTheFusedPass() {
        assertSame(VectorStreamArithmetic.INSTANCE, StreamArithmetic.forType(DataType.FLOAT));
        assertSame(Nd4jStreamArithmetic.INSTANCE, StreamArithmetic.forType(DataType.DOUBLE));
    }

    @Test
    void fusedForwardEqualsTheNd4jOpsBitForBit() {
        forEveryLayer(
                (derivatives, pack, rows, k) -> compare(derivatives, pack, rows, (impl, ws) -> impl.forward(ws, k)));
    }

    @Test
    void fusedReverseEqualsTheNd4jOpsBitForBit() {
        forEveryLayer((derivatives, pack, rows, k) -> {
            for (int flags = 1; flags < 8; flags++) {
                boolean h = (flags & 1) != 0;
                boolean t = (flags & 2) != 0;
                boolean l = (flags & 4) != 0;
                if ((t && !derivatives.gradient()) || (l && !derivatives.laplacian())) {
                    continue;
                }
                compare(derivatives, pack, rows, (impl, ws) -> impl.backward(ws, k, ws.adjoint[0], h, t, l));
            }
        });
    }

    private interface LayerCase {
        void check(Derivatives derivatives, int pack, int rows, int k);
    }

    /**
     * Every case the fused pass must match: each set of streams, single trials and packs, row counts with and
     * without a short last vector, the first layer (no incoming Laplacian) and a later one.
     */
    private static void forEveryLayer(LayerCase layerCase) {
        for (Derivatives derivatives : STREAMS) {
            for (int pack : new int[] {1, 3}) {
                for (int rows : new int[] {64, 37}) {
                    for (int k = 0; k < 2; k++) {
                        layerCase.check(derivatives, pack, rows, k);
                    }
                }
            }
        }
    }

    private interface Step {
        void run(StreamArithmetic arithmetic, Workspace ws);
    }

    /**
     * Fills a float workspace (of 64 rows, resized to {@code rows}) with random streams and adjoints, runs {@code
     * step} with each implementation from the same start, and compares every array they may write with the ND4J
     * ops'.
     */
    private static void compare(Derivatives derivatives, int pack, int rows, Step step) {
        SirenConfig config = SirenConfig.forImage(1, 24, 2, 30);
        try (Workspace allocated = Workspace.allocate(config, derivatives, 64, DataType.FLOAT, true, pack)) {
            Workspace ws = allocated.resized(rows);
            List<INDArray> arrays = arrays(ws);
            SplittableRandom random = new SplittableRandom(rows * 31L + pack);
            for (INDArray a : arrays) {
                TestNetworks.fill(a, random, a == ws.cosine[0] || a == ws.cosine[1] ? 30 : 2);
                assertNotNull(FloatBlocks.of(a), "workspace arrays are fused, not passed on");
            }
            List<INDArray> start = arrays.stream().map(INDArray::dup).toList();

            step.run(Nd4jStreamArithmetic.INSTANCE, ws);
            List<int[]> expected =
                    arrays.stream().map(StreamArithmeticTest::bits).toList();
            for (StreamArithmetic other : List.of(VectorStreamArithmetic.INSTANCE, KernelStreamArithmetic.INSTANCE)) {
                for (int i = 0; i < arrays.size(); i++) {
                    arrays.get(i).assign(start.get(i));
                }
                step.run(other, ws);
                for (int i = 0; i < arrays.size(); i++) {
                    assertArrayEquals(
                            expected.get(i),
                            bits(arrays.get(i)),
                            other.getClass().getSimpleName() + ": array " + i + " of " + derivatives + ", pack " + pack
                                    + ", " + rows + " rows");
                }
            }
        }
    }

    /** The workspace's streams and adjoints (not its scratch arrays, which only the ND4J ops use). */
    private static List<INDArray> arrays(Workspace ws) {
        List<INDArray> arrays = new ArrayList<>();
        for (int k = 0; k < ws.sine.length; k++) {
            arrays.add(ws.sine[k]);
            arrays.add(ws.cosine[k]);
            for (int i = 0; ws.preTangent != null && i < ws.preTangent[k].length; i++) {
                arrays.add(ws.preTangent[k][i]);
                arrays.add(ws.tangent[k][i]);
            }
            if (ws.laplacian != null) {
                if (ws.preLaplacian[k] != null) {
                    arrays.add(ws.preLaplacian[k]);
                }
                arrays.add(ws.laplacian[k]);
            }
        }
        for (INDArray[] set : ws.adjoint) {
            for (INDArray a : set) {
                if (a != null) {
                    arrays.add(a);
                }
            }
        }
        return arrays;
    }

    private static int[] bits(INDArray a) {
        float[] values = a.dup('f').data().asFloat();
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
