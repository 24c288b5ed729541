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
 * The CPU's {@link PassArrays}: ND4J arrays in f-order buffers, allocated once per training and reused every step,
 * so that BLAS runs at full speed into them. A workspace built for {@code capacity} points can be {@link #resized}
 * to fewer points over the same memory (a short last batch).
 *
 * <p>For a pack, each trial's block of an array is itself a contiguous f-order matrix ({@link #block}), so each
 * trial's products run on its own block, while the elementwise ops run once over all trials. Closing the allocated
 * workspace frees its memory at once (it can be GBs; the garbage collector would free it whenever the small heap
 * happens to fill); its resized views must not be used after that.
 */
public final class Workspace extends PassArrays<INDArray> implements AutoCloseable {
    /** How the sine layers are activated for this data type (see {@link SineActivation}). */
    final SineActivation activation;
    /** How the derivative streams' elementwise arithmetic runs for this data type (see {@link StreamArithmetic}). */
    final StreamArithmetic arithmetic;

    private final int capacity;
    private final DataType dataType;
    private final List<DataBuffer> memory;
    /** Each array's per-trial blocks, by array (identity). */
    private final Map<INDArray, INDArray[]> blocks;

    /** Allocates a workspace for batches of up to {@code capacity} points of one network. */
    public static Workspace allocate(
            SirenConfig config, Derivatives derivatives, int capacity, DataType dataType, boolean backward) {
        return allocate(config, derivatives, capacity, dataType, backward, 1);
    }

    /** Allocates a workspace for batches of up to {@code capacity} points of each of {@code pack} networks. */
    public static Workspace allocate(
            SirenConfig config, Derivatives derivatives, int capacity, DataType dataType, boolean backward, int pack) {
        return new Workspace(
                new Nd4jAllocator(capacity, capacity, pack, new ArrayList<>(), dataType, config.inputs()),
                config,
                derivatives,
                backward);
    }

    /** {@link #bytesNeeded(SirenConfig, Derivatives, int, DataType, boolean, int)} for one network. */
    public static long bytesNeeded(
            SirenConfig config, Derivatives derivatives, int capacity, DataType dataType, boolean backward) {
        return bytesNeeded(config, derivatives, capacity, dataType, backward, 1);
    }

    /**
     * The bytes {@link #allocate} would take for these arguments, found by laying the workspace out without
     * allocating it (so a trial too large for the machine can be refused before it starts). Saturates at {@code
     * Long.MAX_VALUE} rather than overflowing.
     */
    public static long bytesNeeded(
            SirenConfig config, Derivatives derivatives, int capacity, DataType dataType, boolean backward, int pack) {
        return Memory.product(elementsNeeded(config, derivatives, capacity, backward, pack), dataType.width());
    }

    /**
     * The elements the arrays of {@link PassArrays} take on any backend for these arguments, the constants
     * included; saturating.
     */
    public static long elementsNeeded(
            SirenConfig config, Derivatives derivatives, int capacity, boolean backward, int pack) {
        Planner planner = new Planner(capacity, pack);
        new Planned(planner, config, derivatives, capacity, backward, pack);
        long constants = Memory.product(
                capacity, (long) pack * config.inputs() * (derivatives.gradient() ? config.inputs() : 0) + 1);
        return Memory.sum(planner.elements, constants);
    }

    /** Counts the elements of a layout instead of allocating it. */
    private static final class Planner implements Allocator<Object> {
        private final long capacity;
        private final long pack;
        long elements;

        Planner(long capacity, long pack) {
            this.capacity = capacity;
            this.pack = pack;
        }

        @Override
        public Object matrix(int columns) {
            elements = Memory.sum(elements, Memory.product(capacity, pack * columns));
            return null;
        }

        @Override
        public Object inputTangent(int axis) {
            return null;
        }

        @Override
        public Object ones() {
            return null;
        }
    }

    /** A layout that is only counted. */
    private static final class Planned extends PassArrays<Object> {
        Planned(Planner planner, SirenConfig config, Derivatives derivatives, int rows, boolean backward, int pack) {
            super(Object.class, config, derivatives, rows, backward, pack, planner);
        }
    }

    /** ND4J arrays over buffers shared by a workspace and its resized views, in layout order. */
    private static final class Nd4jAllocator implements Allocator<INDArray> {
        private final int rows;
        private final int capacity;
        private final int pack;
        private final List<DataBuffer> memory;
        private final DataType dataType;
        private final int n;
        private final Map<INDArray, INDArray[]> blocks = new IdentityHashMap<>();
        private int next;

        Nd4jAllocator(int rows, int capacity, int pack, List<DataBuffer> memory, DataType dataType, int inputs) {
            if (rows < 1 || rows > capacity) {
                throw new IllegalArgumentException(
                        "batch of " + rows + " points does not fit a workspace of " + capacity);
            }
            this.rows = rows;
            this.capacity = capacity;
            this.pack = pack;
            this.memory = memory;
            this.dataType = dataType;
            this.n = inputs;
        }

        /**
         * The next f-order {@code [rows, pack · columns]} matrix (each trial's {@code columns} side by side), over
         * memory shared with every resized sibling.
         */
        @Override
        public INDArray matrix(int columns) {
            long all = (long) pack * columns;
            if (next == memory.size()) {
                memory.add(Nd4j.createBuffer(dataType, (long) capacity * all, true));
            }
            DataBuffer buffer = memory.get(next++);
            INDArray matrix = Nd4j.create(buffer, new long[] {rows, all}, new long[] {1, rows}, 0, 'f', dataType);
            split(matrix, columns);
            return matrix;
        }

        /** Constants are small and not shared between batch sizes (their layout depends on the row count). */
        @Override
        public INDArray inputTangent(int axis) {
            INDArray tangent = Nd4j.zeros(dataType, rows, (long) pack * n).dup('f');
            split(tangent, n);
            for (int p = 0; p < pack; p++) {
                block(tangent, p).getColumn(axis).assign(1);
            }
            return tangent;
        }

        @Override
        public INDArray ones() {
            return Nd4j.ones(dataType, rows, 1).dup('f');
        }

        /** Records the per-trial blocks of {@code array}, each {@code columns} wide. */
        private void split(INDArray array, int columns) {
            if (pack == 1) {
                return;
            }
            INDArray[] views = new INDArray[pack];
            for (int p = 0; p < pack; p++) {
                views[p] = Nd4j.create(
                        array.data(),
                        new long[] {rows, columns},
                        new long[] {1, rows},
                        array.offset() + (long) p * columns * rows,
                        'f',
                        array.dataType());
            }
            blocks.put(array, views);
        }

        INDArray block(INDArray array, int p) {
            return pack == 1 ? array : blocks.get(array)[p];
        }
    }

    private Workspace(Nd4jAllocator allocator, SirenConfig config, Derivatives derivatives, boolean backward) {
        super(INDArray.class, config, derivatives, allocator.rows, backward, allocator.pack, allocator);
        this.activation = SineActivation.forType(allocator.dataType);
        this.arithmetic = StreamArithmetic.forType(allocator.dataType);
        this.capacity = allocator.capacity;
        this.dataType = allocator.dataType;
        this.memory = allocator.memory;
        this.blocks = allocator.blocks;
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
        return new Workspace(
                new Nd4jAllocator(rows, capacity, pack, memory, dataType, config.inputs()),
                config,
                derivatives,
                outputAdjoint != null);
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

    /**
     * Trial {@code p}'s matrix of one of this workspace's arrays (the whole array when the pack holds one network):
     * a contiguous f-order view over its columns.
     */
    public INDArray block(INDArray array, int p) {
        return pack == 1 ? array : blocks.get(array)[p];
    }

    /** The most points this workspace's memory holds. */
    public int capacity() {
        return capacity;
    }
}
