package org.sirensweep.cuda;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The cuBLAS calls the engine makes: single-precision products into column-major (f-order) matrices, one at a time or
 * strided-batched over a pack. A handle works on one stream with a workspace of its own (so that its products can be
 * captured into a CUDA graph and give the same bits every run), in plain float32 or with TF32 tensor cores.
 */
final class Cublas implements AutoCloseable {
    /** {@code CUBLAS_OP_N}, {@code CUBLAS_OP_T}. */
    private static final int NO_TRANS = 0;

    private static final int TRANS = 1;
    /** {@code CUBLAS_DEFAULT_MATH}: float32 products (TF32 only when asked for). */
    private static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}: products on tensor cores with TF32 inputs and float32 sums. */
    private static final int TF32_MATH = 3;
    /** The workspace cuBLAS gets on Hopper and later (NVIDIA's recommendation for graph capture). */
    static final long WORKSPACE_BYTES = 32L << 20;

    private final NativeLibrary library;
    private final Pointer handle;
    private final Memory one = floats(1f);
    private final Memory zero = floats(0f);

    /** A handle on {@code stream}, with {@code workspace} ({@link #WORKSPACE_BYTES} of device memory) as its own. */
    Cublas(NativeLibrary library, Pointer stream, long workspace, boolean tf32) {
        this.library = library;
        PointerByReference created = new PointerByReference();
        check("cublasCreate_v2", created);
        handle = created.getValue();
        try {
            check("cublasSetStream_v2", handle, stream);
            check("cublasSetWorkspace_v2", handle, workspace, WORKSPACE_BYTES);
            check("cublasSetMathMode", handle, tf32 ? TF32_MATH : DEFAULT_MATH);
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException destroy) {
                e.addSuppressed(destroy);
            }
            throw e;
        }
    }

    /**
     * {@code c = op(a) op(b) + beta c} for {@code count} triples of matrices, the i-th at {@code a + i strideA} and so
     * on (strides in elements; one call whatever the count). m × n is c's shape, k the inner dimension; lda, ldb, ldc
     * the column strides.
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
            int count) {
        int ta = transposeA ? TRANS : NO_TRANS;
        int tb = transposeB ? TRANS : NO_TRANS;
        Memory beta = accumulate ? one : zero;
        if (count == 1) {
            check("cublasSgemm_v2", handle, ta, tb, m, n, k, one, a, lda, b, ldb, beta, c, ldc);
        } else {
            check(
                    "cublasSgemmStridedBatched",
                    handle,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    one,
                    a,
                    lda,
                    strideA,
                    b,
                    ldb,
                    strideB,
                    beta,
                    c,
                    ldc,
                    strideC,
                    count);
        }
    }

    @Override
    public void close() {
        check("cublasDestroy_v2", handle);
    }

    private static Memory floats(float value) {
        Memory memory = new Memory(4);
        memory.setFloat(0, value);
        return memory;
    }

    private void check(String name, Object... arguments) {
        int status = library.getFunction(name).invokeInt(arguments);
        if (status != 0) {
            Pointer text = library.getFunction("cublasGetStatusString").invokePointer(new Object[] {status});
            throw new CudaException(
                    name + " failed: " + (text == null ? "cuBLAS status " + status : text.getString(0)));
        }
    }
}
