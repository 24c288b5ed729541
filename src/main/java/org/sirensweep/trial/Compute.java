package org.sirensweep.trial;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.Device;

/**
 * Where the engine computes: the CPU threads a training may use, and the node's GPUs through its own CUDA install
 * ({@link CudaDevice}). Schedulers (the Spark tasks, {@code train --gpu}) call these before {@link TrialEngine}.
 */
public final class Compute {
    private Compute() {}

    /** Limits ND4J's and the BLAS library's threads. Both are process-wide, so every task of a process passes the same n. */
    public static void limitThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /**
     * Loads the CPU engine (ND4J's backend and its BLAS) on a daemon thread and returns at
     * once: local mode's tasks are threads of this process, so the first finds it loaded instead of waiting most of a
     * second, which Spark's own start on the other core covers. A failure is left for the task to meet and report.
     */
    public static void loadInBackground() {
        Thread loader = new Thread(
                () -> {
                    try {
                        Nd4j.getEnvironment();
                    } catch (RuntimeException | LinkageError e) {
                        // the first task loads it again and fails with the cause in its row
                    }
                },
                "siren-sweep engine loader");
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * The GPUs this process can use, by their numbers on the node (nvidia-smi's, which Spark's discovery script
     * prints); none where there is no usable CUDA (no driver, no GPU, no NVRTC or cuBLAS).
     */
    public static List<Integer> gpus() {
        return CudaDevice.gpus();
    }

    /**
     * GPU {@code gpu} of this node (nvidia-smi's number), opened for one training or pack, with CUDA graphs unless
     * the environment turns them off ({@value CudaDevice#GRAPHS_VARIABLE}); close it after. A node where CUDA cannot
     * be used, or that GPU, throws a {@link org.sirensweep.cuda.CudaUnavailableException} whose one-line message
     * says why.
     */
    public static Device openGpu(int gpu) {
        return CudaDevice.open(gpu, false, CudaDevice.graphsFromEnvironment());
    }

    /** How a trial's row names where it computed: {@code cpu}, or {@code cuda:N} for GPU N. */
    public static String deviceName(Device gpu) {
        return gpu instanceof CudaDevice cuda ? "cuda:" + cuda.gpu() : gpu == null ? "cpu" : gpu.describe();
    }
}
