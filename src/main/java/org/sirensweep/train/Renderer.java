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
 * whatever the size. Keeps its workspace between calls until closed; one renderer per thread. The chunking is the
 * same on every backend ({@link #render(int, int, int, Derivatives, ChunkPass)}); this class runs it on the CPU.
 */
public final class Renderer implements NetworkRenderer {
    /** Points per forward pass: large enough for BLAS efficiency, small enough to render 4096² in little memory. */
    public static final int CHUNK = 8192;

    private final Siren network;
    private final Derivatives derivatives;
    private Workspace workspace;

    public Renderer(Siren network, Derivatives derivatives) {
        this.network = network;
        this.derivatives = derivatives;
    }

    /** One chunk of points through a network on some backend. */
    interface ChunkPass {
        /**
         * The forward pass of {@code rows} points whose input coordinates are {@code input} (f-order {@code [rows,
         * 2]}: the row coordinates, then the column coordinates): the values, and the gradient and Laplacian where
         * rendered, each f-order {@code [rows, channels]}.
         */
        ChunkOutput forward(double[] input, int rows);
    }

    /** A chunk's outputs (see {@link ChunkPass#forward}); {@code gradient} and {@code laplacian} may be null. */
    record ChunkOutput(double[] values, double[][] gradient, double[] laplacian) {}

    /**
     * Renders the network's current parameters at the pixel centres of a height × width grid, {@link #CHUNK} points
     * at a time: ND4J memory stays that of one chunk, the heap holds the result planes only.
     */
    @Override
    public Rendering render(int height, int width) {
        return render(network, height, width);
    }

    /** As {@link #render(int, int)} for another network of the same shape (a pack's members share one renderer). */
    public Rendering render(Siren other, int height, int width) {
        if (!other.config().equals(network.config()) || other.dataType() != network.dataType()) {
            throw new IllegalArgumentException(
                    "a renderer of " + network.config() + " cannot render " + other.config());
        }
        return render(height, width, other.config().outputs(), derivatives, (input, rows) -> {
            Workspace ws = workspaceFor(rows);
            DataBuffer data = ws.input().data();
            for (int i = 0; i < input.length; i++) {
                data.put(i, input[i]);
            }
            SirenPass.forward(other, ws);
            double[][] gradient = derivatives.gradient()
                    ? new double[][] {doubles(ws.outputGradient(0)), doubles(ws.outputGradient(1))}
                    : null;
            return new ChunkOutput(
                    doubles(ws.output()), gradient, derivatives.laplacian() ? doubles(ws.outputLaplacian()) : null);
        });
    }

    /** A workspace array's elements (f-order; its data buffer starts at its first element). */
    private static double[] doubles(INDArray array) {
        DataBuffer data = array.data();
        double[] values = new double[(int) array.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getDouble(i);
        }
        return values;
    }

    /**
     * A {@code height × width} rendering of a network with {@code channels} outputs, its chunks' forward passes run
     * by {@code pass}: per channel the values, and the channel means of the gradient and Laplacian where {@code
     * derivatives} carries them.
     */
    static Rendering render(int height, int width, int channels, Derivatives derivatives, ChunkPass pass) {
        int points = height * width;
        double[][] values = new double[channels][points];
        double[][] gradient = derivatives.gradient() ? new double[2][points] : null;
        double[] laplacian = derivatives.laplacian() ? new double[points] : null;
        double[] rowCoordinates = TrainingTargets.linspace(height);
        double[] columnCoordinates = TrainingTargets.linspace(width);
        for (int start = 0; start < points; start += CHUNK) {
            int rows = Math.min(CHUNK, points - start);
            double[] input = new double[2 * rows];
            for (int r = 0; r < rows; r++) {
                input[r] = rowCoordinates[(start + r) / width];
                input[rows + r] = columnCoordinates[(start + r) % width];
            }
            ChunkOutput out = pass.forward(input, rows);
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < rows; r++) {
                    values[c][start + r] = out.values()[c * rows + r];
                }
            }
            for (int axis = 0; gradient != null && axis < 2; axis++) {
                channelMean(out.gradient()[axis], rows, channels, gradient[axis], start);
            }
            if (laplacian != null) {
                channelMean(out.laplacian(), rows, channels, laplacian, start);
            }
        }
        return new Rendering(height, width, channels, values, gradient, laplacian);
    }

    /** Writes the mean over channels of an f-order [rows, C] result into {@code plane} at {@code offset}. */
    private static void channelMean(double[] result, int rows, int channels, double[] plane, int offset) {
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += result[c * rows + r];
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
