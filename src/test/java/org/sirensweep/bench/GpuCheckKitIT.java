package org.sirensweep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.cuda.FakeCuda;

/**
 * The GPU check's kit as it travels to a GPU machine (assembled from the packaged jar by {@code gpu-check.sh
 * assemble}, then copied alone into an empty folder): on this machine without CUDA it runs every phase to the end
 * well within two minutes, each saying in one line why it cannot run (the Java ones name {@code libcuda.so.1}),
 * without a stack trace, and writes its few files; and over the stand-in CUDA, at small sizes, every siren-sweep
 * phase passes, the whole trial included, with only the jars the kit carries (no ND4J natives, no Spark).
 */
class GpuCheckKitIT {
    @TempDir
    static Path work;

    private static Path kit;

    @BeforeAll
    static void assembleAndCopyTheKit() throws Exception {
        Result assembled = run(List.of("bash", "benchmarks/gpu-check.sh", "assemble"), Path.of("."), Map.of(), 300);
        assertEquals(0, assembled.code, assembled.output);
        kit = work.resolve("kit");
        copy(Path.of("target/gpu-check"), kit);
    }

    @Test
    void withoutCudaEveryPhaseSaysWhyInOneLineAndTheRunEnds() throws Exception {
        Path out = work.resolve("out-no-cuda");
        long start = System.nanoTime();
        Result result = run(
                List.of("bash", kit.resolve("gpu-check.sh").toString(), "run"),
                work,
                Map.of("OUT", out.toString()),
                120);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 120, seconds + " s");
        assertEquals(1, result.code, "a check that could not run is not a pass:\n" + result.output);
        Map<String, JsonNode> phases = phases(out);
        assertEquals(
                List.of("libraries", "correctness", "trial", "speed", "jax-speed", "packs", "jax-packs"),
                List.copyOf(phases.keySet()));
        for (Map.Entry<String, JsonNode> phase : phases.entrySet()) {
            assertEquals("cannot run", phase.getValue().get("status").asText(), phase.toString());
            if (!phase.getKey().startsWith("jax")) {
                assertTrue(phase.getValue().get("detail").asText().contains("libcuda.so.1"), phase.toString());
            }
            assertTrue(result.output.contains("phase " + phase.getKey() + ": cannot run"), result.output);
        }
        assertFalse(result.output.contains("Exception"), result.output);
        assertFalse(result.output.contains("\tat "), result.output);
        assertTrue(result.output.contains("speed (256², width 256, depth 3, full batch): ms per step"), "the table");
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.filter(Files::isRegularFile).count() <= 8);
        }
    }

    @Test
    void overTheStandInCudaEverySirenSweepPhasePasses() throws Exception {
        Path out = work.resolve("out-stand-in");
        Result result = run(
                List.of("bash", kit.resolve("gpu-check.sh").toString(), "run"),
                work,
                Map.of(
                        "OUT",
                        out.toString(),
                        "GPU_CHECK_CASES",
                        "small",
                        "SIREN_SWEEP_CUDA_LIBS",
                        FakeCuda.folderForIt()),
                120);
        Map<String, JsonNode> phases = phases(out);
        for (String phase : List.of("libraries", "correctness", "trial", "speed", "packs")) {
            assertEquals("ok", phases.get(phase).get("status").asText(), phase + ":\n" + result.output);
        }
        for (String phase : List.of("jax-speed", "jax-packs")) { // no JAX with CUDA here
            assertNotEquals("ok", phases.get(phase).get("status").asText(), phase);
        }
        String table = Files.readString(out.resolve("table.txt"));
        assertTrue(table.contains("whole trial (Laplacian, as a Spark task runs it) on cuda:0: status ok"), table);
        assertTrue(table.contains("pass: yes"), table);
        assertFalse(result.output.contains("\tat "), result.output);
    }

    private static Map<String, JsonNode> phases(Path out) throws IOException {
        Map<String, JsonNode> phases = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("phases.jsonl"))) {
            JsonNode phase = new ObjectMapper().readTree(line);
            phases.put(phase.get("name").asText(), phase);
        }
        return phases;
    }

    private record Result(int code, String output) {}

    /** Runs {@code command} in {@code folder} without SIREN_SWEEP_CUDA_LIBS unless given: its exit code and output. */
    private static Result run(List<String> command, Path folder, Map<String, String> environment, int seconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(folder.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("SIREN_SWEEP_CUDA_LIBS");
        builder.environment().remove("GPU_CHECK_CASES");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " took over " + seconds + " s:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                    target.toFile().setExecutable(file.toFile().canExecute());
                }
            }
        }
    }
}
