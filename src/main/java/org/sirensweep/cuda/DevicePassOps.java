package org.sirensweep.cuda;

import org.sirensweep.model.PassArrays;
import org.sirensweep.model.PassOps;
import org.sirensweep.model.SirenConfig;

/**
 * The GPU's {@link PassOps}: every product of a pack as one strided-batched cuBLAS call (trial p's block of an array
 * and its parameters are equally spaced), and the elementwise work as one kernel launch for the whole pack. The
 * pack's parameters are one vector per trial, trial p's at {@code parameters + 4 · p · stride}, laid out as {@link
 * SirenConfig#weightOffset} says (weights f-order {@code [fanIn, fanOut]}, then the bias); their gradients likewise
 * at {@code gradients}.
 */
public final class DevicePassOps implements PassOps<DeviceMatrix> {
    private final Device device;
    private final PassArrays<DeviceMatrix> ws;
    private final SirenConfig config;
    private final int pack;
    private final long parameters;
    private final long gradients;
    private final long stride;

    /**
     * Ops on {@code ws}'s arrays with the parameters at {@code parameters} and the gradients written at {@code
     * gradients} (0 for a forward pass only), trial after trial {@code stride} floats apart.
     */
    public DevicePassOps(Device device, PassArrays<DeviceMatrix> ws, long parameters, long gradients, long stride) {
        this.device = device;
        this.ws = ws;
        this.config = ws.config();
        this.pack = ws.pack();
        this.parameters = parameters;
        this.gradients = gradients;
        this.stride = stride;
    }

    private long weights(long base, int layer) {
        return base + Float.BYTES * config.weightOffset(layer);
    }

    private long bias(long base, int layer) {
        return base + Float.BYTES * config.biasOffset(layer);
    }

    @Override
    public void weightProduct(DeviceMatrix in, int layer, DeviceMatrix out) {
        int rows = ws.rows();
        int fanIn = config.fanIn(layer);
        int fanOut = config.fanOut(layer);
        device.gemm(
                false,
                false,
                rows,
                fanOut,
                fanIn,
                in.address(),
                rows,
                (long) rows * fanIn,
                weights(parameters, layer),
                fanIn,
                stride,
                false,
                out.address(),
                rows,
                (long) rows * fanOut,
                pack);
    }

    @Override
    public void adjointProduct(DeviceMatrix adjoint, int layer, DeviceMatrix out) {
        int rows = ws.rows();
        int fanIn = config.fanIn(layer);
        int fanOut = config.fanOut(layer);
        device.gemm(
                false,
                true,
                rows,
                fanIn,
                fanOut,
                adjoint.address(),
                rows,
                (long) rows * fanOut,
                weights(parameters, layer),
                fanIn,
                stride,
                false,
                out.address(),
                rows,
                (long) rows * fanIn,
                pack);
    }

    @Override
    public void weightGradient(DeviceMatrix in, DeviceMatrix adjoint, int layer, boolean accumulate) {
        int rows = ws.rows();
        int fanIn = config.fanIn(layer);
        int fanOut = config.fanOut(layer);
        device.gemm(
                true,
                false,
                fanIn,
                fanOut,
                rows,
                in.address(),
                rows,
                (long) rows * fanIn,
                adjoint.address(),
                rows,
                (long) rows * fanOut,
                accumulate,
                weights(gradients, layer),
                fanIn,
                stride,
                pack);
    }

    @Override
    public void biasGradient(DeviceMatrix adjoint, int layer) {
        int rows = ws.rows();
        int fanOut = config.fanOut(layer);
        device.gemm(
                true,
                false,
                1,
                fanOut,
                rows,
                ws.ones().address(),
                rows,
                0,
                adjoint.address(),
                rows,
                (long) rows * fanOut,
                false,
                bias(gradients, layer),
                1,
                stride,
                pack);
    }

    @Override
    public void zeroBiasGradient(int layer) {
        int fanOut = config.fanOut(layer);
        device.launch(
                "fill_slices", (long) pack * fanOut, (long) pack, (long) fanOut, stride, bias(gradients, layer), 0f);
    }

    @Override
    public void activate(int layer, DeviceMatrix sine, DeviceMatrix cosine) {
        device.launch(
                "sine_activation",
                (long) sine.rows() * sine.columns(),
                (long) ws.rows(),
                (long) config.fanOut(layer),
                (long) pack,
                sine.address(),
                cosine.address(),
                parameters,
                config.biasOffset(layer),
                stride,
                (float) config.omega0());
    }

    @Override
    public void addBias(int layer, DeviceMatrix out) {
        device.launch(
                "add_bias",
                (long) out.rows() * out.columns(),
                (long) ws.rows(),
                (long) config.fanOut(layer),
                (long) pack,
                out.address(),
                parameters,
                config.biasOffset(layer),
                stride);
    }

    @Override
    public void streamsForward(int k) {
        boolean grad = ws.derivatives().gradient();
        boolean lap = ws.derivatives().laplacian();
        if (!grad && !lap) {
            return;
        }
        DeviceMatrix c = ws.cosine(k);
        long n = (long) c.rows() * c.columns();
        device.launch(
                "streams_forward",
                n,
                n,
                c.address(),
                ws.sine(k).address(),
                lap ? address(ws.preLaplacian(k)) : 0L,
                ws.preTangent(k, 0).address(),
                ws.preTangent(k, 1).address(),
                ws.tangent(k, 0).address(),
                ws.tangent(k, 1).address(),
                lap ? ws.laplacian(k).address() : 0L,
                grad ? 1 : 0,
                lap ? 1 : 0,
                (float) -(config.omega0() * config.omega0()));
    }

    @Override
    public void streamsBackward(
            int k, DeviceMatrix[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive) {
        boolean streams = tangentsActive || laplacianActive;
        double omega2 = config.omega0() * config.omega0();
        DeviceMatrix c = ws.cosine(k);
        long n = (long) c.rows() * c.columns();
        device.launch(
                "streams_backward",
                n,
                n,
                c.address(),
                ws.sine(k).address(),
                laplacianActive && ws.derivatives().laplacian() ? address(ws.preLaplacian(k)) : 0L,
                up[0].address(),
                laplacianActive ? up[3].address() : 0L,
                streams ? ws.preTangent(k, 0).address() : 0L,
                streams ? ws.preTangent(k, 1).address() : 0L,
                streams ? up[1].address() : 0L,
                streams ? up[2].address() : 0L,
                valueActive ? 1 : 0,
                tangentsActive ? 1 : 0,
                laplacianActive ? 1 : 0,
                (float) -omega2,
                (float) (-2 * omega2));
    }

    /** A matrix's address, 0 for none (the first layer's absent incoming Laplacian). */
    private static long address(DeviceMatrix matrix) {
        return matrix == null ? 0L : matrix.address();
    }
}
