package org.sirensweep.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory of a workspace matrix as one block of floats, for the passes that read and write it directly ({@link
 * VectorSineActivation}, {@link ScalarSineActivation}, {@link VectorStreamArithmetic}) instead of through ND4J ops.
 */
final class FloatBlocks {
    private FloatBlocks() {}

    /**
     * The memory of a contiguous f-order float block whose byte offsets fit a {@link ByteBuffer} index, in native
     * order, or null for any other array. A view's NIO buffer is its whole underlying memory, so its elements start
     * at {@code offset()} there (a pack's per-trial blocks are such views).
     */
    static ByteBuffer of(INDArray a) {
        if (a.dataType() != DataType.FLOAT
                || a.rank() != 2
                || a.ordering() != 'f'
                || a.stride(0) != 1
                || a.stride(1) != a.rows()
                || (a.offset() + a.length()) * Float.BYTES > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer memory = a.data().asNio();
        return memory.capacity() >= (a.offset() + a.length()) * Float.BYTES
                ? memory.order(ByteOrder.nativeOrder())
                : null;
    }
}
