package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sirensweep.cuda.HostKernels.address;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.cuda.HostKernels;
import org.sirensweep.image.Supervision;

/**
 * The CUDA backend's kernels for a layer's activation, the output bias and the loss, built for this CPU ({@link
 * HostKernels}), against the Java engine on the same arrays: the activation and bias bit for bit (packs included,
 * each trial with its own parameters), the loss's adjoints bit for bit and its value to float64 rounding (its sums
 * run in another fixed order). The stream arithmetic's kernels are in {@link StreamArithmeticTest}.
 */
class KernelArithmeticTest {
    private static final SirenConfig CONFIG = SirenConfig.forImage(3, 24, 2, 30);
    private static final int PACK = 3;

    /** A pack's networks, and their parameters side by side in one vector (trial p's at p · parameterCount). */
    private record Pack(Siren[] nets, INDArray parameters) {
        static Pack of(int size) {
            Siren[] nets = new Siren[size];
            long count = CONFIG.parameterCount();
            INDArray all = Nd4j.create(DataType.FLOAT, 1, size * count);
            for (int p = 0; p < size; p++) {
                nets[p] = Siren.initialise(CONFIG, 40 + p, DataType.FLOAT);
                all.get(
                                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                                org.nd4j.linalg.indexing.NDArrayIndex.interval(p * count, (p + 1) * count))
                        .assign(nets[p].parameters());
            }
            return new Pack(nets, all);
        }
    }

    @Test
    void sineActivationGivesTheVectorPassBitsForEachTrialOfAPack() {
        Pack pack = Pack.of(PACK);
        for (int rows : new int[] {64, 37, 1}) {
            for (int k = 0; k <= CONFIG.depth(); k++) {
                try (Workspace ws =
                        Workspace.allocate(CONFIG, Derivatives.VALUE_ONLY, rows, DataType.FLOAT, false, PACK)) {
                    SplittableRandom random = new SplittableRandom(rows + 7L * k);
                    TestNetworks.fill(ws.sine[k], random, 3);
                    INDArray product = ws.sine[k].dup('f');
                    for (int p = 0; p < PACK; p++) {
                        ws.activation.apply(
                                ws.block(ws.sine[k], p),
                                pack.nets()[p].bias(k),
                                CONFIG.omega0(),
                                ws.block(ws.cosine[k], p));
                    }
                    int[] sine = bits(ws.sine[k]);
                    int[] cosine = bits(ws.cosine[k]);
                    ws.sine[k].assign(product);
                    ws.cosine[k].assign(0);
                    HostKernels.get()
                            .launch(
                                    "sine_activation",
                                    (long) rows,
                                    (long) CONFIG.width(),
                                    (long) PACK,
                                    address(ws.sine[k]),
                                    address(ws.cosine[k]),
                                    address(pack.parameters()),
                                    CONFIG.biasOffset(k),
                                    CONFIG.parameterCount(),
                                    (float) CONFIG.omega0());
                    assertArrayEquals(sine, bits(ws.sine[k]), "sine, layer " + k + ", " + rows + " rows");
                    assertArrayEquals(cosine, bits(ws.cosine[k]), "cosine, layer " + k + ", " + rows + " rows");
                }
            }
        }
    }

    @Test
    void outputBiasGivesAddRowVectorBits() {
        Pack pack = Pack.of(PACK);
        int out = CONFIG.outputLayer();
        try (Workspace ws = Workspace.allocate(CONFIG, Derivatives.VALUE_ONLY, 37, DataType.FLOAT, false, PACK)) {
            TestNetworks.fill(ws.output, new SplittableRandom(3), 2);
            INDArray start = ws.output.dup('f');
            for (int p = 0; p < PACK; p++) {
                ws.block(ws.output, p).addiRowVector(pack.nets()[p].bias(out));
            }
            int[] expected = bits(ws.output);
            ws.output.assign(start);
            HostKernels.get()
                    .launch(
                            "add_bias",
                            37L,
                            (long) CONFIG.outputs(),
                            (long) PACK,
                            address(ws.output),
                            address(pack.parameters()),
                            CONFIG.biasOffset(out),
                            CONFIG.parameterCount());
            assertArrayEquals(expected, bits(ws.output));
        }
    }

    @Test
    void lossKernelsGiveTheAdjointsBitsAndTheLossesToDoubleRounding() {
        for (Supervision supervision : Supervision.values()) {
            for (int rows : new int[] {64, 37}) {
                checkLoss(supervision, rows);
            }
        }
    }

    private static void checkLoss(Supervision supervision, int rows) {
        try (Workspace ws = Workspace.allocate(CONFIG, Derivatives.ALL, rows, DataType.FLOAT, true, PACK)) {
            SplittableRandom random = new SplittableRandom(rows * 13L + supervision.ordinal());
            List<INDArray[]> streams = new ArrayList<>(); // {output, target, adjoint}, by term slot
            streams.add(new INDArray[] {ws.output, ws.targetValues, ws.outputAdjoint});
            streams.add(new INDArray[] {ws.outputGradient[0], ws.targetGradient[0], ws.outputGradientAdjoint[0]});
            streams.add(new INDArray[] {ws.outputGradient[1], ws.targetGradient[1], ws.outputGradientAdjoint[1]});
            streams.add(new INDArray[] {ws.outputLaplacian, ws.targetLaplacian, ws.outputLaplacianAdjoint});
            for (INDArray[] s : streams) {
                TestNetworks.fill(s[0], random, 50);
                TestNetworks.fill(s[1], random, 50);
            }
            double[] losses = SupervisedLoss.applyEach(supervision, ws);
            List<int[]> adjoints = new ArrayList<>();
            for (INDArray[] s : streams) {
                adjoints.add(bits(s[2]));
                s[2].assign(0);
            }

            double b = rows;
            double c = CONFIG.outputs();
            double weight = supervision == Supervision.COMBINED ? SupervisedLoss.COMBINED_GRADIENT_WEIGHT : 1;
            boolean[] active = {
                supervision.needsValues(),
                supervision.needsGradient(),
                supervision.needsGradient(),
                supervision.needsLaplacian()
            };
            double[] scales = {2 / (b * c), weight * 2 / b, weight * 2 / b, 2 / (b * c)};
            int chunks = 5;
            Memory partial = new Memory(8L * 4 * PACK * chunks);
            long blockLength = (long) rows * CONFIG.outputs();
            for (int slot = 0; slot < 4; slot++) {
                if (!active[slot]) {
                    continue;
                }
                INDArray[] s = streams.get(slot);
                HostKernels.get().launch("residual", s[0].length(), address(s[0]), address(s[1]), address(s[2]), (float)
                        scales[slot]);
                HostKernels.get()
                        .launch(
                                "squares_partial",
                                blockLength,
                                (long) PACK,
                                (long) chunks,
                                address(s[0]),
                                address(s[1]),
                                Pointer.nativeValue(partial) + 8L * slot * PACK * chunks);
            }
            int terms = (active[0] ? 1 : 0) | (active[1] ? 2 : 0) | (active[3] ? 4 : 0);
            int cursor = 2;
            Memory cursorMemory = new Memory(4);
            cursorMemory.setInt(0, cursor);
            Memory kernelLosses = new Memory(8L * (cursor + 1) * PACK);
            HostKernels.get()
                    .launch(
                            "loss_combine",
                            (long) PACK,
                            (long) chunks,
                            Pointer.nativeValue(partial),
                            terms,
                            b,
                            c,
                            weight,
                            Pointer.nativeValue(kernelLosses),
                            Pointer.nativeValue(cursorMemory));
            String where = supervision + ", " + rows + " rows";
            for (int slot = 0; slot < 4; slot++) {
                assertArrayEquals(
                        active[slot] ? adjoints.get(slot) : bits(streams.get(slot)[2]),
                        bits(streams.get(slot)[2]),
                        "adjoint " + slot + ", " + where);
            }
            for (int p = 0; p < PACK; p++) {
                double kernelLoss = kernelLosses.getDouble(8L * (cursor * PACK + p));
                assertEquals(losses[p], kernelLoss, Math.abs(losses[p]) * 1e-13, "loss of trial " + p + ", " + where);
            }
        }
    }

    static int[] bits(INDArray a) {
        float[] values = a.dup('f').data().asFloat();
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
