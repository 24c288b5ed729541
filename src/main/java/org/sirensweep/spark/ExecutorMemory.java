package org.sirensweep.spark;

import java.lang.management.ManagementFactory;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.bytedeco.javacpp.Pointer;

/**
 * How much memory one executor can give a trial, for refusing before Spark starts a trial that could never fit. In
 * local mode the executor is this process: the machine's physical memory, capped by javacpp's limit on ND4J's
 * off-heap buffers ({@code org.bytedeco.javacpp.maxPhysicalBytes}). On a cluster, what the job's configuration gives
 * an executor ({@code spark.executor.memory} and its overhead, Spark's default overhead if unset) shared by the
 * tasks it runs at once ({@code spark.executor.cores / spark.task.cpus}, one if the cores are not set); a limit the
 * user gives ({@code --max-trial-memory}) wins over both.
 *
 * @param bytes  the limit ({@code Long.MAX_VALUE}: none)
 * @param source where the figure comes from, for error messages
 */
public record ExecutorMemory(long bytes, String source) {
    /** Spark's default executor memory overhead: 10 % of the executor memory, at least 384 MiB. */
    private static final double OVERHEAD_FACTOR = 0.10;

    private static final long MIN_OVERHEAD = 384L << 20;

    /** The limit for a run on {@code master} (null: spark-submit's or local mode), or the user's {@code given}. */
    public static ExecutorMemory forRun(String master, String given) {
        if (given != null) {
            return new ExecutorMemory(parse(given), "--max-trial-memory " + given);
        }
        String effective = master != null ? master : System.getProperty("spark.master", "local");
        if (!effective.startsWith("local")) {
            return forCluster(new SparkConf());
        }
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long javacpp = Pointer.maxPhysicalBytes();
        if (javacpp > 0 && javacpp < physical) {
            return new ExecutorMemory(javacpp, "local mode: org.bytedeco.javacpp.maxPhysicalBytes");
        }
        return new ExecutorMemory(physical, "local mode: this machine's physical memory");
    }

    /** What an executor of a cluster job configured by {@code conf} gives each of its concurrent tasks. */
    static ExecutorMemory forCluster(SparkConf conf) {
        String memory = conf.get("spark.executor.memory", "1g");
        long heap = mebibytesByDefault(memory);
        String overheadSetting = conf.get("spark.executor.memoryOverhead", null);
        long overhead = overheadSetting != null
                ? mebibytesByDefault(overheadSetting)
                : Math.max(MIN_OVERHEAD, (long) (OVERHEAD_FACTOR * heap));
        int tasks =
                Math.max(1, conf.getInt("spark.executor.cores", 1) / Math.max(1, conf.getInt("spark.task.cpus", 1)));
        return new ExecutorMemory(
                (heap + overhead) / tasks,
                "spark.executor.memory " + memory + " + memoryOverhead "
                        + (overheadSetting != null ? overheadSetting : (overhead >> 20) + "m")
                        + (tasks == 1 ? "" : ", shared by " + tasks + " tasks at once")
                        + ", which the job's configuration can raise");
    }

    /** A Spark executor memory setting in bytes: a size ({@code 2g}), or a plain number of MiB as Spark reads it. */
    private static long mebibytesByDefault(String setting) {
        String trimmed = setting.trim();
        return trimmed.chars().allMatch(Character::isDigit) ? parse(trimmed + "m") : parse(trimmed);
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
