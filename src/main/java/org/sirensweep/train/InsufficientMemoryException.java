package org.sirensweep.train;

import org.bytedeco.javacpp.Pointer;

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
        long limit = Pointer.maxPhysicalBytes() > 0 ? Pointer.maxPhysicalBytes() - Pointer.physicalBytes() : Long.MAX_VALUE;
        long room = Math.min(available > 0 ? available : Long.MAX_VALUE, limit);
        if (bytes > room) {
            throw new InsufficientMemoryException(what + " needs " + gigabytes(bytes) + " of buffers but only "
                    + gigabytes(Math.max(room, 0)) + " are free (physical memory, org.bytedeco.javacpp.maxPhysicalBytes);"
                    + " use a smaller batch_size or width, or raise -Dorg.bytedeco.javacpp.maxPhysicalBytes (the"
                    + " launcher takes JVM options from SIREN_SWEEP_JAVA_OPTS)");
        }
    }

    private static String gigabytes(long bytes) {
        return String.format("%.2f GB", bytes / 1e9);
    }
}
