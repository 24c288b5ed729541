package org.sirensweep.model;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every array one forward/backward pass over a batch of points needs, allocated once per training and reused every
 * step. All are f-order and contiguous so that {@code Nd4j.gemm} runs at BLAS speed into them. A workspace built
 * for {@code capacity} points can be {@link #resized} to fewer points over the same memory (a short last batch).
 *
 * <p>A workspace serves a pack of {@code pack} networks of one shape trained side by side (one, for a single
 * trial): each array holds the trials' matrices next to each other, {@code [rows, pack · columns]}, trial p's in
 * columns {@code p·columns} to {@code (p+1)·columns - 1}. That block is itself a contiguous f-order matrix ({@link
 * #block}), so each trial's products run on its own block, while the elementwise ops run once over all trials.
 * Closing the allocated workspace frees its memory at once (it can be GBs; the garbage collector would free it
 * whenever the small heap happens to fill); its resized views must not be used after that.
 *
 * <p>Names follow {@link SirenPass}: per sine layer k, {@code sine[k] = sin(ω u)}, {@code cosine[k] = ω cos(ω u)},
 * {@code preTangent[k][i] = t_i W} and {@code tangent[k][i]}, {@code preLaplacian[k] = L W} and {@code laplacian[k]}.
 */
public final class Workspace implements AutoCloseable {
    final SirenConfig config;
    final Derivatives derivatives;
    /** How the sine layers are activated for this data type (see {@link SineActivation}). */
    final SineActivation activation;
    /** How the derivative streams' elementwise arithmetic runs for this data type (see {@link StreamArithmetic}). */
    final StreamArithmetic arithmetic;
    final int rows;
    /** Networks trained side by side in this workspace. */
    final int pack;
    private final int capacity;
    private final List<DataBuffer> memory;

    /** Network input coordinates, {@code [rows, inputs]}. */
    final INDArray input;
    /** The input coordinates' own tangents: column i is one, the rest zero. */
    final INDArray[] inputTangent;
    /** A column of ones, for bias gradients as a matrix product. */
    final INDArray ones;

    final INDArray[] sine;
    final INDArray[] cosine;
    final INDArray[][] preTangent;
    final INDArray[][] tangent;
    final INDArray[] preLaplacian;
    final INDArray[] laplacian;

    final INDArray output;
    final INDArray[] outputGradient;
    final INDArray outputLaplacian;

    /** Adjoints of the loss with respect to the outputs, written by the loss. */
    final INDArray outputAdjoint;
    final INDArray[] outputGradientAdjoint;
    final INDArray outputLaplacianAdjoint;

    /** Adjoints of one layer's outputs (value, tangents, Laplacian); two sets, swapped layer by layer. */
    final INDArray[][] adjoint;
    final INDArray scratch0;
    final INDArray scratch1;
    final INDArray scratch2;

    /** Targets of the current batch, filled by the trainer: values, per-axis gradients, Laplacians. */
    final INDArray targetValues;
    final INDArray[] targetGradient;
    final INDArray targetLaplacian;

    /** Each array's per-trial blocks, by array (identity). */
    private final Map<INDArray, INDArray[]> blocks = new IdentityHashMap<>();
    private int next;
    /** Elements laid out so far when planning ({@code memory == null}) instead of allocating. */
    private long plannedElements;

    /** Allocates a workspace for batches of up to {@code capacity} points of one network. */
    public static Workspace allocate(SirenConfig config, Derivatives derivatives, int capacity, DataType dataType,
                                     boolean backward) {
        return allocate(config, derivatives, capacity, dataType, backward, 1);
    }

    /** Allocates a workspace for batches of up to {@code capacity} points of each of {@code pack} networks. */
    public static Workspace allocate(SirenConfig config, Derivatives derivatives, int capacity, DataType dataType,
                                     boolean backward, int pack) {
        return new Workspace(config, derivatives, capacity, capacity, new ArrayList<>(), dataType, backward, pack);
    }

    /** {@link #bytesNeeded(SirenConfig, Derivatives, int, DataType, boolean, int)} for one network. */
    public static long bytesNeeded(SirenConfig config, Derivatives derivatives, int capacity, DataType dataType,
                                   boolean backward) {
        return bytesNeeded(config, derivatives, capacity, dataType, backward, 1);
    }

    /**
     * The bytes {@link #allocate} would take for these arguments, found by laying the workspace out without
     * allocating it (so a trial too large for the machine can be refused before it starts). Saturates at {@code
     * Long.MAX_VALUE} rather than overflowing.
     */
    public static long bytesNeeded(SirenConfig config, Derivatives derivatives, int capacity, DataType dataType,
                                   boolean backward, int pack) {
        Workspace plan = new Workspace(config, derivatives, capacity, capacity, null, dataType, backward, pack);
        long constants = Memory.product(capacity, (long) pack * config.inputs()
                * (derivatives.gradient() ? config.inputs() : 0) + 1);
        return Memory.product(Memory.sum(plan.plannedElements, constants), dataType.width());
    }

    /** Frees the memory of an allocated workspace (and of all its resized views). */
    @Override
    public void close() {
        if (memory != null) {
            memory.forEach(DataBuffer::close);
        }
    }

    /** The same memory viewed as a batch of {@code rows ≤ capacity} points. */
    public Workspace resized(int rows) {
        if (rows == this.rows) {
            return this;
        }
        return new Workspace(config, derivatives, rows, capacity, memory, input.dataType(), outputAdjoint != null,
                pack);
    }

    private Workspace(SirenConfig config, Derivatives derivatives, int rows, int capacity, List<DataBuffer> memory,
                      DataType dataType, boolean backward, int pack) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("batch of " + rows + " points does not fit a workspace of " + capacity);
        }
        if (pack < 1) {
            throw new IllegalArgumentException("a pack holds at least one network, got " + pack);
        }
        this.pack = pack;
        this.config = config;
        this.derivatives = derivatives;
        this.activation = SineActivation.forType(dataType);
        this.arithmetic = StreamArithmetic.forType(dataType);
        this.rows = rows;
        this.capacity = capacity;
        this.memory = memory;
        int n = config.inputs();
        int w = config.width();
        int c = config.outputs();
        int sineLayers = config.depth() + 1;
        boolean grad = derivatives.gradient();
        boolean lap = derivatives.laplacian();

        input = matrix(n, dataType);
        inputTangent = grad ? new INDArray[n] : null;
        // Constants are small and not shared between batch sizes (their layout depends on the row count).
        boolean planning = memory == null;
        for (int i = 0; grad && !planning && i < n; i++) {
            inputTangent[i] = Nd4j.zeros(dataType, rows, (long) pack * n).dup('f');
            split(inputTangent[i], n);
            for (int p = 0; p < pack; p++) {
                block(inputTangent[i], p).getColumn(i).assign(1);
            }
        }
        ones = planning ? null : Nd4j.ones(dataType, rows, 1).dup('f');

        sine = new INDArray[sineLayers];
        cosine = new INDArray[sineLayers];
        preTangent = grad ? new INDArray[sineLayers][n] : null;
        tangent = grad ? new INDArray[sineLayers][n] : null;
        preLaplacian = lap ? new INDArray[sineLayers] : null;
        laplacian = lap ? new INDArray[sineLayers] : null;
        for (int k = 0; k < sineLayers; k++) {
            sine[k] = matrix(w, dataType);
            cosine[k] = matrix(w, dataType);
            for (int i = 0; grad && i < n; i++) {
                preTangent[k][i] = matrix(w, dataType);
                tangent[k][i] = matrix(w, dataType);
            }
            if (lap) {
                // The first layer's input has no Laplacian, so it has no pre-activation Laplacian either.
                preLaplacian[k] = k == 0 ? null : matrix(w, dataType);
                laplacian[k] = matrix(w, dataType);
            }
        }
        output = matrix(c, dataType);
        outputGradient = grad ? matrices(n, c, dataType) : null;
        outputLaplacian = lap ? matrix(c, dataType) : null;

        if (backward) {
            outputAdjoint = matrix(c, dataType);
            outputGradientAdjoint = grad ? matrices(n, c, dataType) : null;
            outputLaplacianAdjoint = lap ? matrix(c, dataType) : null;
            adjoint = new INDArray[2][];
            for (int set = 0; set < 2; set++) {
                // [0] value, [1..n] tangents, [n+1] Laplacian
                adjoint[set] = new INDArray[n + 2];
                adjoint[set][0] = matrix(w, dataType);
                for (int i = 1; grad && i <= n; i++) {
                    adjoint[set][i] = matrix(w, dataType);
                }
                adjoint[set][n + 1] = lap ? matrix(w, dataType) : null;
            }
            scratch0 = grad ? matrix(w, dataType) : null;
            scratch1 = matrix(w, dataType);
            scratch2 = lap ? matrix(w, dataType) : null;
            targetValues = matrix(c, dataType);
            targetGradient = grad ? matrices(n, c, dataType) : null;
            targetLaplacian = lap ? matrix(c, dataType) : null;
        } else {
            outputAdjoint = null;
            outputGradientAdjoint = null;
            outputLaplacianAdjoint = null;
            adjoint = null;
            scratch0 = null;
            scratch1 = lap ? matrix(w, dataType) : null;
            scratch2 = null;
            targetValues = null;
            targetGradient = null;
            targetLaplacian = null;
        }
    }

    /** Bytes this workspace holds: its shared buffers and its constants. */
    long bytes() {
        long total = 0;
        for (DataBuffer buffer : memory) {
            total += buffer.length() * buffer.getElementSize();
        }
        for (int i = 0; inputTangent != null && i < inputTangent.length; i++) {
            total += inputTangent[i].length() * buffer(inputTangent[i]);
        }
        return total + ones.length() * buffer(ones);
    }

    private static long buffer(INDArray array) {
        return array.dataType().width();
    }

    /** Networks trained side by side in this workspace (1: a single trial). */
    public int pack() {
        return pack;
    }

    /**
     * Trial {@code p}'s matrix of one of this workspace's arrays (the whole array when the pack holds one network):
     * a contiguous f-order view over its columns.
     */
    public INDArray block(INDArray array, int p) {
        return pack == 1 ? array : blocks.get(array)[p];
    }

    /** Records the per-trial blocks of {@code array}, each {@code columns} wide. */
    private void split(INDArray array, int columns) {
        if (pack == 1) {
            return;
        }
        INDArray[] views = new INDArray[pack];
        for (int p = 0; p < pack; p++) {
            views[p] = Nd4j.create(array.data(), new long[] {rows, columns}, new long[] {1, rows},
                    array.offset() + (long) p * columns * rows, 'f', array.dataType());
        }
        blocks.put(array, views);
    }

    /** The number of points in this batch. */
    public int rows() {
        return rows;
    }

    /** The most points this workspace's memory holds. */
    public int capacity() {
        return capacity;
    }

    public SirenConfig config() {
        return config;
    }

    public Derivatives derivatives() {
        return derivatives;
    }

    /** Input coordinates, {@code [rows, inputs]}: fill before {@link SirenPass#forward}. */
    public INDArray input() {
        return input;
    }

    /** The network's values after a forward pass, {@code [rows, outputs]}. */
    public INDArray output() {
        return output;
    }

    /** d output / d input_i after a forward pass with the gradient stream. */
    public INDArray outputGradient(int axis) {
        return outputGradient[axis];
    }

    /** Σ_i d² output / d input_i² after a forward pass with the Laplacian stream. */
    public INDArray outputLaplacian() {
        return outputLaplacian;
    }

    public INDArray targetValues() {
        return targetValues;
    }

    public INDArray targetGradient(int axis) {
        return targetGradient[axis];
    }

    public INDArray targetLaplacian() {
        return targetLaplacian;
    }

    private INDArray[] matrices(int count, int columns, DataType dataType) {
        INDArray[] out = new INDArray[count];
        for (int i = 0; i < count; i++) {
            out[i] = matrix(columns, dataType);
        }
        return out;
    }

    /**
     * The next f-order {@code [rows, pack · columns]} matrix (each trial's {@code columns} side by side), over
     * memory shared with every resized sibling.
     */
    private INDArray matrix(int columns, DataType dataType) {
        long all = (long) pack * columns;
        if (memory == null) {
            plannedElements = Memory.sum(plannedElements, Memory.product(capacity, all));
            return null;
        }
        if (next == memory.size()) {
            memory.add(Nd4j.createBuffer(dataType, (long) capacity * all, true));
        }
        DataBuffer buffer = memory.get(next++);
        INDArray matrix = Nd4j.create(buffer, new long[] {rows, all}, new long[] {1, rows}, 0, 'f', dataType);
        split(matrix, columns);
        return matrix;
    }
}
