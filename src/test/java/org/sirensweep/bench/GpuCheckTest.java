package org.sirensweep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.FakeCuda;

/**
 * The GPU check: its committed CPU references hold every case and agree early between two OpenBLAS kernels; and the
 * whole check, run at small sizes on the stand-in device against references recorded the same way, prints every
 * measurement as a JSON line, its correctness cases passing (the stand-in gives the CPU engine's bits).
 */
class GpuCheckTest {
    private static final Path CAMERA = Path.of("data/camera.png");

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

    @Test
    void theWholeCheckRunsAtSmallSizesOnTheStandInDevice() throws Exception {
        GpuCheck.Cases small = new GpuCheck.Cases(12, 8, 6, 16, 8, 4, 2, List.of(1, 3), 48, 2);
        Map<String, Map<Integer, Double>> reference = GpuCheck.reference(GpuCheck.recordOnCpu(CAMERA, small));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<CudaDevice> devices = new ArrayList<>();
        GpuCheck.check(CAMERA, reference, reference, small, tf32 -> {
            CudaDevice device = FakeCuda.open();
            devices.add(device);
            return device;
        }, new PrintStream(printed, true, StandardCharsets.UTF_8));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertEquals(3, devices.size(), "float32, TF32, then float32 for the packs");
        assertEquals(List.of("device", "correctness", "correctness", "correctness", "speed", "speed", "speed", "speed",
                "speed", "speed", "pack", "pack", "pack", "pack", "pack", "pack"),
                lines.stream().map(l -> l.get("case").asText()).toList());
        for (JsonNode line : lines) {
            if (line.get("case").asText().equals("correctness")) {
                assertTrue(line.get("pass").asBoolean(), line.toString());
                assertEquals(0, line.get("max_difference").asDouble(), 1e-12, line.toString());
                assertEquals(List.of(1, 2, 5, 6), epochs(line), "the early epochs and the end");
            } else if (!line.get("case").asText().equals("device")) {
                assertTrue(line.get("ms_per_step").asDouble() > 0, line.toString());
            }
        }
    }

    private static List<Integer> epochs(JsonNode correctness) {
        List<Integer> epochs = new ArrayList<>();
        correctness.get("epoch_cpu_cpu2_gpu").forEach(row -> epochs.add(row.get(0).asInt()));
        return epochs;
    }
}
