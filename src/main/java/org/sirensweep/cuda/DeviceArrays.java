package org.sirensweep.cuda;

import java.util.ArrayList;
import java.util.List;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.PassArrays;
import org.sirensweep.model.SirenConfig;

/**
 * The GPU's {@link PassArrays}: each array in device memory allocated once for {@code capacity} points, and {@link
 * #resized} to fewer points over the same memory (a short last batch; f-order, so the smaller matrix is the start of
 * the buffer). The constants (input tangents, the ones column) are set on the device. Closing the allocated arrays
 * frees all their memory, their resized views' included.
 */
public final class DeviceArrays extends PassArrays<DeviceMatrix> implements AutoCloseable {
    private final DeviceAllocator allocator;
    private final boolean backward;

    /** Arrays for batches of up to {@code capacity} points of each of {@code pack} networks of {@code config}. */
    public static DeviceArrays allocate(
            Device device, SirenConfig config, Derivatives derivatives, int capacity, boolean backward, int pack) {
        if (config.inputs() != 2) {
            throw new IllegalArgumentException(
                    "the GPU kernels take networks of two input coordinates, not " + config.inputs());
        }
        return new DeviceArrays(
                new DeviceAllocator(
                        device, capacity, capacity, pack, config.inputs(), new ArrayList<>(), new ArrayList<>()),
                config,
                derivatives,
                backward);
    }

    private DeviceArrays(DeviceAllocator allocator, SirenConfig config, Derivatives derivatives, boolean backward) {
        super(DeviceMatrix.class, config, derivatives, allocator.rows, backward, allocator.pack, allocator);
        this.allocator = allocator;
        this.backward = backward;
    }

    /** The same memory viewed as a batch of {@code rows ≤ capacity} points. */
    public DeviceArrays resized(int rows) {
        if (rows == this.rows()) {
            return this;
        }
        DeviceAllocator a = allocator;
        return new DeviceArrays(
                new DeviceAllocator(a.device, rows, a.capacity, a.pack, a.inputs, a.memory, a.constants),
                config(),
                derivatives(),
                backward);
    }

    /** The most points the memory holds. */
    public int capacity() {
        return allocator.capacity;
    }

    /** Frees the device memory of these arrays and of every view resized from them. */
    @Override
    public void close() {
        allocator.memory.forEach(allocator.device::free);
        allocator.constants.forEach(allocator.device::free);
        allocator.memory.clear();
        allocator.constants.clear();
    }

    /** Device buffers shared by arrays and their resized views, handed out in layout order. */
    private static final class DeviceAllocator implements Allocator<DeviceMatrix> {
        private final Device device;
        private final int rows;
        private final int capacity;
        private final int pack;
        private final int inputs;
        private final List<Long> memory;
        private final List<Long> constants;
        private int next;

        DeviceAllocator(
                Device device, int rows, int capacity, int pack, int inputs, List<Long> memory, List<Long> constants) {
            if (rows < 1 || rows > capacity) {
                throw new IllegalArgumentException("batch of " + rows + " points does not fit arrays of " + capacity);
            }
            this.device = device;
            this.rows = rows;
            this.capacity = capacity;
            this.pack = pack;
            this.inputs = inputs;
            this.memory = memory;
            this.constants = constants;
        }

        @Override
        public DeviceMatrix matrix(int columns) {
            int all = pack * columns;
            if (next == memory.size()) {
                memory.add(device.allocate((long) Float.BYTES * capacity * all));
            }
            return new DeviceMatrix(memory.get(next++), rows, all);
        }

        /** Zero but for column {@code axis} of each trial's block, which is one. */
        @Override
        public DeviceMatrix inputTangent(int axis) {
            long address = constant((long) rows * pack * inputs);
            device.launch(
                    "fill_slices",
                    (long) pack * rows,
                    (long) pack,
                    (long) rows,
                    (long) rows * inputs,
                    address + (long) Float.BYTES * axis * rows,
                    1f);
            return new DeviceMatrix(address, rows, pack * inputs);
        }

        @Override
        public DeviceMatrix ones() {
            long address = constant(rows);
            device.launch("fill", (long) rows, (long) rows, address, 1f);
            return new DeviceMatrix(address, rows, 1);
        }

        private long constant(long elements) {
            long address = device.allocate(Float.BYTES * elements);
            constants.add(address);
            return address;
        }
    }
}
