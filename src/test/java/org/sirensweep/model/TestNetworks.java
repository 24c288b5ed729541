package org.sirensweep.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sirensweep.image.Supervision;

/** Small random networks, inputs and targets for the derivative tests. */
final class TestNetworks {
    private TestNetworks() {}

    static Siren network(int channels, int width, int depth, long seed) {
        return Siren.initialise(SirenConfig.forImage(channels, width, depth, 30), seed, DataType.DOUBLE);
    }

    /** Random points in [-1, 1]² and random targets for every stream of {@code supervision}. */
    static Workspace workspace(Siren net, Supervision supervision, int rows, long seed, boolean backward) {
        Workspace ws = Workspace.allocate(net.config(), Derivatives.of(supervision), rows, net.dataType(), backward);
        SplittableRandom random = new SplittableRandom(seed);
        fill(ws.input(), random, 1);
        if (backward) {
            fill(ws.targetValues(), random, 1);
            for (int i = 0; ws.targetGradient != null && i < 2; i++) {
                fill(ws.targetGradient(i), random, 40);
            }
            if (ws.targetLaplacian != null) {
                fill(ws.targetLaplacian(), random, 1000);
            }
        }
        return ws;
    }

    static void fill(INDArray array, SplittableRandom random, double scale) {
        for (long r = 0; r < array.rows(); r++) {
            for (long c = 0; c < array.columns(); c++) {
                array.putScalar(r, c, random.nextDouble(-scale, scale));
            }
        }
    }

    /** ‖a - b‖ / ‖b‖ (or ‖a‖ when b is zero). */
    static double relativeError(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE);
        INDArray y = b.castTo(DataType.DOUBLE);
        double diff = x.sub(y).norm2Number().doubleValue();
        double scale = y.norm2Number().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }
}
