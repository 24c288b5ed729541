package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A {@link Device} on the CPU, for the tests: host memory, the engine's kernels built for the CPU ({@link
 * HostKernels}), and each product as the CPU engine makes it (one {@code cblas_sgemm} per trial, so a training here
 * gives the CPU engine's bits, which the tests compare). A graph records the launches and products of its capture
 * and replays them; as on a GPU, nothing may be allocated or copied while a capture records.
 */
public final class HostDevice implements Device {
    private static final int COL_MAJOR = 102;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final Map<Long, Memory> memory = new HashMap<>();
    private List<Runnable> recording;
    /** Graphs recorded and launches made, for the tests to see that steps replay graphs. */
    private int graphs;
    private long launches;

    @Override
    public String describe() {
        return "the CPU standing in for a GPU (tests)";
    }

    /** Graphs recorded so far. */
    public int graphs() {
        return graphs;
    }

    /** Kernels and products run so far (a replayed graph's count each time). */
    public long launches() {
        return launches;
    }

    /** Bytes allocated and not freed. */
    public long allocated() {
        return memory.values().stream().mapToLong(Memory::size).sum();
    }

    @Override
    public long allocate(long bytes) {
        notRecording("allocate");
        Memory block = new Memory(Math.max(bytes, 4));
        block.clear();
        memory.put(Pointer.nativeValue(block), block);
        return Pointer.nativeValue(block);
    }

    @Override
    public void free(long address) {
        notRecording("free");
        Memory block = memory.remove(address);
        if (block == null) {
            throw new IllegalArgumentException("free of " + address + ", which is not allocated");
        }
        block.close();
    }

    @Override
    public long freeMemory() {
        return 64L << 30;
    }

    private Pointer at(long address, long bytes) {
        notRecording("copy");
        for (Memory block : memory.values()) {
            long start = Pointer.nativeValue(block);
            if (address >= start && address + bytes <= start + block.size()) {
                return new Pointer(address);
            }
        }
        throw new IllegalArgumentException("a copy of " + bytes + " bytes at " + address + " outside every allocation");
    }

    @Override
    public void upload(long address, float[] values) {
        at(address, 4L * values.length).write(0, values, 0, values.length);
    }

    @Override
    public void upload(long address, int[] values) {
        at(address, 4L * values.length).write(0, values, 0, values.length);
    }

    @Override
    public void upload(long address, double[] values) {
        at(address, 8L * values.length).write(0, values, 0, values.length);
    }

    @Override
    public float[] downloadFloats(long address, int count) {
        return at(address, 4L * count).getFloatArray(0, count);
    }

    @Override
    public double[] downloadDoubles(long address, int count) {
        return at(address, 8L * count).getDoubleArray(0, count);
    }

    @Override
    public void launch(String name, long items, Object... arguments) {
        run(() -> HostKernels.get().launch(name, arguments));
    }

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k, long a, int lda, long strideA, long b,
                     int ldb, long strideB, boolean accumulate, long c, int ldc, long strideC, int count) {
        run(() -> {
            for (int i = 0; i < count; i++) {
                openblas_nolapack.cblas_sgemm(COL_MAJOR, transposeA ? TRANS : NO_TRANS, transposeB ? TRANS : NO_TRANS,
                        m, n, k, 1f, floats(a + 4 * i * strideA), lda, floats(b + 4 * i * strideB), ldb,
                        accumulate ? 1f : 0f, floats(c + 4 * i * strideC), ldc);
            }
        });
    }

    /** A javacpp pointer at a raw address (what Products hands OpenBLAS for an ND4J array). */
    private static FloatPointer floats(long at) {
        // Inside the subclass, "address" names Pointer's field: the argument needs another name.
        return new FloatPointer() {
            {
                address = at;
            }
        };
    }

    private void run(Runnable work) {
        if (recording != null) {
            recording.add(work);
        } else {
            launches++;
            work.run();
        }
    }

    @Override
    public Graph capture(Runnable work) {
        if (recording != null) {
            throw new IllegalStateException("a capture inside a capture");
        }
        List<Runnable> recorded = new ArrayList<>();
        recording = recorded;
        try {
            work.run();
        } finally {
            recording = null;
        }
        graphs++;
        return new Graph() {
            @Override
            public void launch() {
                notRecording("launch a graph");
                for (Runnable r : recorded) {
                    launches++;
                    r.run();
                }
            }

            @Override
            public void close() {
                recorded.clear();
            }
        };
    }

    private void notRecording(String what) {
        if (recording != null) {
            throw new IllegalStateException("cannot " + what + " while a graph is being recorded");
        }
    }

    @Override
    public void close() {
        memory.values().forEach(Memory::close);
        memory.clear();
    }
}
