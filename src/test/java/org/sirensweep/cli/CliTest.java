package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sirensweep.image.PngCodec;

/** The train and render commands end to end, and their one-line refusals of bad input. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.here(args);
    }

    @Test
    void trainWritesWeightsPicturesAndResultThenRenderDrawsTheWeights() throws Exception {
        Path out = dir.resolve("run");
        CliRun train = run(
                "train",
                "--image",
                "data/astronaut.png",
                "--resolution",
                "32",
                "--width",
                "32",
                "--epochs",
                "20",
                "--supervision",
                "gradient",
                "--render-size",
                "48",
                "--out",
                out.toString());
        assertEquals(0, train.exit(), train.err());
        for (String name : List.of(
                "params.npz",
                "result.json",
                "target.png",
                "value.png",
                "value-affine.png",
                "gradient.png",
                "laplacian.png",
                "48-value.png",
                "48-gradient.png",
                "48-laplacian.png")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        assertEquals(48, PngCodec.read(out.resolve("48-value.png")).width());
        assertEquals(3, PngCodec.read(out.resolve("value.png")).channels());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals("ok", result.get("status").asText());
        assertEquals("gradient", result.get("settings").get("supervision").asText());
        assertEquals(20, result.get("steps").asInt());
        assertTrue(result.get("curve").size() >= 2);
        assertTrue(result.get("timings").get("ms_per_step").asDouble() > 0);
        assertTrue(train.out().contains("results: "), train.out());

        Path rendered = dir.resolve("render");
        CliRun render = run(
                "render",
                "--params",
                out.resolve("params.npz").toString(),
                "--size",
                "40",
                "--out",
                rendered.toString());
        assertEquals(0, render.exit(), render.err());
        assertEquals(40, PngCodec.read(rendered.resolve("value.png")).height());
        assertTrue(Files.isRegularFile(rendered.resolve("laplacian.png")));

        CliRun again = run("render", "--params", out.resolve("params.npz").toString(), "--out", rendered.toString());
        assertEquals(SirenSweep.BAD_INPUT, again.exit());
        assertTrue(again.err().contains("--overwrite"), again.err());
    }

    /**
     * Rendering works chunk by chunk: a 2048² RGB render of a width-256 network with every derivative fits a 512 MB
     * heap and a 1.2 GB process (JavaCPP refuses allocations past {@code maxphysicalbytes}), where holding the whole grid
     * in ND4J would need several GB.
     */
    @Test
    void renderAt2048FitsASmallHeap() throws Exception {
        Path trained = dir.resolve("wide");
        CliRun train = run(
                "train",
                "--image",
                "data/astronaut.png",
                "--resolution",
                "16",
                "--width",
                "256",
                "--depth",
                "1",
                "--epochs",
                "1",
                "--out",
                trained.toString());
        assertEquals(0, train.exit(), train.err());
        Path rendered = dir.resolve("large");
        Process render = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-Dorg.bytedeco.javacpp.maxphysicalbytes=1200m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SirenSweep.class.getName(),
                        "render",
                        "--params",
                        trained.resolve("params.npz").toString(),
                        "--size",
                        "2048",
                        "--out",
                        rendered.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("render.log").toFile())
                .start();
        assertEquals(0, render.waitFor(), Files.readString(dir.resolve("render.log")));
        for (String name : List.of("value.png", "gradient.png", "laplacian.png")) {
            assertEquals(2048, PngCodec.read(rendered.resolve(name)).width(), name);
        }
    }

    @Test
    void benchMeasuresEveryCaseAndRefusesBadArguments() throws Exception {
        CliRun bench = run(
                "bench",
                "--image",
                "data/camera.png",
                "--resolution",
                "16,8",
                "--width",
                "16",
                "--depth",
                "1",
                "--steps",
                "2",
                "--warm-up",
                "0.2",
                "--json");
        assertEquals(0, bench.exit(), bench.err());
        JsonNode report = new ObjectMapper().readTree(bench.out());
        assertEquals(0.2, report.get("warm_up_seconds").asDouble(), 1e-12);
        assertEquals(
                "PASSIVE (OMP_WAIT_POLICY)",
                report.get("omp_wait_policy").asText(),
                "the build runs the tests with the launcher's OpenMP wait policy");
        JsonNode steps = report.get("steps");
        assertEquals(6, steps.size(), "3 supervision types x 2 resolutions");
        for (JsonNode step : steps) {
            assertTrue(step.get("ms_per_step").asDouble() > 0, step.toString());
            assertTrue(step.get("gflops").asDouble() > 0, step.toString());
            assertTrue(step.get("workspace_mb").asDouble() > 0, step.toString());
            assertTrue(step.get("ceiling").get("combined_gflops").asDouble() > 0, step.toString());
            JsonNode phases = step.get("phase_ms");
            List<String> names = new ArrayList<>();
            phases.fieldNames().forEachRemaining(names::add);
            assertEquals(
                    List.of("batch", "products", "activation", "streams", "loss", "optimizer", "other"),
                    names,
                    step.toString());
            double phaseSum = 0;
            for (JsonNode ms : phases) {
                assertTrue(ms.asDouble() >= 0, step.toString());
                phaseSum += ms.asDouble();
            }
            assertTrue(
                    phases.get("products").asDouble() > 0
                            && phases.get("activation").asDouble() > 0,
                    "a step runs products and activations: " + step);
            // The phases add up to the mean step, the step time is a median: the same order, not the same figure.
            assertTrue(
                    phaseSum > step.get("ms_per_step").asDouble() / 4
                            && phaseSum < step.get("ms_per_step").asDouble() * 4,
                    "the phases add up to a step: " + step);
            assertTrue(step.get("steps_run").asInt() >= 5, "warm-up and measured steps: " + step);
            assertTrue(
                    step.get("rss_early_mb").asDouble() > 0
                            && step.get("rss_end_mb").asDouble() > 0,
                    "resident set read during the training: " + step);
        }
        assertEquals(1.0, steps.get(0).get("cost_vs_vanilla").asDouble(), 1e-12);
        assertTrue(
                steps.get(2).get("gflop_per_step").asDouble()
                        > steps.get(1).get("gflop_per_step").asDouble(),
                "the Laplacian carries more streams than the gradient");

        for (String[] bad : List.of(
                new String[] {"--steps", "0"},
                new String[] {"--warm-up", "-1"},
                new String[] {"--resolution", "8", "--batch-size", "65"},
                new String[] {"--supervision", "edges"},
                new String[] {"--image", "nope.png"})) {
            List<String> args = new ArrayList<>(List.of("bench", "--resolution", "8", "--width", "8"));
            args.addAll(Arrays.asList(bad));
            CliRun refused = run(args.toArray(String[]::new));
            assertEquals(SirenSweep.BAD_INPUT, refused.exit(), String.join(" ", bad) + ": " + refused.err());
            assertEquals(1, refused.err().strip().lines().count(), refused.err());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "missing image        | --image @/nope.png                | image not found",
                "not a PNG            | --image @/notes.png               | not a PNG file",
                "truncated PNG        | --image @/truncated.png           | corrupt or truncated PNG",
                "unknown supervision  | --supervision sobel               | unknown supervision 'sobel'",
                "zero learning rate   | --lr 0                            | --lr: must be a positive number",
                "negative lr          | --lr -1e-4                        | --lr: must be a positive number",
                "NaN learning rate    | --lr NaN                          | --lr: expected a number, got 'NaN'",
                "resolution too large | --resolution 1024                 | resolution 1024 is larger than the image",
                "zero epochs          | --epochs 0                        | --epochs: must be at least 1",
                "zero depth           | --depth 0                         | --depth: must be at least 1",
                "zero width           | --width 0                         | --width: must be at least 1",
                "batch > pixels       | --resolution 16 --batch-size 300  | is larger than the 256 pixels",
                "negative batch       | --batch-size -5                   | --batch-size: must be at least 0",
                "out is a file        | --out @/afile                     | is a file, not a folder",
                "out under a file     | --out @/afile/sub                 | cannot be written",
                "not a number         | --epochs many                     | 'many'",
                "zero render size     | --render-size 0                   | render size must be between 1",
                "zero threads         | --threads 0                       | --threads must be at least 1",
                "does not fit memory  | --resolution 512 --width 1024 --supervision laplacian | of buffers but only",
            })
    void badTrainArgumentsGiveOneLineExitTwoAndWriteNothing(String name, String args, String expected)
            throws Exception {
        byte[] png = Files.readAllBytes(Path.of("data/camera.png"));
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, 2000));
        Files.writeString(dir.resolve("notes.png"), "hello");
        Files.writeString(dir.resolve("afile"), "x");
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "--image",
                "data/camera.png",
                "--resolution",
                "32",
                "--epochs",
                "1",
                "--out",
                dir.resolve("out").toString()));
        String[] overrides = args.replace("@", dir.toString()).trim().split("\\s+");
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        List<String> argv = new ArrayList<>(List.of("train"));
        options.forEach((option, value) -> {
            argv.add(option);
            argv.add(value);
        });
        List<Path> before = listing();
        CliRun run = run(argv.toArray(String[]::new));
        assertEquals(SirenSweep.BAD_INPUT, run.exit(), name + ": " + run.err());
        String err = run.err().trim();
        assertFalse(err.contains("\n"), name + ": more than one line: " + err);
        assertTrue(err.contains(expected), name + ": " + err);
        assertEquals(before, listing(), name + ": files changed");
    }

    @Test
    void everyShippedSweepFilePassesADryRunWithoutWritingAnything() throws Exception {
        List<Path> sweeps;
        try (Stream<Path> files = Files.list(Path.of("sweeps"))) {
            sweeps = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(sweeps.size() >= 7, sweeps.toString());
        for (Path sweep : sweeps) {
            Path output = dir.resolve("dry");
            CliRun dry = run("run", sweep.toString(), "--dry-run", "--output", output.toString());
            assertEquals(0, dry.exit(), sweep + ": " + dry.err());
            assertTrue(
                    dry.out()
                            .matches("(?s).*sweep \\S+: \\d+ trials(, [\\d,]+ optimiser steps in all| with "
                                    + "successive halving \\(.*\\): about [\\d,]+ optimiser steps).*"),
                    dry.out());
            assertFalse(Files.exists(output), "a dry run writes nothing");
        }
    }

    @Test
    void renderRefusesAMissingOrCorruptWeightsFile() throws Exception {
        CliRun missing = run(
                "render",
                "--params",
                dir.resolve("none.npz").toString(),
                "--out",
                dir.resolve("r").toString());
        assertEquals(SirenSweep.BAD_INPUT, missing.exit());
        assertTrue(missing.err().contains("weights file not found"), missing.err());
        Path junk = dir.resolve("junk.npz");
        Files.writeString(junk, "not a zip");
        CliRun corrupt = run(
                "render", "--params", junk.toString(), "--out", dir.resolve("r").toString());
        assertEquals(SirenSweep.BAD_INPUT, corrupt.exit(), corrupt.err());
        assertFalse(Files.exists(dir.resolve("r")));
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.sorted().toList();
        }
    }
}
