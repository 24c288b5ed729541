package org.sirensweep.trial;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the engine computes: the CPU threads a training may use and, on the CUDA backend, the GPU the calling thread
 * works on. Schedulers (the Spark tasks) call these before {@link TrialRunner#run}.
 */
public final class Compute {
    private Compute() {
    }

    /** Limits ND4J's and the BLAS library's threads. Both are process-wide, so every task of a process passes the same n. */
    public static void limitThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** True when ND4J runs on the CUDA backend (the {@code cuda} build profile). */
    public static boolean isCuda() {
        return Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).contains("cuda");
    }

    /** GPUs ND4J sees; 0 on the CPU backend. */
    public static int gpuCount() {
        return isCuda() ? Nd4j.getAffinityManager().getNumberOfDevices() : 0;
    }

    /** Attaches the calling thread to GPU {@code device}: its arrays are allocated and computed there. */
    public static void useGpu(int device) {
        if (!isCuda()) {
            throw new IllegalStateException("GPU " + device + " was assigned, but this build has ND4J's CPU backend "
                    + "(build with -Pcuda, or set spark.sirensweep.cpuWithGpus=true to train on the CPU)");
        }
        Nd4j.getAffinityManager().unsafeSetDevice(device);
    }

    /** The device this thread computes on, e.g. {@code cpu} or {@code cuda:1}. */
    public static String currentDevice() {
        return isCuda() ? "cuda:" + Nd4j.getAffinityManager().getDeviceForCurrentThread() : "cpu";
    }
}
