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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.FakeCuda;

/**
 * The GPU check: its committed CPU references hold every case and agree early between two OpenBLAS kernels; and
 * every GPU phase, run at small sizes on the stand-in CUDA against references recorded the same way, prints its
 * measurements as JSON lines and passes (the stand-in gives the CPU engine's bits), tells a GPU whose products round
 * otherwise within tolerance, and fails a reference it does not match.
 */
class GpuCheckTest {
    @TempDir
    static Path kitFolder;

    private static GpuCheck.Kit kit;

    @BeforeAll
    static void recordTheReferences() throws Exception {
        kit = new GpuCheck.Kit(kitFolder);
        Files.createDirectories(kit.image().getParent());
        Files.copy(Path.of("data/camera.png"), kit.image());
        Files.createDirectories(kit.losses(GpuCheck.SMALL).getParent());
        assertEquals(0, GpuCheck.run("record", kit, GpuCheck.SMALL, Map.of(), null, System.out));
        assertEquals(0, GpuCheck.run("record-trial", kit, GpuCheck.SMALL, Map.of(), null, System.out));
    }

    @AfterEach
    void resetTheNode() {
        FakeCuda.reset();
        assertEquals(0, FakeCuda.liveObjects(), "every device the check opened is closed");
    }

    @Test
    void theRecordedReferencesHoldEveryCaseAndAgreeEarly() throws Exception {
        Map<String, Map<Integer, Double>> skylake =
                GpuCheck.reference(Files.readString(Path.of("benchmarks/gpu-reference.json")));
        Map<String, Map<Integer, Double>> haswell =
                GpuCheck.reference(Files.readString(Path.of("benchmarks/gpu-reference-haswell.json")));
        assertEquals(List.of("vanilla", "gradient", "laplacian"), List.copyOf(skylake.keySet()));
        for (String supervision : skylake.keySet()) {
            Map<Integer, Double> a = skylake.get(supervision);
            assertEquals(
                    List.of(1, 2, 5, 10, 20, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500),
                    List.copyOf(a.keySet()),
                    supervision);
            for (int epoch : a.keySet()) {
                double difference =
                        Math.abs(a.get(epoch) - haswell.get(supervision).get(epoch)) / a.get(epoch);
                if (epoch <= GpuCheck.EARLY_EPOCHS) {
                    assertTrue(difference < 1e-5, supervision + " at epoch " + epoch + ": " + difference);
                }
            }
        }
    }

    @Test
    void everyPhaseRunsAtSmallSizesOnTheStandInAndPasses() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String phase : List.of("correctness", "trial", "speed", "packs")) {
            assertEquals(0, run(phase, lines), phase);
        }
        assertEquals(
                List.of(
                        "correctness",
                        "correctness",
                        "correctness",
                        "correctness",
                        "correctness",
                        "correctness",
                        "trial",
                        "speed",
                        "speed",
                        "speed",
                        "speed",
                        "speed",
                        "speed",
                        "pack",
                        "pack",
                        "pack",
                        "pack",
                        "pack",
                        "pack"),
                lines.stream().map(l -> l.get("case").asText()).toList());
        for (JsonNode line : lines) {
            switch (line.get("case").asText()) {
                case "correctness" -> {
                    assertTrue(line.get("pass").asBoolean(), line.toString());
                    assertEquals(0, line.get("max_difference").asDouble(), 1e-12, line.toString());
                    assertEquals(List.of(1, 2, 5, 6), epochs(line), "the early epochs and the end");
                    if (!line.get("graphs").asBoolean()) {
                        assertTrue(line.get("same_as_graphs").asBoolean(), "graphs or not, the same bits");
                    }
                }
                case "trial" -> {
                    assertTrue(line.get("pass").asBoolean(), line.toString());
                    assertEquals(0, line.get("values_max_difference").asDouble(), line.toString());
                    assertEquals("cuda:0", line.get("device").asText());
                    assertEquals(
                            1 + 5 + 6,
                            line.get("pictures").size(),
                            "the target; value, its two fits, gradient "
                                    + "and Laplacian at each size; the bicubic upscale: " + line);
                }
                default -> assertTrue(line.get("ms_per_step").asDouble() > 0, line.toString());
            }
        }
    }

    @Test
    void productsThatRoundOtherwisePassWithinToleranceAndAWrongReferenceFails() throws Exception {
        FakeCuda.reset();
        FakeCuda.ownProducts(); // a plain loop instead of OpenBLAS: another rounding, as a GPU's
        List<JsonNode> lines = new ArrayList<>();
        assertEquals(0, run("correctness", lines));
        assertEquals(0, run("trial", lines));
        assertTrue(lines.get(4).get("max_difference").asDouble() > 0, "the check sees the other rounding");
        assertTrue(
                lines.get(6).get("values_max_difference").asDouble() > 0,
                lines.get(6).toString());

        Path wrong = kit.losses(GpuCheck.SMALL);
        String recorded = Files.readString(wrong);
        try {
            Files.writeString(wrong, recorded.replaceAll("\"1\": ([0-9])", "\"1\": 9$1"));
            lines.clear();
            assertEquals(1, run("correctness", lines), "a loss far from the reference fails the phase");
            assertEquals(false, lines.get(0).get("pass").asBoolean());
        } finally {
            Files.writeString(wrong, recorded);
        }
    }

    private static int run(String phase, List<JsonNode> lines) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = GpuCheck.run(
                phase,
                kit,
                GpuCheck.SMALL,
                Map.of(),
                (tf32, graphs) -> open(graphs),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        return status;
    }

    /** GPU 0 of the stand-in node as it is (no reset: a test may have set its products). */
    private static CudaDevice open(boolean graphs) {
        return FakeCuda.openAsIs(graphs);
    }

    private static List<Integer> epochs(JsonNode correctness) {
        List<Integer> epochs = new ArrayList<>();
        correctness
                .get("epoch_cpu_cpu2_gpu")
                .forEach(row -> epochs.add(row.get(0).asInt()));
        return epochs;
    }
}
