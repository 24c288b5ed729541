package org.sirensweep.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the operating system and the JVM see it: resident set (now and peak, from
 * {@code /proc/self/status}; -1 where that does not exist) and heap in use at its peak. ND4J's CPU backend allocates
 * its buffers in native code that neither JavaCPP nor ND4J's allocation tracker counts, so the off-heap share is the
 * resident set less the heap (see {@code Workspace#bytesNeeded} for what a training's own buffers take).
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Resident set size in bytes, or -1. */
    public static long residentBytes() {
        return statusBytes("VmRSS:");
    }

    /** Peak resident set size in bytes since the start or the last {@link #resetPeaks}, or -1. */
    public static long peakResidentBytes() {
        return statusBytes("VmHWM:");
    }

    /** Peak heap use (sum over the heap pools) since the start or the last {@link #resetPeaks}. */
    public static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Starts the peaks afresh: heap pools, and the kernel's peak RSS ("5" to clear_refs; ignored where refused). */
    public static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not Linux, or not allowed: the peak RSS then covers the whole process so far.
        }
    }

    private static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
