package org.sirensweep.train;

import org.bytedeco.javacpp.Pointer;
import org.sirensweep.cuda.Device;

/**
 * A training whose buffers would not fit in the memory left for ND4J, refused before they are allocated (ND4J's
 * own allocator would otherwise grow until the process is killed, minutes in).
 */
public final class InsufficientMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsufficientMemoryException(String message) {
        super(message);
    }

    /**
     * Throws unless {@code bytes} more fit: under the machine's available physical memory and under javacpp's
     * limit ({@code org.bytedeco.javacpp.maxPhysicalBytes}) minus what the process already uses.
     */
    static void ensureFits(long bytes, String what) {
        long available = Pointer.availablePhysicalBytes();
        long limit =
                Pointer.maxPhysicalBytes() > 0 ? Pointer.maxPhysicalBytes() - Pointer.physicalBytes() : Long.MAX_VALUE;
        long room = Math.min(available > 0 ? available : Long.MAX_VALUE, limit);
        if (bytes > room) {
            throw new InsufficientMemoryException(what + " needs " + gigabytes(bytes) + " of buffers but only "
                    + gigabytes(Math.max(room, 0))
                    + " are free (physical memory, org.bytedeco.javacpp.maxPhysicalBytes);"
                    + " use a smaller batch_size or width, or raise -Dorg.bytedeco.javacpp.maxPhysicalBytes (the"
                    + " launcher takes JVM options from SIREN_SWEEP_JAVA_OPTS)");
        }
    }

    /** Throws unless {@code bytes} more fit in {@code gpu}'s free memory. */
    static void ensureFitsDevice(Device gpu, long bytes, String what) {
        long free = gpu.freeMemory();
        if (bytes > free) {
            throw new InsufficientMemoryException(what + " needs " + gigabytes(bytes) + " of GPU memory but only "
                    + gigabytes(free) + " are free on " + gpu.describe() + "; use a smaller batch_size, width or pack");
        }
    }

    private static String gigabytes(long bytes) {
        return String.format("%.2f GB", bytes / 1e9);
    }
}
