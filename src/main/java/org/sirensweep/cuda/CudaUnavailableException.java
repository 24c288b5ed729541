package org.sirensweep.cuda;

/**
 * CUDA cannot be used on this node: a library is missing, the driver refused, or no GPU is there. The message is one
 * line that names what is missing and how to fix it.
 */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String message) {
        super(message);
    }
}
