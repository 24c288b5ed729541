package org.sirensweep.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products into f-order arrays: {@code c = alpha · op(a) · op(b) + beta · c}, as {@code Nd4j.gemm}. On the CPU
 * backend they call OpenBLAS's {@code cblas_sgemm}/{@code cblas_dgemm} directly, the routine ND4J's gemm ends in:
 * ND4J's op machinery costs about 12 µs a call here (2 cores, AMD EPYC), more than the product itself at the sizes
 * of small batches (a 64×64×64 product takes 7 µs), and a step makes a dozen or more products per network. Arrays
 * that are not column-major, or a backend without the OpenBLAS binding, go through {@code Nd4j.gemm}.
 */
public final class Products {
    private static final int COL_MAJOR = 102;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final MethodHandle SGEMM = handle("cblas_sgemm", float.class, FloatPointer.class);
    private static final MethodHandle DGEMM = handle("cblas_dgemm", double.class, DoublePointer.class);

    private Products() {}

    /** OpenBLAS's gemm for one precision, or null where the CPU backend's binding is not on the class path. */
    private static MethodHandle handle(String name, Class<?> scalar, Class<?> pointer) {
        try {
            Class<?> openblas = Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
            if (!Nd4j.getBackend()
                    .getClass()
                    .getSimpleName()
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("cpu")) {
                return null;
            }
            MethodType type = MethodType.methodType(
                    void.class,
                    int.class,
                    int.class,
                    int.class,
                    int.class,
                    int.class,
                    int.class,
                    scalar,
                    pointer,
                    int.class,
                    pointer,
                    int.class,
                    scalar,
                    pointer,
                    int.class);
            return MethodHandles.publicLookup().findStatic(openblas, name, type);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Whether products of {@code type} go to OpenBLAS directly in this process (the CPU backend). */
    static boolean direct(DataType type) {
        return (type == DataType.FLOAT ? SGEMM : type == DataType.DOUBLE ? DGEMM : null) != null;
    }

    /** {@code c = alpha · op(a) · op(b) + beta · c}, op transposing when asked. */
    public static void gemm(
            INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        DataType type = c.dataType();
        MethodHandle direct = type == DataType.FLOAT ? SGEMM : type == DataType.DOUBLE ? DGEMM : null;
        if (direct == null
                || a.dataType() != type
                || b.dataType() != type
                || !columnMajor(a)
                || !columnMajor(b)
                || !columnMajor(c)) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
            return;
        }
        int m = (int) c.rows();
        int n = (int) c.columns();
        int k = (int) (transposeA ? a.rows() : a.columns());
        if ((transposeA ? a.columns() : a.rows()) != m
                || (transposeB ? b.rows() : b.columns()) != n
                || (transposeB ? b.columns() : b.rows()) != k) {
            throw new IllegalArgumentException(
                    "shapes " + java.util.Arrays.toString(a.shape()) + (transposeA ? "ᵀ" : "")
                            + " × " + java.util.Arrays.toString(b.shape()) + (transposeB ? "ᵀ" : "") + " into "
                            + java.util.Arrays.toString(c.shape()));
        }
        int ta = transposeA ? TRANS : NO_TRANS;
        int tb = transposeB ? TRANS : NO_TRANS;
        try {
            if (type == DataType.FLOAT) {
                SGEMM.invokeExact(
                        COL_MAJOR,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        (float) alpha,
                        new FloatPointer(a.data().addressPointer()),
                        leading(a),
                        new FloatPointer(b.data().addressPointer()),
                        leading(b),
                        (float) beta,
                        new FloatPointer(c.data().addressPointer()),
                        leading(c));
            } else {
                DGEMM.invokeExact(
                        COL_MAJOR,
                        ta,
                        tb,
                        m,
                        n,
                        k,
                        alpha,
                        new DoublePointer(a.data().addressPointer()),
                        leading(a),
                        new DoublePointer(b.data().addressPointer()),
                        leading(b),
                        beta,
                        new DoublePointer(c.data().addressPointer()),
                        leading(c));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenBLAS gemm failed", e); // it declares no checked exception
        }
    }

    /** A rank-2 array whose columns are contiguous (f-order, possibly a view with a larger column stride). */
    private static boolean columnMajor(INDArray x) {
        return x.rank() == 2
                && x.stride(0) == 1
                && x.stride(1) >= Math.max(1, x.rows())
                && x.rows() <= Integer.MAX_VALUE
                && x.columns() <= Integer.MAX_VALUE;
    }

    /** The leading dimension: the distance between columns. */
    private static int leading(INDArray x) {
        return (int) Math.max(1, x.stride(1));
    }
}
