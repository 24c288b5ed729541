package org.sirensweep.train;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sirensweep.image.TrainingTargets;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenPass;
import org.sirensweep.model.Workspace;

/**
 * Evaluates a network on a pixel grid of any size in chunks of at most {@link #CHUNK} points, so memory stays bounded
 * whatever the size. Keeps its workspace between calls; one renderer per thread.
 */
public final class Renderer {
    /** Points per forward pass: large enough for BLAS efficiency, small enough to render 4096² in little memory. */
    public static final int CHUNK = 8192;

    private final Siren network;
    private final Derivatives derivatives;
    private Workspace workspace;

    public Renderer(Siren network, Derivatives derivatives) {
        this.network = network;
        this.derivatives = derivatives;
    }

    /** Renders the network's current parameters at the pixel centres of a height × width grid. */
    public Rendering render(int height, int width) {
        int points = height * width;
        int channels = network.config().outputs();
        double[][] values = new double[channels][points];
        double[][][] gradients = derivatives.gradient() ? new double[2][channels][points] : null;
        double[][] laplacians = derivatives.laplacian() ? new double[channels][points] : null;
        double[] xy = TrainingTargets.coordinates(height, width);
        for (int start = 0; start < points; start += CHUNK) {
            int rows = Math.min(CHUNK, points - start);
            Workspace ws = workspaceFor(rows);
            DataBuffer input = ws.input().data();
            for (int r = 0; r < rows; r++) {
                input.put(r, xy[(start + r) * 2]);
                input.put(rows + r, xy[(start + r) * 2 + 1]);
            }
            SirenPass.forward(network, ws);
            copyColumns(ws.output(), values, start);
            for (int axis = 0; gradients != null && axis < 2; axis++) {
                copyColumns(ws.outputGradient(axis), gradients[axis], start);
            }
            if (laplacians != null) {
                copyColumns(ws.outputLaplacian(), laplacians, start);
            }
        }
        return new Rendering(height, width, channels, values, gradients, laplacians);
    }

    private Workspace workspaceFor(int rows) {
        if (workspace == null || workspace.capacity() < rows) {
            workspace = Workspace.allocate(network.config(), derivatives, rows, network.dataType(), false);
        }
        return workspace.resized(rows);
    }

    /** Copies an f-order [rows, C] result into per-channel planes at {@code offset}. */
    private static void copyColumns(INDArray result, double[][] planes, int offset) {
        int rows = (int) result.rows();
        DataBuffer data = result.data();
        for (int c = 0; c < planes.length; c++) {
            for (int r = 0; r < rows; r++) {
                planes[c][offset + r] = data.getDouble((long) c * rows + r);
            }
        }
    }
}
