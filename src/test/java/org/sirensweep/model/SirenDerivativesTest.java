package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sirensweep.image.Supervision;

/** The forward-mode gradient and Laplacian streams against central finite differences of the value, in float64. */
class SirenDerivativesTest {
    private static final int ROWS = 6;

    @Test
    void gradientStreamMatchesFiniteDifferences() {
        for (int channels : new int[] {1, 3}) {
            Siren net = TestNetworks.network(channels, 16, 3, 7 + channels);
            Workspace ws = TestNetworks.workspace(net, Supervision.LAPLACIAN, ROWS, 3, false);
            SirenPass.forward(net, ws);
            for (int axis = 0; axis < 2; axis++) {
                INDArray analytic = ws.outputGradient(axis).dup();
                INDArray numeric = centralDifference(net, ws, axis, 1e-5, false);
                double error = TestNetworks.relativeError(analytic, numeric);
                assertTrue(
                        error < 1e-7, "gradient axis " + axis + " channels " + channels + ": relative error " + error);
            }
        }
    }

    @Test
    void laplacianStreamMatchesFiniteDifferences() {
        for (int channels : new int[] {1, 3}) {
            Siren net = TestNetworks.network(channels, 16, 3, 11 + channels);
            Workspace ws = TestNetworks.workspace(net, Supervision.LAPLACIAN, ROWS, 5, false);
            SirenPass.forward(net, ws);
            INDArray analytic = ws.outputLaplacian().dup();
            INDArray numeric = centralDifference(net, ws, 0, 1e-4, true).add(centralDifference(net, ws, 1, 1e-4, true));
            double error = TestNetworks.relativeError(analytic, numeric);
            assertTrue(error < 1e-5, "Laplacian, channels " + channels + ": relative error " + error);
        }
    }

    @Test
    void gradientStreamAgreesWhetherOrNotTheLaplacianIsCarried() {
        Siren net = TestNetworks.network(1, 16, 2, 3);
        Workspace both = TestNetworks.workspace(net, Supervision.LAPLACIAN, ROWS, 9, false);
        Workspace gradientOnly = TestNetworks.workspace(net, Supervision.GRADIENT, ROWS, 9, false);
        SirenPass.forward(net, both);
        SirenPass.forward(net, gradientOnly);
        for (int axis = 0; axis < 2; axis++) {
            assertTrue(
                    TestNetworks.relativeError(both.outputGradient(axis), gradientOnly.outputGradient(axis)) < 1e-14);
        }
        assertTrue(TestNetworks.relativeError(both.output(), gradientOnly.output()) < 1e-14);
    }

    /** First (or second) central difference of the value along {@code axis}, evaluated at the workspace's inputs. */
    private static INDArray centralDifference(Siren net, Workspace ws, int axis, double h, boolean second) {
        INDArray x = ws.input().dup();
        Workspace probe = Workspace.allocate(net.config(), Derivatives.VALUE_ONLY, ws.rows(), net.dataType(), false);
        probe.input().assign(x);
        probe.input().getColumn(axis).addi(h);
        SirenPass.forward(net, probe);
        INDArray plus = probe.output().dup();
        probe.input().assign(x);
        probe.input().getColumn(axis).subi(h);
        SirenPass.forward(net, probe);
        INDArray minus = probe.output().dup();
        if (!second) {
            return plus.sub(minus).divi(2 * h);
        }
        probe.input().assign(x);
        SirenPass.forward(net, probe);
        return plus.add(minus).subi(probe.output().mul(2)).divi(h * h);
    }
}
