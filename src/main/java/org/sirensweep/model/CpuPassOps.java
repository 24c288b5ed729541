package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CPU's {@link PassOps}: each trial's products as a direct BLAS call on its block of the workspace ({@link
 * Products}), its activation by the workspace's {@link SineActivation}, and the stream arithmetic in one pass over
 * the whole pack ({@link StreamArithmetic}).
 */
public final class CpuPassOps implements PassOps<INDArray> {
    private final Workspace ws;
    private final Siren[] nets;
    /** Where each trial's parameter gradient goes (null for a forward pass only). */
    private final ParameterViews[] gradients;

    /**
     * The ops of a pass of {@code nets} (one per block of {@code ws}, of its shape) that writes their parameter
     * gradients into {@code gradients} (null for a forward pass only).
     */
    public CpuPassOps(Workspace ws, Siren[] nets, ParameterViews[] gradients) {
        if (nets.length != ws.pack) {
            throw new IllegalArgumentException(nets.length + " networks for a workspace of a pack of " + ws.pack);
        }
        for (Siren net : nets) {
            if (!net.config().equals(ws.config)) {
                throw new IllegalArgumentException("a network of " + net.config() + " in a workspace of " + ws.config);
            }
        }
        if (gradients != null && gradients.length != nets.length) {
            throw new IllegalArgumentException(gradients.length + " gradients for " + nets.length + " networks");
        }
        this.ws = ws;
        this.nets = nets;
        this.gradients = gradients;
    }

    @Override
    public void weightProduct(INDArray in, int layer, INDArray out) {
        for (int p = 0; p < nets.length; p++) {
            Products.gemm(ws.block(in, p), nets[p].weight(layer), ws.block(out, p), false, false, 1, 0);
        }
    }

    @Override
    public void adjointProduct(INDArray adjoint, int layer, INDArray out) {
        for (int p = 0; p < nets.length; p++) {
            Products.gemm(ws.block(adjoint, p), nets[p].weight(layer), ws.block(out, p), false, true, 1, 0);
        }
    }

    @Override
    public void weightGradient(INDArray in, INDArray adjoint, int layer, boolean accumulate) {
        for (int p = 0; p < nets.length; p++) {
            Products.gemm(
                    ws.block(in, p),
                    ws.block(adjoint, p),
                    gradients[p].weight(layer),
                    true,
                    false,
                    1,
                    accumulate ? 1 : 0);
        }
    }

    @Override
    public void biasGradient(INDArray adjoint, int layer) {
        for (int p = 0; p < nets.length; p++) {
            Products.gemm(ws.ones, ws.block(adjoint, p), gradients[p].bias(layer), true, false, 1, 0);
        }
    }

    @Override
    public void zeroBiasGradient(int layer) {
        for (ParameterViews gradient : gradients) {
            gradient.bias(layer).assign(0);
        }
    }

    @Override
    public void activate(int layer, INDArray sine, INDArray cosine) {
        for (int p = 0; p < nets.length; p++) {
            ws.activation.apply(ws.block(sine, p), nets[p].bias(layer), ws.config.omega0(), ws.block(cosine, p));
        }
    }

    @Override
    public void addBias(int layer, INDArray out) {
        for (int p = 0; p < nets.length; p++) {
            ws.block(out, p).addiRowVector(nets[p].bias(layer));
        }
    }

    @Override
    public void streamsForward(int k) {
        ws.arithmetic.forward(ws, k);
    }

    @Override
    public void streamsBackward(
            int k, INDArray[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive) {
        ws.arithmetic.backward(ws, k, up, valueActive, tangentsActive, laplacianActive);
    }
}
