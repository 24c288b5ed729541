package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.files.Location;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.trial.CheckpointFile;

/**
 * {@code train} repeats bit for bit at a realistic size and length (a 64×64 crop of the camera, gradient supervision,
 * width 64, 500 epochs: where the JDK's own SIMD sine made two runs part at epoch 60): in a fresh JVM and in this
 * warm one, and after a kill -9 half-way and a second run that continues from the checkpoint.
 */
class TrainReproducibilityTest {
    @TempDir
    static Path dir;

    private static Path crop;

    @BeforeAll
    static void cropTheCamera() throws Exception {
        PixelImage camera = PngCodec.read(Path.of("data/camera.png"));
        int n = 64;
        double[] plane = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                plane[r * n + c] = camera.get(200 + r, 200 + c, 0);
            }
        }
        crop = dir.resolve("crop.png");
        PngCodec.write(PixelImage.ofChannels(n, n, plane), crop);
    }

    private static List<String> train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--image",
                crop.toString(),
                "--resolution",
                "64",
                "--supervision",
                "gradient",
                "--epochs",
                "500",
                "--width",
                "64",
                "--depth",
                "3",
                "--lr",
                "1e-4",
                "--seed",
                "1",
                "--out",
                out.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    /** The command in a new JVM (cold JIT). */
    private static Process launch(List<String> args, Path log) throws Exception {
        return CliRun.inNewJvm(args, log);
    }

    private static String runHere(List<String> args) {
        CliRun run = CliRun.here(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.out() + "\n" + run.err());
        return run.out();
    }

    private static float[] weights(Path out) throws Exception {
        return NpzWeights.read(out.resolve("params.npz")).parameters().toFloatVector();
    }

    private static List<Double> losses(Path out) throws Exception {
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        List<Double> losses = new ArrayList<>();
        result.get("curve").forEach(p -> losses.add(p.get("loss").asDouble()));
        losses.add(result.get("psnr").asDouble());
        return losses;
    }

    @Test
    void aFreshJvmAWarmOneAndAKilledAndResumedRunGiveTheSameBitsOnOneThreadAndOnTwo() throws Exception {
        // OpenBLAS's Haswell kernels round differently with one thread and two (its SkylakeX kernels, which the
        // launcher picks on AVX-512 CPUs, do not): the promise is per thread count, so each is checked against itself.
        Path cold = dir.resolve("cold");
        Process fresh = launch(train(cold, "--threads", "2", "--checkpoint-minutes", "0"), dir.resolve("cold.log"));
        Path coldOne = dir.resolve("cold-one");
        Process freshOne =
                launch(train(coldOne, "--threads", "1", "--checkpoint-minutes", "0"), dir.resolve("cold-one.log"));
        assertEquals(0, fresh.waitFor(), Files.readString(dir.resolve("cold.log")));
        assertEquals(0, freshOne.waitFor(), Files.readString(dir.resolve("cold-one.log")));
        Path warmOne = dir.resolve("warm-one");
        runHere(train(dir.resolve("warm-up"), "--threads", "1", "--checkpoint-minutes", "0"));
        runHere(train(warmOne, "--threads", "1", "--checkpoint-minutes", "0"));
        assertArrayEquals(weights(coldOne), weights(warmOne), "a fresh JVM and a warm one");
        assertEquals(losses(coldOne), losses(warmOne));

        float[] reference = weights(cold);
        // Checkpoints every 0.3 s; kill -9 as soon as one is on disk.
        Path killed = dir.resolve("killed");
        Path checkpoint = dir.resolve(".killed" + CheckpointFile.SUFFIX);
        Process victim =
                launch(train(killed, "--threads", "2", "--checkpoint-minutes", "0.005"), dir.resolve("killed.log"));
        waitForCheckpoint(victim, checkpoint, 0, dir.resolve("killed.log"));
        victim.destroyForcibly();
        victim.waitFor();
        assertFalse(Files.exists(killed), "a killed training writes no results");
        long firstSave =
                CheckpointFile.peek(Location.local(checkpoint)).orElseThrow().step();
        assertEquals(1, partialFolders(), "SIGKILL runs no clean-up: its staging folder stays, for now");

        // Run again and stop it with SIGTERM (as Ctrl-C does) once it has saved further: it removes the killed
        // run's staging folder and its own, and keeps its checkpoint.
        Process stopped =
                launch(train(killed, "--threads", "2", "--checkpoint-minutes", "0.005"), dir.resolve("stopped.log"));
        waitForCheckpoint(stopped, checkpoint, firstSave, dir.resolve("stopped.log"));
        stopped.destroy();
        stopped.waitFor();
        assertTrue(Files.readString(dir.resolve("stopped.log")).contains("continuing from the checkpoint"));
        assertEquals(0, partialFolders(), "nothing half-written is left behind");
        long savedStep =
                CheckpointFile.peek(Location.local(checkpoint)).orElseThrow().step();
        assertTrue(savedStep > firstSave && savedStep < 500, "saved at steps " + firstSave + " then " + savedStep);

        String resumed = runHere(train(killed, "--threads", "2", "--checkpoint-minutes", "0.005"));
        assertTrue(resumed.contains("(continued from step " + savedStep + ")"), resumed);
        JsonNode result =
                new ObjectMapper().readTree(killed.resolve("result.json").toFile());
        assertEquals(savedStep, result.get("resumed_from_step").asLong());
        assertArrayEquals(reference, weights(killed), "killed half-way and resumed");
        assertEquals(losses(cold), losses(killed));
        assertFalse(Files.exists(checkpoint), "the checkpoint is removed once the results are written");
    }

    /** Waits until {@code process} has saved a checkpoint beyond step {@code after}; fails if it ends first. */
    private static void waitForCheckpoint(Process process, Path checkpoint, long after, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (CheckpointFile.peek(Location.local(checkpoint))
                        .map(p -> p.step() <= after)
                        .orElse(true)
                && process.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(process.isAlive(), "the training ended before a checkpoint: " + Files.readString(log));
    }

    private static long partialFolders() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".killed.partial-"))
                    .count();
        }
    }
}
