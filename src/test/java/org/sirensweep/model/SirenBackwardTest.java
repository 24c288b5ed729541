package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.image.Supervision;

/**
 * The hand-written backward pass against SameDiff's reverse-mode autodiff of the same network and loss, built as a
 * SameDiff graph in float64 (the derivative streams written as graph ops, their correctness checked separately
 * against finite differences), and the float32 step against the float64 one.
 */
class SirenBackwardTest {
    private static final int ROWS = 7;

    @ParameterizedTest
    @EnumSource(Supervision.class)
    void parameterGradientsMatchSameDiff(Supervision supervision) {
        for (int channels : new int[] {1, 3}) {
            Siren net = TestNetworks.network(channels, 12, 2, 21 + channels);
            Workspace ws = TestNetworks.workspace(net, supervision, ROWS, 4, true);
            SirenPass.forward(net, ws);
            double loss = SupervisedLoss.apply(supervision, ws);
            ParameterViews ours = new ParameterViews(
                    net.config(), Nd4j.zeros(DataType.DOUBLE, 1, net.config().parameterCount()));
            SirenPass.backward(net, ws, ours, SupervisedLoss.adjoints(supervision));

            SameDiffOracle oracle = new SameDiffOracle(net, ws, supervision);
            assertEquals(oracle.loss, loss, 1e-10 * Math.abs(oracle.loss), "loss");
            for (int k = 0; k < net.config().layers(); k++) {
                assertClose(
                        oracle.gradient("w" + k, net.weight(k)),
                        ours.weight(k),
                        supervision + " w" + k + " C=" + channels);
                assertClose(
                        oracle.gradient("b" + k, net.bias(k)), ours.bias(k), supervision + " b" + k + " C=" + channels);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Supervision.class)
    void float32StepTracksFloat64Step(Supervision supervision) {
        Siren net64 = TestNetworks.network(1, 32, 3, 5);
        Siren net32 = net64.castTo(DataType.FLOAT);
        Workspace ws64 = TestNetworks.workspace(net64, supervision, 50, 8, true);
        Workspace ws32 = Workspace.allocate(net32.config(), Derivatives.of(supervision), 50, DataType.FLOAT, true);
        ws32.input().assign(ws64.input());
        ws32.targetValues().assign(ws64.targetValues());
        for (int i = 0; ws64.targetGradient != null && i < 2; i++) {
            ws32.targetGradient(i).assign(ws64.targetGradient(i));
        }
        if (ws64.targetLaplacian != null) {
            ws32.targetLaplacian().assign(ws64.targetLaplacian());
        }
        ParameterViews g64 = new ParameterViews(
                net64.config(), Nd4j.zeros(DataType.DOUBLE, 1, net64.config().parameterCount()));
        ParameterViews g32 = new ParameterViews(
                net32.config(), Nd4j.zeros(DataType.FLOAT, 1, net32.config().parameterCount()));
        SirenPass.forward(net64, ws64);
        SirenPass.forward(net32, ws32);
        double loss64 = SupervisedLoss.apply(supervision, ws64);
        double loss32 = SupervisedLoss.apply(supervision, ws32);
        SirenPass.backward(net64, ws64, g64, SupervisedLoss.adjoints(supervision));
        SirenPass.backward(net32, ws32, g32, SupervisedLoss.adjoints(supervision));
        assertEquals(loss64, loss32, 1e-4 * loss64, "loss");
        double error = TestNetworks.relativeError(g32.flat(), g64.flat());
        assertTrue(error < 1e-3, supervision + ": float32 gradient relative error " + error);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double error = TestNetworks.relativeError(actual, expected);
        assertTrue(error <= 1e-6, what + ": relative error " + error);
    }

    /** The network, its derivative streams and the loss as one SameDiff graph; gradients by SameDiff's autodiff. */
    private static final class SameDiffOracle {
        final double loss;
        final Map<String, INDArray> gradients;

        SameDiffOracle(Siren net, Workspace ws, Supervision supervision) {
            SirenConfig config = net.config();
            double omega = config.omega0();
            SameDiff sd = SameDiff.create();
            SDVariable h = sd.constant("x", ws.input().dup('c'));
            int n = config.inputs();
            SDVariable[] t = new SDVariable[n];
            for (int i = 0; i < n; i++) {
                INDArray unit = Nd4j.zeros(DataType.DOUBLE, ws.rows(), n);
                unit.getColumn(i).assign(1);
                t[i] = sd.constant("e" + i, unit);
            }
            SDVariable lap = null;
            List<String> names = new ArrayList<>();
            for (int k = 0; k < config.layers(); k++) {
                SDVariable w = sd.var("w" + k, net.weight(k).dup('c'));
                SDVariable b = sd.var("b" + k, net.bias(k).dup('c'));
                names.add("w" + k);
                names.add("b" + k);
                SDVariable[] a = new SDVariable[n];
                for (int i = 0; i < n; i++) {
                    a[i] = t[i].mmul(w);
                }
                SDVariable m = lap == null ? null : lap.mmul(w);
                if (k == config.outputLayer()) {
                    h = h.mmul(w).add(b);
                    t = a;
                    lap = m;
                    break;
                }
                SDVariable u = h.mmul(w).add(b).mul(omega);
                SDVariable s = sd.math().sin(u);
                SDVariable c = sd.math().cos(u).mul(omega);
                SDVariable sumSquares = a[0].mul(a[0]);
                for (int i = 1; i < n; i++) {
                    sumSquares = sumSquares.add(a[i].mul(a[i]));
                }
                SDVariable curvature = s.mul(sumSquares).mul(-omega * omega);
                lap = m == null ? curvature : c.mul(m).add(curvature);
                for (int i = 0; i < n; i++) {
                    t[i] = c.mul(a[i]);
                }
                h = s;
            }
            double rows = ws.rows();
            SDVariable total = sd.constant("zero", Nd4j.scalar(0.0));
            if (supervision.needsValues()) {
                total = total.add(sd.math()
                        .square(h.sub(sd.constant(ws.targetValues().dup('c'))))
                        .mean());
            }
            if (supervision.needsGradient()) {
                double weight = supervision == Supervision.COMBINED ? SupervisedLoss.COMBINED_GRADIENT_WEIGHT : 1;
                for (int i = 0; i < n; i++) {
                    // sum over points and channels / points, written as a full-array sum (an axis-1 sum of
                    // length 1 breaks SameDiff M2.1's backprop).
                    SDVariable e = sd.math()
                            .square(t[i].sub(sd.constant(ws.targetGradient(i).dup('c'))))
                            .sum();
                    total = total.add(e.mul(weight / rows));
                }
            }
            if (supervision.needsLaplacian()) {
                total = total.add(sd.math()
                        .square(lap.sub(sd.constant(ws.targetLaplacian().dup('c'))))
                        .mean());
            }
            total.rename("loss");
            sd.setLossVariables("loss");
            loss = sd.output(Map.of(), "loss").get("loss").getDouble(0);
            gradients = sd.calculateGradients(Map.of(), names);
        }

        /** SameDiff leaves a null gradient for a parameter that does not reach the loss: that is zero. */
        INDArray gradient(String name, INDArray like) {
            INDArray g = gradients.get(name);
            return g == null ? Nd4j.zeros(DataType.DOUBLE, like.shape()) : g.reshape(like.shape());
        }
    }
}
