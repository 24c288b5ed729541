package org.sirensweep.model;

import static org.sirensweep.cuda.HostKernels.address;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.sirensweep.cuda.HostKernels;

/**
 * {@link StreamArithmetic} by the CUDA backend's kernels ({@code streams_forward}, {@code streams_backward}) built for
 * this CPU ({@link HostKernels}), on the workspace's own memory: the arithmetic a GPU runs, for the tests to compare
 * with the Java passes. Two input coordinates, as every image network has.
 */
final class KernelStreamArithmetic implements StreamArithmetic {
    static final KernelStreamArithmetic INSTANCE = new KernelStreamArithmetic();

    private KernelStreamArithmetic() {}

    @Override
    public void forward(Workspace ws, int k) {
        boolean grad = ws.derivatives.gradient();
        boolean lap = ws.derivatives.laplacian();
        if (!grad && !lap) {
            return;
        }
        INDArray c = ws.cosine[k];
        HostKernels.get()
                .launch(
                        "streams_forward",
                        c.length(),
                        address(c),
                        address(ws.sine[k]),
                        lap ? or0(ws.preLaplacian[k]) : 0L,
                        address(ws.preTangent[k][0]),
                        address(ws.preTangent[k][1]),
                        address(ws.tangent[k][0]),
                        address(ws.tangent[k][1]),
                        lap ? address(ws.laplacian[k]) : 0L,
                        grad ? 1 : 0,
                        lap ? 1 : 0,
                        (float) -(ws.config.omega0() * ws.config.omega0()));
    }

    @Override
    public void backward(Workspace ws, int k, INDArray[] up, boolean hActive, boolean tActive, boolean lActive) {
        boolean cActive = tActive || lActive;
        double omega2 = ws.config.omega0() * ws.config.omega0();
        INDArray c = ws.cosine[k];
        HostKernels.get()
                .launch(
                        "streams_backward",
                        c.length(),
                        address(c),
                        address(ws.sine[k]),
                        lActive && ws.preLaplacian != null ? or0(ws.preLaplacian[k]) : 0L,
                        address(up[0]),
                        lActive ? address(up[3]) : 0L,
                        cActive ? address(ws.preTangent[k][0]) : 0L,
                        cActive ? address(ws.preTangent[k][1]) : 0L,
                        cActive ? address(up[1]) : 0L,
                        cActive ? address(up[2]) : 0L,
                        hActive ? 1 : 0,
                        tActive ? 1 : 0,
                        lActive ? 1 : 0,
                        (float) -omega2,
                        (float) (-2 * omega2));
    }

    private static long or0(INDArray array) {
        return array == null ? 0L : address(array);
    }
}
