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
 * whatever the size. Keeps its workspace between calls until closed; one renderer per thread.
 */
public final class Renderer implements AutoCloseable {
    /** Points per forward pass: large enough for BLAS efficiency, small enough to render 4096² in little memory. */
    public static final int CHUNK = 8192;

    private final Siren network;
    private final Derivatives derivatives;
    private Workspace workspace;

    public Renderer(Siren network, Derivatives derivatives) {
        this.network = network;
        this.derivatives = derivatives;
    }

    /**
     * Renders the network's current parameters at the pixel centres of a height × width grid, {@link #CHUNK} points
     * at a time: ND4J memory stays that of one chunk, the heap holds the result planes only.
     */
    public Rendering render(int height, int width) {
        return render(network, height, width);
    }

    /** As {@link #render(int, int)} for another network of the same shape (a pack's members share one renderer). */
    public Rendering render(Siren other, int height, int width) {
        if (!other.config().equals(network.config()) || other.dataType() != network.dataType()) {
            throw new IllegalArgumentException("a renderer of " + network.config() + " cannot render " + other.config());
        }
        int points = height * width;
        int channels = other.config().outputs();
        double[][] values = new double[channels][points];
        double[][] gradient = derivatives.gradient() ? new double[2][points] : null;
        double[] laplacian = derivatives.laplacian() ? new double[points] : null;
        double[] rowCoordinates = TrainingTargets.linspace(height);
        double[] columnCoordinates = TrainingTargets.linspace(width);
        for (int start = 0; start < points; start += CHUNK) {
            int rows = Math.min(CHUNK, points - start);
            Workspace ws = workspaceFor(rows);
            DataBuffer input = ws.input().data();
            for (int r = 0; r < rows; r++) {
                input.put(r, rowCoordinates[(start + r) / width]);
                input.put(rows + r, columnCoordinates[(start + r) % width]);
            }
            SirenPass.forward(other, ws);
            DataBuffer out = ws.output().data();
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < rows; r++) {
                    values[c][start + r] = out.getDouble((long) c * rows + r);
                }
            }
            for (int axis = 0; gradient != null && axis < 2; axis++) {
                channelMean(ws.outputGradient(axis), gradient[axis], start);
            }
            if (laplacian != null) {
                channelMean(ws.outputLaplacian(), laplacian, start);
            }
        }
        return new Rendering(height, width, channels, values, gradient, laplacian);
    }

    /** Writes the mean over channels of an f-order [rows, C] result into {@code plane} at {@code offset}. */
    private static void channelMean(INDArray result, double[] plane, int offset) {
        int rows = result.rows();
        int channels = result.columns();
        DataBuffer data = result.data();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += data.getDouble((long) c * rows + r);
            }
            plane[offset + r] = sum / channels;
        }
    }

    /** Frees the workspace (a later render allocates a new one). */
    @Override
    public void close() {
        if (workspace != null) {
            workspace.close();
            workspace = null;
        }
    }

    private Workspace workspaceFor(int rows) {
        if (workspace == null || workspace.capacity() < rows) {
            workspace = Workspace.allocate(network.config(), derivatives, rows, network.dataType(), false);
        }
        return workspace.resized(rows);
    }
}
