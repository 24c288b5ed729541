package org.sirensweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sirensweep.image.Supervision;
import org.sirensweep.trial.Setting;

/** Sweep files: expansion into trials, stable trial ids, and a one-line refusal of every kind of bad file. */
public class SweepFileTest {
    @TempDir
    Path dir;

    private static final String CAMERA =
            Path.of("data/camera.png").toAbsolutePath().toString();

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml.replace("CAMERA", CAMERA));
        return file;
    }

    @Test
    void gridExpandsToItsCartesianProductLastKeyFastest() throws Exception {
        Sweep sweep = SweepFile.read(write("s.yaml", """
                name: demo
                settings: {image: CAMERA, resolution: 32, epochs: 5, width: 16}
                grid:
                  supervision: [vanilla, laplacian]
                  lr: [1e-4, 0.001, 1.0e-2]
                evaluation: {render_sizes: [64], curve_interval: 2}
                """), 100);
        assertEquals("demo", sweep.name());
        assertEquals(List.of("supervision", "lr"), sweep.gridKeys());
        assertEquals(6, sweep.trials().size());
        List<String> order = sweep.trials().stream()
                .map(t -> t.settings().supervision().id() + "@" + t.settings().learningRate())
                .toList();
        assertEquals(
                List.of(
                        "vanilla@1.0E-4",
                        "vanilla@0.001",
                        "vanilla@0.01",
                        "laplacian@1.0E-4",
                        "laplacian@0.001",
                        "laplacian@0.01"),
                order);
        Trial first = sweep.trials().get(0);
        assertEquals(32, first.settings().resolution());
        assertEquals(16, first.settings().width());
        assertEquals(3, first.settings().depth(), "unset settings take their defaults");
        assertEquals(List.of(64), first.settings().renderSizes());
        assertEquals(2, first.settings().curveInterval());
        assertEquals(CAMERA, first.settings().image());
        assertTrue(sweep.images().containsKey(CAMERA));
        assertEquals(6, sweep.trials().stream().map(Trial::id).distinct().count());
        assertEquals(6 * 5, sweep.totalSteps());
    }

    @Test
    void trialIdsAreStableAcrossFilesAndDependOnSettingsAndImageContentOnly() throws Exception {
        String body =
                "settings: {image: IMG, resolution: 16, epochs: 3}\ngrid: {seed: [0, 1], supervision: [vanilla]}\n";
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b/c"));
        Files.copy(Path.of(CAMERA), dir.resolve("a/cam.png"));
        Files.copy(Path.of(CAMERA), dir.resolve("b/c/other-name.png"));
        Sweep a = SweepFile.read(write("a/s.yaml", "name: x\n" + body.replace("IMG", "cam.png")), 10);
        // Same settings written differently (flow vs block style, key order, 0.0001 vs 1e-4), image moved and renamed.
        Sweep b = SweepFile.read(write("b/s.yaml", """
                name: y
                grid:
                  supervision: [VANILLA]
                  seed: [1, 0]
                settings:
                  lr: 0.0001
                  epochs: 3
                  resolution: 16
                  image: c/other-name.png
                """), 10);
        Map<Long, String> idsA =
                a.trials().stream().collect(Collectors.toMap(t -> t.settings().seed(), Trial::id));
        Map<Long, String> idsB =
                b.trials().stream().collect(Collectors.toMap(t -> t.settings().seed(), Trial::id));
        assertEquals(idsA, idsB);
        assertTrue(idsA.get(0L).matches("[0-9a-f]{16}"), idsA.get(0L));
        // Another setting, or other image bytes, give other ids.
        Sweep wider = SweepFile.read(
                write(
                        "a/w.yaml",
                        "name: x\n" + body.replace("IMG", "cam.png").replace("epochs: 3", "epochs: 3, width: 32")),
                10);
        assertNotEquals(idsA.get(0L), wider.trials().get(0).id());
        Files.copy(Path.of("data/astronaut.png"), dir.resolve("a/astro.png"));
        Sweep astro = SweepFile.read(write("a/z.yaml", "name: x\n" + body.replace("IMG", "astro.png")), 10);
        assertNotEquals(idsA.get(0L), astro.trials().get(0).id());
    }

    @Test
    void sampledSettingsAreDrawnFromTheirDistributionsTheSameWayEveryTime() throws Exception {
        String body = """
                name: sampled
                settings: {image: IMG, resolution: 16, epochs: 3}
                grid: {supervision: [vanilla, gradient]}
                sample:
                  trials: TRIALS
                  seed: 7
                  lr: loguniform(1e-5, 1e-2)
                  width: choice([16, 32, 64])
                  depth: randint(1, 3)
                """.replace("IMG", CAMERA);
        Sweep sweep = SweepFile.read(write("s1.yaml", body.replace("TRIALS", "200")), 1000);
        Sweep again = SweepFile.read(write("s2.yaml", body.replace("TRIALS", "200")), 1000);
        assertEquals(
                sweep.trials().stream().map(Trial::id).toList(),
                again.trials().stream().map(Trial::id).toList());
        assertEquals(List.of("supervision", "lr", "width", "depth"), sweep.gridKeys());
        assertEquals(400, sweep.trials().size());
        List<Double> lrs =
                sweep.trials().stream().map(t -> t.settings().learningRate()).toList();
        assertTrue(lrs.stream().allMatch(lr -> lr >= 1e-5 && lr <= 1e-2), "within the bounds, in real values");
        double belowOneInTenThousand = lrs.stream().filter(lr -> lr < 1e-4).count() / (double) lrs.size();
        assertTrue(
                belowOneInTenThousand > 0.2 && belowOneInTenThousand < 0.47,
                "log-uniform puts a third below 1e-4: " + belowOneInTenThousand);
        assertEquals(
                Set.of(16, 32, 64),
                sweep.trials().stream().map(t -> t.settings().width()).collect(java.util.stream.Collectors.toSet()));
        assertEquals(
                Set.of(1, 2, 3),
                sweep.trials().stream().map(t -> t.settings().depth()).collect(java.util.stream.Collectors.toSet()));
        // Each grid point gets the same draws, and more trials keep the earlier ones (and their ids).
        Sweep fewer = SweepFile.read(write("s3.yaml", body.replace("TRIALS", "20")), 1000);
        assertTrue(sweep.trials().stream()
                .map(Trial::id)
                .toList()
                .containsAll(fewer.trials().stream().map(Trial::id).toList()));
        assertEquals(
                fewer.trials().get(0).settings().learningRate(),
                fewer.trials().get(20).settings().learningRate());
    }

    @Test
    void aShuffledFullBatchIsTheUnshuffledTrialAndRunsOnce() throws Exception {
        Sweep sweep = SweepFile.read(write("merge.yaml", """
                name: merge
                settings: {image: IMG, resolution: 16, epochs: 3}
                grid: {batch_size: [full, 256, 64], shuffle: [true, false], omega0_resolution: [64]}
                """.replace("IMG", CAMERA)), 100);
        // 256 points at 16² is the whole image: one batch too
        assertEquals(
                List.of("0/false", "256/false", "64/true", "64/false"),
                sweep.trials().stream()
                        .map(t -> t.settings().batchSize() + "/" + t.settings().shuffle())
                        .toList());
        assertEquals(64, sweep.trials().get(0).values().get("omega0_resolution"));
        assertEquals(30 * 15 / 63.0, sweep.trials().get(0).settings().effectiveOmega0(), 1e-12);
    }

    @Test
    void everyShippedSweepFileValidates() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("sweeps"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertFalse(yamls.isEmpty());
            for (Path file : yamls) {
                Sweep sweep = SweepFile.read(file, 100_000);
                assertFalse(sweep.trials().isEmpty(), file.toString());
            }
        }
    }

    /** Bad sweep files: name, YAML ("@missing": no file at all), a piece of the expected one-line error. */
    public static Stream<List<String>> badFiles() {
        String ok = "name: bad\nsettings: {image: CAMERA, resolution: 32}\n";
        return Stream.of(
                List.of("empty file", "", "the file is empty"),
                List.of("comment only", "# nothing\n", "the file is empty"),
                List.of("malformed YAML", "name: [unclosed\n", "malformed YAML"),
                List.of("tab indentation", "name: x\nsettings:\n\timage: a.png\n", ":3: a tab indents this line"),
                List.of("top level is a list", "- a\n- b\n", "the top level must be a mapping"),
                List.of("top level is a scalar", "hello\n", "the top level must be a mapping"),
                List.of("duplicate key", ok + "name: again\n", "malformed YAML"),
                List.of("unknown top key", ok + "gird: {lr: [1]}\n", "gird: unknown key, did you mean 'grid'?"),
                List.of(
                        "unknown setting",
                        ok.replace("resolution", "resolutoin"),
                        "settings.resolutoin: unknown setting, did you mean 'resolution'?"),
                List.of(
                        "unknown grid key",
                        ok + "grid: {learning_rate: [1e-4]}\n",
                        "grid.learning_rate: unknown setting"),
                List.of(
                        "unknown evaluation key",
                        ok + "evaluation: {render: [64]}\n",
                        "evaluation.render: unknown key"),
                List.of(
                        "evaluation key in settings",
                        "name: b\nsettings: {image: CAMERA, render_sizes: [64]}\n",
                        "settings.render_sizes: is not a training setting; it belongs under evaluation"),
                List.of("missing name", "settings: {image: CAMERA}\n", "name: is required"),
                List.of("name with separators", ok.replace("name: bad", "name: ../x"), "is not a valid sweep name"),
                List.of("missing image", "name: b\nsettings: {resolution: 32}\n", "settings.image: is required"),
                List.of("image not found", "name: b\nsettings: {image: nope.png}\n", "image not found"),
                List.of("image not a PNG", "name: b\nsettings: {image: notes.png}\n", "not a PNG file"),
                List.of("truncated PNG", "name: b\nsettings: {image: truncated.png}\n", "corrupt or truncated PNG"),
                List.of(
                        "resolution above image",
                        "name: b\nsettings: {image: CAMERA, resolution: 1024}\n",
                        "smaller than the training resolution 1024"),
                List.of(
                        "1x1 image",
                        "name: b\nsettings: {image: tiny.png, resolution: 2}\n",
                        "smaller than the training resolution 2"),
                List.of("wrong type", ok + "grid: {epochs: [ten]}\n", "grid.epochs[0]: expected an integer, got 'ten'"),
                List.of("fractional int", ok + "grid: {depth: [2.5]}\n", "grid.depth[0]: expected an integer"),
                List.of("zero lr", ok + "grid: {lr: [0]}\n", "grid.lr[0]: must be a positive number"),
                List.of("negative lr", ok + "grid: {lr: [-1e-4]}\n", "grid.lr[0]: must be a positive number"),
                List.of(
                        "NaN lr (YAML .nan)",
                        ok + "grid: {lr: [.nan]}\n",
                        ":3:17: malformed YAML: Malformed numeric value '.nan'"),
                List.of("NaN lr (text)", ok + "grid: {lr: [NaN]}\n", "grid.lr[0]: expected a number, got 'NaN'"),
                List.of("infinite lr", ok + "grid: {lr: [1e999]}\n", "grid.lr[0]: must be a positive number"),
                List.of("lr as text", ok + "grid: {lr: [fast]}\n", "grid.lr[0]: expected a number, got 'fast'"),
                List.of("zero depth", ok + "grid: {depth: [0]}\n", "grid.depth[0]: must be at least 1"),
                List.of("negative width", ok + "grid: {width: [-8]}\n", "grid.width[0]: must be at least 1"),
                List.of("zero epochs", ok + "grid: {epochs: [0]}\n", "grid.epochs[0]: must be at least 1"),
                List.of(
                        "batch larger than image",
                        ok + "grid: {batch_size: [2000]}\n",
                        "batch size 2000 is larger than the 1024 pixels"),
                List.of("unknown supervision", ok + "grid: {supervision: [sobel]}\n", "unknown supervision 'sobel'"),
                List.of("shuffle not boolean", ok + "grid: {shuffle: [sometimes]}\n", "expected true or false"),
                List.of("empty grid list", ok + "grid: {lr: []}\n", "grid.lr: the list is empty"),
                List.of("grid value not a list", ok + "grid: {lr: 1e-4}\n", "grid.lr: expected a list of values"),
                List.of("duplicate grid value", ok + "grid: {lr: [1e-4, 0.0001]}\n", "grid.lr[1]: repeats the value"),
                List.of(
                        "key fixed and varied",
                        ok + "grid: {resolution: [16, 32]}\n",
                        "grid.resolution: is also fixed"),
                List.of(
                        "too many trials",
                        ok + "grid: {seed: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}\n",
                        "expands to 21 trials, more than the limit of 20"),
                List.of(
                        "same image twice",
                        "name: b\nsettings: {resolution: 32}\ngrid: {image: [CAMERA, copy.png]}\n",
                        "have the same content"),
                List.of(
                        "render size zero",
                        ok + "evaluation: {render_sizes: [0]}\n",
                        "evaluation.render_sizes[0]: must be between 1"),
                List.of("settings not a mapping", "name: b\nsettings: [image]\n", "settings: expected a mapping"),
                List.of(
                        "network too large for one array",
                        "name: b\nsettings: {image: CAMERA, resolution: 512}\n" + "grid: {width: [64, 100000]}\n",
                        "width 100000 and depth 3 make 30,000,700,001 parameters (480.01 GB"),
                List.of(
                        "negative checkpoint minutes",
                        ok + "checkpoint_minutes: -1\n",
                        "checkpoint_minutes: expected minutes, a number from 0"),
                List.of(
                        "checkpoint minutes as text",
                        ok + "checkpoint_minutes: often\n",
                        "checkpoint_minutes: expected minutes"),
                List.of(
                        "sample without trials",
                        ok + "sample:\n  lr: loguniform(1e-5, 1e-2)\n",
                        "sample.trials: is required: how many configurations to draw"),
                List.of("sample of no setting", ok + "sample: {trials: 3}\n", "sample: samples no setting"),
                List.of(
                        "loguniform of an integer setting",
                        ok + "sample: {trials: 3, width: 'loguniform(16, 256)'}\n",
                        "sample.width: loguniform draws real numbers; width takes integers"),
                List.of(
                        "randint of a real setting",
                        ok + "sample: {trials: 3, lr: 'randint(1, 2)'}\n",
                        "sample.lr: randint draws integers"),
                List.of(
                        "unknown distribution",
                        ok + "sample: {trials: 3, lr: 'normal(1e-4, 1e-5)'}\n",
                        "sample.lr: unknown distribution 'normal'"),
                List.of(
                        "bounds reversed",
                        ok + "sample:\n  trials: 3\n  lr: loguniform(1e-2, 1e-5)\n",
                        "sample.lr: needs low < high"),
                List.of(
                        "negative bound",
                        ok + "sample: {trials: 3, lr: 'uniform(-1, 1)'}\n",
                        "sample.lr: must be a positive number"),
                List.of(
                        "not a distribution",
                        ok + "sample: {trials: 3, lr: 1e-4}\n",
                        "sample.lr: expected loguniform(low, high)"),
                List.of(
                        "empty choice",
                        ok + "sample: {trials: 3, width: 'choice([])'}\n",
                        "sample.width: choice takes a non-empty list"),
                List.of(
                        "sampled and fixed",
                        ok + "sample: {trials: 3, resolution: randint(8, 16)}\n",
                        "sample.resolution: is also set under settings"),
                List.of(
                        "sampled image",
                        "name: b\nsettings: {resolution: 32}\ngrid: {image: [CAMERA]}\n"
                                + "sample: {trials: 2, image: 'choice([a.png])'}\n",
                        "sample.image: is also set under grid"),
                List.of(
                        "too many sampled trials",
                        ok + "grid: {seed: [0, 1, 2]}\nsample: {trials: 7, lr: 'uniform(1e-4, 1e-3)'}\n",
                        "sample.trials: expands to 21 trials, more than the limit of 20"),
                List.of(
                        "unquoted distribution in braces",
                        ok + "sample: {trials: 3, lr: loguniform(1e-5, 1e-2)}\n",
                        "sample: '1e-2)' is the end of a distribution that YAML split at its comma: inside {...} quote it"),
                List.of(
                        "early stopping without max_epochs",
                        ok + "early_stopping: {grace_epochs: 10}\n",
                        "early_stopping.max_epochs: is required"),
                List.of(
                        "early stopping unknown key",
                        ok + "early_stopping: {grace_epoch: 10, max_epochs: 100}\n",
                        "early_stopping.grace_epoch: unknown key, did you mean 'grace_epochs'?"),
                List.of(
                        "grace beyond max",
                        ok + "early_stopping: {grace_epochs: 100, max_epochs: 100}\n",
                        "early_stopping: grace_epochs must be at least 1 and below max_epochs (100), got 100"),
                List.of(
                        "reduction factor 1",
                        ok + "early_stopping: {grace_epochs: 10, max_epochs: 100, " + "reduction_factor: 1}\n",
                        "early_stopping: reduction_factor must be at least 2, got 1"),
                List.of(
                        "unknown metric",
                        ok + "early_stopping: {grace_epochs: 10, max_epochs: 100, metric: ssim}\n",
                        "early_stopping: unknown metric 'ssim' (expected one of psnr_determined"),
                List.of(
                        "group by a fixed setting",
                        ok + "grid: {lr: [1e-4, 1e-3]}\n"
                                + "early_stopping: {grace_epochs: 10, max_epochs: 100, by: [supervision]}\n",
                        "early_stopping.by[0]: 'supervision' is not a setting the grid or sample varies (lr)"),
                List.of(
                        "epochs varied under early stopping",
                        ok + "grid: {epochs: [50, 100]}\n" + "early_stopping: {grace_epochs: 10, max_epochs: 100}\n",
                        "grid.epochs: cannot vary with early_stopping"),
                List.of(
                        "epochs against max_epochs",
                        ok.replace("resolution: 32", "resolution: 32, epochs: 50")
                                + "early_stopping: {grace_epochs: 10, max_epochs: 100}\n",
                        "settings.epochs: is 50 but early_stopping.max_epochs is 100"),
                List.of(
                        "pack as a word",
                        ok + "pack: sometimes\n",
                        "pack: expected auto, off or a number of trials per task, got 'sometimes'"),
                List.of("pack of zero", ok + "pack: 0\n", "pack: must be between 1 and 256, got 0"),
                List.of("missing file", "@missing", "sweep file not found"));
    }

    /** Writes a {@link #badFiles} case and the images it refers to into {@code dir}; returns the sweep file. */
    public static Path writeCase(Path dir, List<String> testCase) throws IOException {
        byte[] png = Files.readAllBytes(Path.of(CAMERA));
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, 2000));
        Files.write(dir.resolve("copy.png"), png);
        Files.writeString(dir.resolve("notes.png"), "hello");
        Files.write(
                dir.resolve("tiny.png"),
                org.sirensweep.image.PngCodec.encode(
                        org.sirensweep.image.PixelImage.ofChannels(1, 1, new double[][] {{0.5}})));
        if (testCase.get(1).equals("@missing")) {
            return dir.resolve("missing.yaml");
        }
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, testCase.get(1).replace("CAMERA", CAMERA));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badSweepFilesAreRefusedWithOneLineNamingFileAndKey(List<String> testCase) throws Exception {
        Path file = writeCase(dir, testCase);
        SweepFileException e = assertThrows(SweepFileException.class, () -> SweepFile.read(file, 20), testCase.get(0));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), testCase.get(0) + ": more than one line: " + message);
        assertTrue(message.startsWith(file.toString() + ":"), testCase.get(0) + ": does not name the file: " + message);
        assertTrue(message.contains(testCase.get(2)), testCase.get(0) + ": " + message);
    }

    @Test
    void supervisionIdsRoundTrip() {
        for (Supervision s : Supervision.values()) {
            assertEquals(
                    s,
                    Supervision.parse(SettingParser.parse(
                                    Setting.SUPERVISION,
                                    com.fasterxml.jackson.databind.node.TextNode.valueOf(s.id().toUpperCase()))
                            .toString()));
        }
    }
}
