package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.image.Supervision;

/**
 * A pack of networks in one pass equals each network's own pass bit for bit: outputs, loss and every parameter
 * gradient, in float32 (training) and float64 (the precision the SameDiff and finite-difference oracles check the
 * single pass in, so they cover each trial of a pack too). Different weights, points and targets per trial.
 */
class PackedPassTest {
    private static final int PACK = 3;
    private static final int ROWS = 37;

    @ParameterizedTest
    @EnumSource(Supervision.class)
    void eachTrialOfAPackGetsTheBitsOfItsOwnPass(Supervision supervision) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int channels : new int[] {1, 3}) {
                check(supervision, type, channels);
            }
        }
    }

    private static void check(Supervision supervision, DataType type, int channels) {
        SirenConfig config = SirenConfig.forImage(channels, 24, 2, 30);
        Derivatives derivatives = Derivatives.of(supervision);
        Siren[] nets = new Siren[PACK];
        Workspace[] alone = new Workspace[PACK];
        ParameterViews[] own = new ParameterViews[PACK];
        ParameterViews[] packed = new ParameterViews[PACK];
        double[] ownLoss = new double[PACK];
        try (Workspace pack = Workspace.allocate(config, derivatives, ROWS, type, true, PACK)) {
            for (int p = 0; p < PACK; p++) {
                nets[p] = Siren.initialise(config, 100 + p, type);
                alone[p] = Workspace.allocate(config, derivatives, ROWS, type, true);
                SplittableRandom random = new SplittableRandom(7 + p);
                TestNetworks.fill(alone[p].input(), random, 1);
                TestNetworks.fill(alone[p].targetValues(), random, 1);
                for (int i = 0; derivatives.gradient() && i < 2; i++) {
                    TestNetworks.fill(alone[p].targetGradient(i), random, 40);
                }
                if (derivatives.laplacian()) {
                    TestNetworks.fill(alone[p].targetLaplacian(), random, 1000);
                }
                pack.block(pack.input(), p).assign(alone[p].input());
                pack.block(pack.targetValues(), p).assign(alone[p].targetValues());
                for (int i = 0; derivatives.gradient() && i < 2; i++) {
                    pack.block(pack.targetGradient(i), p).assign(alone[p].targetGradient(i));
                }
                if (derivatives.laplacian()) {
                    pack.block(pack.targetLaplacian(), p).assign(alone[p].targetLaplacian());
                }
                SirenPass.forward(nets[p], alone[p]);
                ownLoss[p] = SupervisedLoss.apply(supervision, alone[p]);
                own[p] = new ParameterViews(config, Nd4j.zeros(type, 1, config.parameterCount()));
                SirenPass.backward(nets[p], alone[p], own[p], SupervisedLoss.adjoints(supervision));
                packed[p] = new ParameterViews(config, Nd4j.zeros(type, 1, config.parameterCount()));
            }
            SirenPass.forward(nets, pack);
            double[] loss = SupervisedLoss.applyEach(supervision, pack);
            SirenPass.backward(nets, pack, packed, SupervisedLoss.adjoints(supervision));
            String what = supervision + " " + type + " C=" + channels;
            for (int p = 0; p < PACK; p++) {
                assertEquals(ownLoss[p], loss[p], what + ": loss of trial " + p); // exact: same bits
                assertArrayEquals(
                        values(alone[p].output()),
                        values(pack.block(pack.output(), p)),
                        what + ": output of trial " + p);
                if (derivatives.laplacian()) {
                    assertArrayEquals(
                            values(alone[p].outputLaplacian()),
                            values(pack.block(pack.outputLaplacian(), p)),
                            what + ": Laplacian of trial " + p);
                }
                assertArrayEquals(values(own[p].flat()), values(packed[p].flat()), what + ": gradient of trial " + p);
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SupervisedLoss.apply(supervision, pack),
                    "a pack has one loss per network");
        } finally {
            for (Workspace ws : alone) {
                if (ws != null) {
                    ws.close();
                }
            }
        }
    }

    /** The array's values as doubles, in f-order (exact for float32 too). */
    private static double[] values(INDArray array) {
        return array.castTo(DataType.DOUBLE).dup('f').data().asDouble();
    }
}
