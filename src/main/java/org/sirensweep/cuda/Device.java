package org.sirensweep.cuda;

/**
 * One GPU as the engine uses it: device memory (addresses as {@code long}s, allocations zeroed), copies to and from
 * the host, the engine's kernels ({@code kernels.cu}), single-precision products, and work recorded once as a
 * {@link Graph} and replayed. Work runs in order on one stream; copies to the host wait for it. {@link CudaDevice}
 * is a GPU through CUDA; the tests run it over a stand-in CUDA that runs the same kernels and products on the CPU.
 */
public interface Device extends AutoCloseable {
    /** A name for reports, e.g. {@code NVIDIA H200 (sm_90, PCI 0000:19:00.0)}. */
    String describe();

    /** {@code bytes} of device memory, zeroed. */
    long allocate(long bytes);

    void free(long address);

    /** Bytes free on the device now. */
    long freeMemory();

    void upload(long address, float[] values);

    void upload(long address, int[] values);

    void upload(long address, double[] values);

    /** {@code count} floats from {@code address}, after all work before this call. */
    float[] downloadFloats(long address, int count);

    double[] downloadDoubles(long address, int count);

    /**
     * Runs kernel {@code name} over {@code items} independent items (its grid-stride loop's count) with {@code
     * arguments}: {@link Long} for {@code long long} and for pointers, {@link Integer}, {@link Float}, {@link Double}.
     */
    void launch(String name, long items, Object... arguments);

    /**
     * {@code c_i = op(a_i) op(b_i) (+ c_i if accumulate)} for {@code count} triples of column-major float matrices, the
     * i-th at {@code a + i · strideA} and so on (strides in elements): {@code m × n} results, inner dimension k, column
     * strides lda, ldb, ldc. One product per triple, or one batched call.
     */
    void gemm(
            boolean transposeA,
            boolean transposeB,
            int m,
            int n,
            int k,
            long a,
            int lda,
            long strideA,
            long b,
            int ldb,
            long strideB,
            boolean accumulate,
            long c,
            int ldc,
            long strideC,
            int count);

    /**
     * Records what {@code work} launches (kernels and products, no copies) as a graph, without running it; a device
     * without graphs returns one that runs {@code work} again at each launch. Run the work once unrecorded first:
     * libraries load their code and pick their algorithms at a first call, which a recording may not allow.
     */
    Graph capture(Runnable work);

    /** Work recorded once and replayed as a whole: a training step's hundreds of launches for the cost of one. */
    interface Graph extends AutoCloseable {
        /** Runs the recorded work once more, in order after everything before. */
        void launch();

        @Override
        void close();
    }

    @Override
    void close();
}
