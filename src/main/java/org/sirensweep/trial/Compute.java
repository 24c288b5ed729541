package org.sirensweep.trial;

import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.Device;

/**
 * Where the engine computes: the CPU threads a training may use, and the node's GPUs through its own CUDA install
 * ({@link CudaDevice}). Schedulers (the Spark tasks, {@code train --gpu}) call these before {@link TrialRunner}.
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

    /** GPUs this node's CUDA sees; 0 where there is no usable CUDA (no driver, no GPU, no NVRTC or cuBLAS). */
    public static int gpuCount() {
        return CudaDevice.count();
    }

    /**
     * GPU {@code ordinal} of this node (PCI bus order, as nvidia-smi and Spark's discovery script number them),
     * opened for one training or pack; close it after. A node where CUDA cannot be used throws a {@link
     * org.sirensweep.cuda.CudaUnavailableException} whose one-line message says what is missing.
     */
    public static Device openGpu(int ordinal) {
        return CudaDevice.open(ordinal, false);
    }

    /** How a trial's row names where it computed: {@code cpu}, or {@code cuda:N} for GPU N. */
    public static String deviceName(Device gpu) {
        return gpu instanceof CudaDevice cuda ? "cuda:" + cuda.ordinal() : gpu == null ? "cpu" : gpu.describe();
    }
}
