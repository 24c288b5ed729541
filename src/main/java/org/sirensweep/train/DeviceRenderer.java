package org.sirensweep.train;

import org.sirensweep.cuda.Device;
import org.sirensweep.cuda.DeviceArrays;
import org.sirensweep.cuda.DeviceMatrix;
import org.sirensweep.cuda.DevicePassOps;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.SirenPass;

/**
 * Renders networks on a GPU: the forward pass with every stream in chunks (the chunking of {@link Renderer}), on
 * device arrays kept between calls, only the outputs copied back. A trial trained on a GPU is measured and drawn
 * there too.
 */
public final class DeviceRenderer implements NetworkRenderer {
    private final Device device;
    private final SirenConfig config;
    /** The parameters of the network {@link #render(int, int)} draws: uploaded here (0 when rendering others'). */
    private final long own;

    private DeviceArrays arrays;

    /** A renderer of {@code network}, whose parameters go to the device now and are freed on close. */
    public DeviceRenderer(Device device, Siren network) {
        this(device, network.config(), upload(device, network));
    }

    /** A renderer for networks of {@code config} whose parameters are on the device ({@link #render(long, int, int)}). */
    DeviceRenderer(Device device, SirenConfig config) {
        this(device, config, 0L);
    }

    private DeviceRenderer(Device device, SirenConfig config, long own) {
        this.device = device;
        this.config = config;
        this.own = own;
    }

    private static long upload(Device device, Siren network) {
        float[] parameters = network.floats();
        long address = device.allocate((long) Float.BYTES * parameters.length);
        device.upload(address, parameters);
        return address;
    }

    @Override
    public Rendering render(int height, int width) {
        if (own == 0) {
            throw new IllegalStateException("this renderer draws networks already on the device");
        }
        return render(own, height, width);
    }

    /** The network whose parameters are at {@code parameters} on the device. */
    Rendering render(long parameters, int height, int width) {
        int chunk = Math.min(Renderer.CHUNK, height * width);
        if (arrays == null || arrays.capacity() < chunk) {
            if (arrays != null) {
                arrays.close();
            }
            arrays = DeviceArrays.allocate(device, config, Derivatives.ALL, chunk, false, 1);
        }
        return Renderer.render(height, width, config.outputs(), Derivatives.ALL, (input, rows) -> {
            DeviceArrays ws = arrays.resized(rows);
            float[] coordinates = new float[input.length];
            for (int i = 0; i < input.length; i++) {
                coordinates[i] = (float) input[i];
            }
            device.upload(ws.input().address(), coordinates);
            SirenPass.forward(ws, new DevicePassOps(device, ws, parameters, 0L, config.parameterCount()));
            double[][] gradient = {doubles(ws.outputGradient(0)), doubles(ws.outputGradient(1))};
            return new Renderer.ChunkOutput(doubles(ws.output()), gradient, doubles(ws.outputLaplacian()));
        });
    }

    private double[] doubles(DeviceMatrix matrix) {
        float[] values = device.downloadFloats(matrix.address(), matrix.rows() * matrix.columns());
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Override
    public void close() {
        if (arrays != null) {
            arrays.close();
            arrays = null;
        }
        if (own != 0) {
            device.free(own);
        }
    }
}
