package org.sirensweep.spark;

import java.lang.management.ManagementFactory;
import org.apache.spark.network.util.JavaUtils;
import org.bytedeco.javacpp.Pointer;

/**
 * How much memory one executor can give a trial, for refusing before Spark starts a trial that could never fit. In
 * local mode the executor is this process: the machine's physical memory, capped by javacpp's limit on ND4J's
 * off-heap buffers ({@code org.bytedeco.javacpp.maxPhysicalBytes}). On a cluster this process cannot know the
 * executors' machines, so only a limit the user gives ({@code --max-trial-memory}) applies.
 *
 * @param bytes  the limit ({@code Long.MAX_VALUE}: none)
 * @param source where the figure comes from, for error messages
 */
public record ExecutorMemory(long bytes, String source) {

    /** The limit for a run on {@code master} (null: spark-submit's or local mode), or the user's {@code given}. */
    public static ExecutorMemory forRun(String master, String given) {
        if (given != null) {
            return new ExecutorMemory(parse(given), "--max-trial-memory " + given);
        }
        String effective = master != null ? master : System.getProperty("spark.master", "local");
        if (!effective.startsWith("local")) {
            return new ExecutorMemory(Long.MAX_VALUE, "not checked on a cluster without --max-trial-memory");
        }
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long javacpp = Pointer.maxPhysicalBytes();
        if (javacpp > 0 && javacpp < physical) {
            return new ExecutorMemory(javacpp, "local mode: org.bytedeco.javacpp.maxPhysicalBytes");
        }
        return new ExecutorMemory(physical, "local mode: this machine's physical memory");
    }

    /** Spark's size notation: {@code 16g}, {@code 512m}, {@code 2t} (binary units), or plain bytes. */
    public static long parse(String size) {
        try {
            long bytes = JavaUtils.byteStringAsBytes(size.trim());
            if (bytes <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            return bytes;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + size + "' is not a memory size like 16g, 512m or 2t");
        }
    }
}
