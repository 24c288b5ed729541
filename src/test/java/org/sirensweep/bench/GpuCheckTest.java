package org.sirensweep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's recorded CPU losses, as committed: every supervision, the early epochs and every 50th, read back
 * by the check's parser; and the two OpenBLAS kernels' curves agree to 1e-5 over the first 50 epochs, so the
 * check's tolerance there ({@value GpuCheck#EARLY_TOLERANCE}) leaves a GPU's other rounding room and no more.
 */
class GpuCheckTest {
    @Test
    void theRecordedReferencesHoldEveryCaseAndAgreeEarly() throws Exception {
        Map<String, Map<Integer, Double>> skylake = GpuCheck.reference(Files.readString(
                Path.of("benchmarks/gpu-reference.json")));
        Map<String, Map<Integer, Double>> haswell = GpuCheck.reference(Files.readString(
                Path.of("benchmarks/gpu-reference-haswell.json")));
        assertEquals(List.of("vanilla", "gradient", "laplacian"), List.copyOf(skylake.keySet()));
        for (String supervision : skylake.keySet()) {
            Map<Integer, Double> a = skylake.get(supervision);
            assertEquals(List.of(1, 2, 5, 10, 20, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500),
                    List.copyOf(a.keySet()), supervision);
            for (int epoch : a.keySet()) {
                double difference = Math.abs(a.get(epoch) - haswell.get(supervision).get(epoch)) / a.get(epoch);
                if (epoch <= GpuCheck.EARLY_EPOCHS) {
                    assertTrue(difference < 1e-5, supervision + " at epoch " + epoch + ": " + difference);
                }
            }
        }
    }
}
