package org.sirensweep.spark;

import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;

/**
 * Which GPU a task trains on. On a cluster, Spark assigns it (with {@code spark.task.resource.gpu.amount=1}) and the
 * task reads it from its resources; the addresses are the GPUs' numbers that the discovery script printed
 * (nvidia-smi's indices, which {@code Compute.openGpu} takes whatever {@code CUDA_VISIBLE_DEVICES} says).
 */
final class GpuAssignment {
    static final String GPU = "gpu";

    private GpuAssignment() {}

    /** The GPU number Spark assigned, from a task's resources; empty when the task was given no GPU. */
    static OptionalInt fromResources(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources.get(GPU);
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        // A trial trains on one device; with gpu.amount > 1 per task the extra devices would sit idle.
        String address = gpu.addresses()[0].trim();
        try {
            int device = Integer.parseInt(address);
            if (device < 0) {
                throw new NumberFormatException();
            }
            return OptionalInt.of(device);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + address + "' is not a GPU number; the discovery "
                    + "script must print nvidia-smi's indices such as \"0\", \"1\"");
        }
    }
}
