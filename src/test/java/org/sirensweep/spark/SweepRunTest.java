package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.TestPython;
import org.sirensweep.cli.CliRun;
import org.sirensweep.cli.RunCommand;
import org.sirensweep.cli.SirenSweep;
import org.sirensweep.cli.VerifyCommand;
import org.sirensweep.files.Location;
import org.sirensweep.image.PngCodec;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultFiles;
import org.sirensweep.store.TaskPlace;
import org.sirensweep.store.TrialResult;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.Trial;
import org.sirensweep.trial.CheckpointFile;

/**
 * Sweeps run for real on Spark's local mode: statuses (ok, diverged, failed, retried), the dataset read back by Spark
 * and pyarrow with the documented schema, resume, --retry-failed, and a driver killed mid-sweep.
 */
class SweepRunTest {
    @TempDir
    Path dir;

    private static final String CAMERA =
            Path.of("data/camera.png").toAbsolutePath().toString();

    private static CliRun run(String... args) {
        return CliRun.here(args);
    }

    private Path sweepFile(String name, String grid, int epochs) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: NAME
                settings: {image: CAMERA, resolution: 16, width: 16, depth: 1, omega0: 10, epochs: EPOCHS, supervision: laplacian}
                grid: GRID
                evaluation: {render_sizes: [24], curve_interval: 5}
                """.replace("NAME", name)
                .replace("CAMERA", CAMERA)
                .replace("GRID", grid)
                .replace("EPOCHS", String.valueOf(epochs)));
        return file;
    }

    private static Map<String, Row> rowsById(SparkSession spark, Path dataset) {
        return spark.read().parquet(dataset.toString()).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getAs("trial_id"), r -> r));
    }

    @Test
    void statusesRetriesResumeAndTheDatasetReadBackBySparkPyarrowAndDuckDb() throws Exception {
        Path sweep = sweepFile("statuses", "{lr: [1e-3, 1e3], inject_fault: [none, always, first-attempt]}", 20);
        // Packs of three (one of six, split for the two task slots): a failing pack runs its trials alone, so only
        // the injected faults fail.
        Files.writeString(sweep, Files.readString(sweep) + "pack: 6\n");
        Path dataset = dir.resolve("out");
        // local[2, 2]: two tasks at once, two attempts per task.
        CliRun first = run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2,2]");
        assertEquals(RunCommand.SOME_FAILED, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("6 to run"), first.out());
        assertTrue(first.out().contains("Spark UI: off (--spark-ui serves it)"), "no UI in local mode unless asked");

        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Dataset<Row> table = spark.read().parquet(dataset.toString());
            assertEquals(6, table.count());
            assertEquals(6, table.select("trial_id").distinct().count(), "one row per trial");
            List<String> columns = Arrays.asList(table.columns());
            for (String column : List.of(
                    "sweep",
                    "trial_id",
                    "status",
                    "error",
                    "image",
                    "image_sha256",
                    "resolution",
                    "supervision",
                    "epochs",
                    "batch_size",
                    "shuffle",
                    "lr",
                    "depth",
                    "width",
                    "omega0",
                    "seed",
                    "curve",
                    "final_loss",
                    "psnr",
                    "psnr_affine",
                    "setup_s",
                    "train_s",
                    "ms_per_step",
                    "render_s",
                    "device",
                    "host",
                    "executor_id",
                    "attempt",
                    "started_at",
                    "finished_at",
                    "spark_version",
                    "nd4j_version",
                    "images",
                    "weights_npz")) {
                assertTrue(columns.contains(column), "missing column " + column);
            }
            Map<String, Integer> statusCounts = new HashMap<>();
            for (Row r : table.collectAsList()) {
                String status = r.getAs("status");
                statusCounts.merge(status, 1, Integer::sum);
                String fault = r.getAs("inject_fault");
                double lr = r.getAs("lr");
                int attempt = r.getAs("attempt");
                if ("always".equals(fault)) {
                    assertEquals("failed", status);
                    assertTrue(((String) r.getAs("error")).contains("injected fault"), (String) r.getAs("error"));
                    assertEquals(2, attempt, "recorded by the last attempt");
                } else if (lr > 1) {
                    assertEquals("diverged", status);
                    assertTrue((Long) r.getAs("diverged_at_step") >= 1);
                } else {
                    assertEquals("ok", status);
                    assertEquals("first-attempt".equals(fault) ? 2 : 1, attempt);
                    assertTrue((Double) r.getAs("psnr_affine") > 5, "psnr " + r.getAs("psnr_affine"));
                    List<Row> images = r.getList(r.fieldIndex("images"));
                    Row large = images.stream()
                            .filter(i -> i.<Integer>getAs("size") == 24 && "laplacian".equals(i.getAs("kind")))
                            .findFirst()
                            .orElseThrow();
                    assertEquals(24, PngCodec.decode(large.getAs("png"), "row").width());
                    assertEquals(4, r.getList(r.fieldIndex("curve")).size(), "epochs 5, 10, 15, 20");
                    byte[] npz = r.getAs("weights_npz");
                    assertTrue(npz.length > 100 && npz[0] == 'P' && npz[1] == 'K', "weights are a zip (.npz)");
                }
            }
            assertEquals(Map.of("ok", 2, "diverged", 2, "failed", 2), statusCounts);
        } finally {
            spark.stop();
        }
        assertPyarrowAndDuckDbRead(dataset, 6);

        Map<Path, FileTime> written = modificationTimes(dataset);
        CliRun again = run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2]");
        assertEquals(RunCommand.SOME_FAILED, again.exit(), again.out());
        assertTrue(again.out().contains("6 already in"), again.out());
        assertTrue(again.out().contains("0 to run"), again.out());
        assertEquals(written, modificationTimes(dataset), "a resumed complete sweep rewrites nothing");

        CliRun retry = run(
                "run",
                sweep.toString(),
                "--output",
                dataset.toString(),
                "--master",
                "local[2]",
                "--retry-failed",
                "--spark-ui");
        assertTrue(retry.out().contains("2 to run"), retry.out());
        assertTrue(retry.out().contains("Spark UI: http://"), retry.out());
        Map<Path, FileTime> afterRetry = modificationTimes(dataset);
        assertEquals(written.keySet(), afterRetry.keySet(), "retried rows replace the failed ones, no more files");
        long replaced = written.keySet().stream()
                .filter(p -> !written.get(p).equals(afterRetry.get(p)))
                .count();
        assertEquals(2, replaced);
        assertFalse(Files.exists(dataset.resolve(ResultFiles.STAGING)), "no staging leftovers");
    }

    @Test
    void aDriverKilledMidSweepResumesWithEveryTrialExactlyOnce() throws Exception {
        Path sweep = sweepFile("killed", "{seed: [0, 1, 2, 3, 4, 5]}", 400);
        Path dataset = dir.resolve("killed-out");
        Process driver = launchDriver(sweep, dataset, dir.resolve("driver.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (resultFiles(dataset).size() < 2 && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(
                driver.isAlive(),
                "the driver finished before it could be killed: " + Files.readString(dir.resolve("driver.log")));
        driver.destroyForcibly(); // SIGKILL: no shutdown hooks, a trial in flight
        driver.waitFor();
        List<Path> survivors = resultFiles(dataset);
        assertTrue(survivors.size() >= 2 && survivors.size() < 6, "rows before the kill: " + survivors);
        Map<Path, FileTime> before = modificationTimes(dataset);

        CliRun resumed = run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2]");
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains(survivors.size() + " already in"), resumed.out());
        List<Path> rows = resultFiles(dataset);
        assertEquals(6, rows.size());
        for (Path kept : survivors) {
            assertEquals(before.get(kept), Files.getLastModifiedTime(kept), "a finished row is not redone: " + kept);
        }
        assertFalse(Files.exists(dataset.resolve(ResultFiles.STAGING)), "the killed trial's temporary file is gone");
        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Map<String, Row> byId = rowsById(spark, dataset);
            assertEquals(6, byId.size());
            assertTrue(byId.values().stream().allMatch(r -> "ok".equals(r.getAs("status"))));
        } finally {
            spark.stop();
        }
    }

    @Test
    void verifyReportsDamageAndAResumeQuarantinesItAndRerunsTheDamagedTrial() throws Exception {
        Path sweep = sweepFile("damaged", "{seed: [0, 1]}", 5);
        Path dataset = dir.resolve("damaged-out");
        assertEquals(
                0,
                run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2]")
                        .exit());
        CliRun clean = run("verify", dataset.toString());
        assertEquals(0, clean.exit(), clean.out());
        assertTrue(clean.out().contains("2 rows (ok 2), 24 images decoded, 0 problems"), clean.out());

        Path truncated = resultFiles(dataset).get(0);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(dataset.resolve("notes.parquet"), "not parquet");
        Files.createDirectories(dataset.resolve(ResultFiles.STAGING));
        Files.writeString(dataset.resolve(ResultFiles.STAGING).resolve("leftover.parquet"), "half");
        String kept = resultFiles(dataset).get(1).getFileName().toString().replace(ResultFiles.SUFFIX, "");
        Path checkpoints = Files.createDirectories(dataset.resolve(ResultDataset.CHECKPOINTS));
        Files.writeString(checkpoints.resolve(kept + CheckpointFile.SUFFIX), "its row committed first");
        Files.writeString(checkpoints.resolve(kept + CheckpointFile.SUFFIX + ".tmp-1"), "a save cut short");
        CliRun damaged = run("verify", dataset.toString());
        assertEquals(VerifyCommand.PROBLEMS, damaged.exit(), damaged.out());
        assertTrue(damaged.out().contains("1 rows (ok 1)"), damaged.out());
        assertTrue(damaged.out().contains("problem: notes.parquet: not a trial result file"), damaged.out());
        assertTrue(damaged.out().contains("problem: " + truncated.getFileName()), damaged.out());
        assertTrue(damaged.out().contains("_staging/ holds 1 unfinished writes"), damaged.out());
        assertTrue(
                damaged.out().contains("problem: _checkpoints/" + kept + ".checkpoint: stale, its trial has a row"),
                damaged.out());
        assertTrue(
                damaged.out().contains(".checkpoint.tmp-1: left by a checkpoint save that was cut short"),
                damaged.out());

        CliRun resumed = run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2]");
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("1 already in"), resumed.out());
        assertTrue(Files.isRegularFile(dataset.resolve(ResultDataset.QUARANTINE).resolve("notes.parquet")));
        CliRun repaired = run("verify", dataset.toString());
        assertEquals(0, repaired.exit(), repaired.out());
        assertTrue(Files.notExists(checkpoints.resolve(kept + CheckpointFile.SUFFIX)), "the stale checkpoint is gone");
        assertTrue(repaired.out().contains("2 rows (ok 2)"), repaired.out());
    }

    @Test
    void verifyAgainstAReRunFindsEveryTrialTheSameAndNamesWhatDiffers() throws Exception {
        Path sweep = sweepFile("rerun", "{seed: [0, 1]}", 5);
        Path first = dir.resolve("rerun-first");
        Path second = dir.resolve("rerun-second");
        assertEquals(
                0,
                run("run", sweep.toString(), "--output", first.toString(), "--master", "local[2]")
                        .exit());
        // One trial at a time the second time, to show that the bits do not depend on what ran beside them.
        assertEquals(
                0,
                run("run", sweep.toString(), "--output", second.toString(), "--master", "local[1]")
                        .exit());
        CliRun same = run("verify", first.toString(), "--against", second.toString());
        assertEquals(0, same.exit(), same.out());
        assertTrue(same.out().contains("2 trials in both, 2 the same bit for bit"), same.out());

        // The second dataset's row of one trial replaced by a failure of it, the other trial's row removed.
        List<Trial> trials = SweepFile.read(sweep, 10).trials();
        ResultFiles.write(
                Location.local(second),
                new TrialResult(
                        "rerun",
                        trials.get(0),
                        null,
                        "injected",
                        new TaskPlace("elsewhere", "driver", 0, null, "4.1.0"),
                        Instant.EPOCH,
                        Instant.EPOCH));
        Files.delete(second.resolve(trials.get(1).id() + ResultFiles.SUFFIX));
        CliRun differs = run("verify", first.toString(), "--against", second.toString());
        assertEquals(VerifyCommand.PROBLEMS, differs.exit(), differs.out());
        assertTrue(
                differs.out()
                        .contains("1 trials in both, 0 the same bit for bit (all but timings, hosts and "
                                + "versions), 1 differ; 1 only here, 0 only there"),
                differs.out());
        assertTrue(differs.out().contains("differs: " + trials.get(0).id() + ": "), differs.out());
        for (String field : List.of("status", "error", "psnr", "curve", "images", "weights_npz")) {
            assertTrue(
                    differs.out().lines().anyMatch(l -> l.startsWith("differs:") && l.contains(field)),
                    field + " differs: " + differs.out());
        }

        CliRun notADataset = run("verify", first.toString(), "--against", dir.toString());
        assertEquals(SirenSweep.BAD_INPUT, notADataset.exit(), notADataset.err());
        assertTrue(
                notADataset.err().contains("--against: " + dir + " is not a siren-sweep dataset"), notADataset.err());
    }

    @Test
    void aTrialThatCanNeverFitIsRefusedBeforeSparkAndOneThatDoesNotFitNowFailsFastAsARow() throws Exception {
        Path sweep = dir.resolve("huge.yaml");
        Files.writeString(sweep, """
                name: huge
                settings: {image: CAMERA, resolution: 512, supervision: laplacian, epochs: 1}
                grid: {width: [8, 1024]}
                """.replace("CAMERA", CAMERA));
        Path dataset = dir.resolve("huge-out");
        // Width 1024 at 512² plans 46 GB of buffers: more than this machine has, so the sweep never starts.
        CliRun refused = run("run", sweep.toString(), "--output", dataset.toString(), "--dry-run");
        assertEquals(SirenSweep.BAD_INPUT, refused.exit(), refused.out());
        String refusal = refused.err().trim();
        assertTrue(
                refusal.contains("grid: trial ")
                        && refusal.contains(
                                " {resolution=512, supervision=laplacian, "
                                        + "batch_size=0, width=1024, depth=3} needs 46.24 GB of training buffers, more than the ")
                        && refusal.contains(" an executor has (local mode: ")
                        && !refusal.contains("\n"),
                refusal);
        assertFalse(Files.exists(dataset), "nothing written");

        // Told an executor has a terabyte, the run lets it through; the trial then meets the machine and fails
        // fast as a row, before allocating, while the other trial runs.
        long start = System.nanoTime();
        CliRun run = run(
                "run",
                sweep.toString(),
                "--output",
                dataset.toString(),
                "--master",
                "local[2]",
                "--max-trial-memory",
                "1t");
        assertEquals(RunCommand.SOME_FAILED, run.exit(), run.out() + run.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120), "refused before training");
        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Map<Integer, Row> byWidth = spark.read().parquet(dataset.toString()).collectAsList().stream()
                    .collect(Collectors.toMap(r -> r.<Integer>getAs("width"), r -> r));
            assertEquals("ok", byWidth.get(8).getAs("status"));
            assertEquals("failed", byWidth.get(1024).getAs("status"));
            String error = byWidth.get(1024).getAs("error");
            assertTrue(error.contains("InsufficientMemoryException") && error.contains("width 1024 needs"), error);
        } finally {
            spark.stop();
        }
    }

    @Test
    void aKilledDriversTrialContinuesFromItsCheckpointAndItsRowEqualsAnUninterruptedRunsInAnotherFolder()
            throws Exception {
        Path sweep = dir.resolve("long.yaml");
        Files.writeString(sweep, """
                name: long
                settings: {image: CAMERA, resolution: 32, width: 32, depth: 2, omega0: 10, epochs: 1500,
                           supervision: gradient, batch_size: 256, shuffle: true, lr: 1e-3}
                evaluation: {curve_interval: 50}
                checkpoint_minutes: 0.005
                """.replace("CAMERA", CAMERA));
        Path dataset = dir.resolve("long-out");
        Process driver = launchDriver(sweep, dataset, dir.resolve("long-driver.log"));
        Path checkpoints = dataset.resolve(ResultDataset.CHECKPOINTS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (savedStep(checkpoints) < 200 && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(
                driver.isAlive(),
                "the trial ended before it was killed: " + Files.readString(dir.resolve("long-driver.log")));
        driver.destroyForcibly(); // SIGKILL mid-trial, after a checkpoint
        driver.waitFor();
        assertTrue(resultFiles(dataset).isEmpty(), "no row yet");
        long saved = savedStep(checkpoints);
        CliRun verify = run("verify", dataset.toString());
        assertTrue(verify.out().contains("continues from step " + saved), verify.out());

        CliRun resumed = run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[1]");
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertEquals(-1, savedStep(checkpoints), "the checkpoint is removed once the row commits");
        Path again = dir.resolve("long-again");
        CliRun uninterrupted = run(
                "run",
                sweep.toString(),
                "--output",
                again.toString(),
                "--master",
                "local[1]",
                "--checkpoint-minutes",
                "0");
        assertEquals(0, uninterrupted.exit(), uninterrupted.out() + uninterrupted.err());
        assertEquals(0, run("verify", dataset.toString()).exit());

        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Row continued = spark.read().parquet(dataset.toString()).first();
            Row whole = spark.read().parquet(again.toString()).first();
            assertEquals(saved, (long) continued.<Long>getAs("resumed_from_step"));
            assertEquals(0L, (long) whole.<Long>getAs("resumed_from_step"));
            assertEquals((Object) whole.getAs("trial_id"), continued.getAs("trial_id"));
            for (String column : List.of("status", "steps", "final_loss", "psnr", "psnr_affine")) {
                assertEquals((Object) whole.getAs(column), continued.getAs(column), column);
            }
            assertEquals(curveWithoutTimes(whole), curveWithoutTimes(continued));
            assertArrayEquals(weights(whole), weights(continued), "bit for bit");
            assertEquals(images(whole), images(continued), "the same PNG bytes");
        } finally {
            spark.stop();
        }
    }

    @Test
    void successiveHalvingStopsAllButTheBestAtEachRungAndADriverKilledMidRungEndsWithTheSameRows() throws Exception {
        Path sweep = dir.resolve("halving.yaml");
        Files.writeString(sweep, """
                name: halving
                settings: {image: CAMERA, resolution: 32, width: 32, depth: 2, omega0: 10, supervision: vanilla}
                sample:
                  trials: 9
                  lr: loguniform(1e-4, 1e-2)
                early_stopping: {metric: psnr, grace_epochs: 100, reduction_factor: 3, max_epochs: 1000}
                evaluation: {curve_interval: 40}
                checkpoint_minutes: 0.001
                """.replace("CAMERA", CAMERA));
        // Uninterrupted: rungs at 100 and 300; 9 trials, 3 go on at 100, 1 at 300 and trains to 1000.
        Path whole = dir.resolve("halving-whole");
        CliRun run = run("run", sweep.toString(), "--output", whole.toString(), "--master", "local[2]");
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("rung at epoch 100: 9 trials reached it, 3 go on, 6 stop there"), run.out());
        assertTrue(run.out().contains("rung at epoch 300: 3 trials reached it, 1 go on, 2 stop there"), run.out());
        assertTrue(run.out().contains("successive halving: 2,200 optimiser steps taken, 24% of the 9,000"), run.out());
        CliRun verify = run("verify", whole.toString());
        assertEquals(0, verify.exit(), verify.out());
        assertTrue(verify.out().contains("9 rows (ok 1, stopped 8)"), verify.out());
        assertEquals(List.of(), checkpointEpochs(whole.resolve(ResultDataset.CHECKPOINTS)), "no checkpoint is left");

        // Killed mid-rung: after the first rung's decision, with a trial part-way to the second rung.
        Path killed = dir.resolve("halving-killed");
        Path log = dir.resolve("halving-driver.log");
        Process driver = launchDriver(sweep, killed, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (driver.isAlive()
                && System.nanoTime() < deadline
                && !(Files.readString(log).contains("rung at epoch 100")
                        && checkpointEpochs(killed.resolve(ResultDataset.CHECKPOINTS)).stream()
                                .anyMatch(e -> e > 100 && e < 300))) {
            Thread.sleep(10);
        }
        assertTrue(driver.isAlive(), "the sweep ended before it was killed: " + Files.readString(log));
        assertFalse(Files.readString(log).contains("rung at epoch 300"), "killed on the way to the second rung");
        driver.destroyForcibly();
        driver.waitFor();
        assertTrue(resultFiles(killed).size() < 9, "rows before the kill: " + resultFiles(killed));
        CliRun resumed = run("run", sweep.toString(), "--output", killed.toString(), "--master", "local[1]");
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());

        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Map<String, Row> expected = rowsById(spark, whole);
            Map<String, Row> actual = rowsById(spark, killed);
            assertEquals(expected.keySet(), actual.keySet());
            Map<Integer, Long> stoppedAt = expected.values().stream()
                    .collect(Collectors.groupingBy(
                            r -> r.<Row>getList(r.fieldIndex("curve"))
                                    .get(r.getList(r.fieldIndex("curve")).size() - 1)
                                    .<Integer>getAs("epoch"),
                            Collectors.counting()));
            assertEquals(Map.of(100, 6L, 300, 2L, 1000, 1L), stoppedAt, "the epoch each trial's row ends at");
            for (String id : expected.keySet()) {
                Row a = expected.get(id);
                Row b = actual.get(id);
                assertEquals((Object) a.getAs("status"), b.getAs("status"), id);
                assertEquals(curveWithoutTimes(a), curveWithoutTimes(b), id);
                assertArrayEquals(weights(a), weights(b), id + ": bit for bit");
            }
            // The six stopped at 100 are the six worst there.
            List<Double> atHundred = expected.values().stream()
                    .map(r -> r.<Row>getList(r.fieldIndex("curve")).stream()
                            .filter(p -> p.<Integer>getAs("epoch") == 100)
                            .findFirst()
                            .orElseThrow()
                            .<Double>getAs("psnr"))
                    .sorted()
                    .toList();
            double worstGoingOn = atHundred.get(6);
            expected.values().forEach(r -> {
                double psnr = r.<Row>getList(r.fieldIndex("curve")).stream()
                        .filter(p -> p.<Integer>getAs("epoch") == 100)
                        .findFirst()
                        .orElseThrow()
                        .getAs("psnr");
                int lastEpoch = r.<Row>getList(r.fieldIndex("curve"))
                        .get(r.getList(r.fieldIndex("curve")).size() - 1)
                        .getAs("epoch");
                assertEquals(psnr >= worstGoingOn, lastEpoch > 100, "psnr " + psnr + " at 100, ends at " + lastEpoch);
            });
        } finally {
            spark.stop();
        }
    }

    @Test
    void packedTrialsEndWithTheRowsTheyHaveAlone() throws Exception {
        String yaml = """
                name: packed
                settings: {image: CAMERA, resolution: 16, width: 16, depth: 2, omega0: 10, epochs: 30,
                           supervision: gradient, batch_size: 64}
                grid: {lr: [1e-3, 3e-3], seed: [0, 1, 2], shuffle: [false, true]}
                evaluation: {curve_interval: 10}
                pack: PACK
                """.replace("CAMERA", CAMERA);
        Path packed = dir.resolve("packed.yaml");
        Files.writeString(packed, yaml.replace("PACK", "5"));
        Path alone = dir.resolve("alone.yaml");
        Files.writeString(alone, yaml.replace("PACK", "off"));
        CliRun dry = run(
                "run",
                packed.toString(),
                "--dry-run",
                "--output",
                dir.resolve("unused").toString(),
                "--master",
                "local[2]");
        assertTrue(
                dry.out()
                        .contains("3 Spark tasks for the first 12 trials (packs of 5, 2 trials trained side by "
                                + "side; the largest pack needs 13.0 MB)"),
                dry.out());
        CliRun packedRun = run(
                "run", packed.toString(), "--output", dir.resolve("packed-out").toString(), "--master", "local[2]");
        assertEquals(0, packedRun.exit(), packedRun.out() + packedRun.err());
        CliRun aloneRun = run(
                "run", alone.toString(), "--output", dir.resolve("alone-out").toString(), "--master", "local[2]");
        assertEquals(0, aloneRun.exit(), aloneRun.out() + aloneRun.err());
        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            Map<String, Row> a = rowsById(spark, dir.resolve("alone-out"));
            Map<String, Row> b = rowsById(spark, dir.resolve("packed-out"));
            assertEquals(12, a.size());
            assertEquals(a.keySet(), b.keySet(), "the pack setting is not part of a trial's id");
            for (String id : a.keySet()) {
                assertEquals(curveWithoutTimes(a.get(id)), curveWithoutTimes(b.get(id)), id);
                assertArrayEquals(weights(a.get(id)), weights(b.get(id)), id + ": bit for bit");
                assertEquals(images(a.get(id)), images(b.get(id)), id);
            }
        } finally {
            spark.stop();
        }
    }

    /** The epochs of the checkpoints under {@code folder}. */
    private static List<Integer> checkpointEpochs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(CheckpointFile.SUFFIX))
                    .flatMap(p -> CheckpointFile.peek(Location.local(p)).stream())
                    .map(CheckpointFile.Progress::epoch)
                    .toList();
        }
    }

    /** The step of the one checkpoint under {@code folder}, or -1 when there is none (yet, or any more). */
    private static long savedStep(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(CheckpointFile.SUFFIX))
                    .findFirst()
                    .flatMap(p -> CheckpointFile.peek(Location.local(p)))
                    .map(CheckpointFile.Progress::step)
                    .orElse(-1L);
        }
    }

    private static List<List<Object>> curveWithoutTimes(Row row) {
        return row.<Row>getList(row.fieldIndex("curve")).stream()
                .map(p -> List.<Object>of(
                        p.getAs("step"), p.getAs("epoch"), p.getAs("loss"), p.getAs("psnr"), p.getAs("psnr_affine")))
                .toList();
    }

    private static float[] weights(Row row) throws IOException {
        Path file = Files.createTempFile("weights", ".npz");
        try {
            Files.write(file, (byte[]) row.getAs("weights_npz"));
            return NpzWeights.read(file).parameters().toFloatVector();
        } finally {
            Files.delete(file);
        }
    }

    private static Map<String, String> images(Row row) {
        return row.<Row>getList(row.fieldIndex("images")).stream()
                .collect(Collectors.toMap(
                        i -> i.getAs("kind") + "@" + i.getAs("size"), i -> Arrays.toString((byte[]) i.getAs("png"))));
    }

    /** {@code run} in a new JVM, on one local core. */
    private static Process launchDriver(Path sweep, Path dataset, Path log) throws IOException {
        return CliRun.inNewJvm(
                List.of("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[1]"), log);
    }

    @Test
    void bestRanksByAMeasureWithinGroupsAndCompactWritesOneFileEveryReaderOpens() throws Exception {
        Path sweep = sweepFile("ranked", "{lr: [1e-3, 3e-3], seed: [0, 1, 2]}", 10);
        Path dataset = dir.resolve("ranked-out");
        assertEquals(
                0,
                run("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[2]")
                        .exit());
        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        Map<String, Double> bestPerLr = new HashMap<>();
        Map<String, String> winner = new HashMap<>();
        Map<String, double[]> psnrAndSeconds = new HashMap<>();
        try {
            for (Row r : spark.read().parquet(dataset.toString()).collectAsList()) {
                String s = String.valueOf((double) r.<Double>getAs("lr"));
                double value = r.getAs("psnr_determined");
                psnrAndSeconds.put(r.getAs("trial_id"), new double[] {value, r.<Double>getAs("train_s")});
                if (value > bestPerLr.getOrDefault(s, Double.NEGATIVE_INFINITY)) {
                    bestPerLr.put(s, value);
                    winner.put(s, r.getAs("trial_id"));
                }
            }
        } finally {
            spark.stop();
        }
        CliRun best = run("best", dataset.toString(), "--by", "lr");
        assertEquals(0, best.exit(), best.err());
        for (String s : List.of("0.001", "0.003")) {
            String line = best.out()
                    .lines()
                    .filter(l -> l.startsWith(s + " "))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    line.contains(winner.get(s)) && line.contains(String.format("%.4g", bestPerLr.get(s))), best.out());
            assertTrue(line.matches(".*\\s1\\s.*"), "rank 1: " + line);
        }
        assertTrue(best.out().lines().anyMatch(l -> l.contains("seed")), "the varied setting is shown: " + best.out());
        CliRun lowest = run("best", dataset.toString(), "--metric", "gradient_error", "--top", "3");
        assertTrue(
                lowest.out().contains("lower is better")
                        && lowest.out()
                                        .lines()
                                        .filter(l -> l.matches("^\\d .*"))
                                        .count()
                                == 3,
                lowest.out());
        // The Pareto front of PSNR and training seconds: exactly the trials no other has at least as good on both and
        // better on one, as read back by Spark.
        CliRun front = run("best", dataset.toString(), "--pareto", "psnr_determined,train_s");
        assertEquals(0, front.exit(), front.err());
        assertTrue(front.out().contains("psnr_determined (higher is better), train_s (lower is better)"), front.out());
        for (Map.Entry<String, double[]> t : psnrAndSeconds.entrySet()) {
            double[] v = t.getValue();
            boolean beaten = psnrAndSeconds.values().stream()
                    .anyMatch(o -> o[0] >= v[0] && o[1] <= v[1] && (o[0] > v[0] || o[1] < v[1]));
            assertEquals(!beaten, front.out().contains(t.getKey()), t.getKey() + " in " + front.out());
        }
        // All six trials have one size: the front of PSNR and parameter count is the best PSNR alone.
        CliRun size = run("best", dataset.toString(), "--pareto", "psnr_determined,parameters");
        assertEquals(0, size.exit(), size.err());
        double bestPsnr = bestPerLr.values().stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElseThrow();
        psnrAndSeconds.forEach(
                (id, v) -> assertEquals(v[0] == bestPsnr, size.out().contains(id), size.out()));
        CliRun mixed = run("best", dataset.toString(), "--pareto", "psnr_determined,train_s", "--top", "2");
        assertEquals(SirenSweep.BAD_INPUT, mixed.exit());
        assertTrue(mixed.err().contains("leave out --top"), mixed.err());
        CliRun one = run("best", dataset.toString(), "--pareto", "psnr_determined");
        assertEquals(SirenSweep.BAD_INPUT, one.exit());
        assertTrue(one.err().contains("two or more different measures"), one.err());
        CliRun unknown = run("best", dataset.toString(), "--metric", "psnr_afine");
        assertEquals(SirenSweep.BAD_INPUT, unknown.exit());
        assertTrue(unknown.err().contains("'psnr_afine' is not a numeric column"), unknown.err());

        Path compact = dir.resolve("ranked.parquet");
        CliRun written = run("compact", dataset.toString(), "--out", compact.toString());
        assertEquals(0, written.exit(), written.err());
        assertTrue(written.out().contains("6 rows without images and weights"), written.out());
        Process python = new ProcessBuilder(TestPython.executable(), "-c", """
                import sys, duckdb, pyarrow.parquet as pq
                t = pq.read_table(sys.argv[1])
                assert t.num_rows == 6 and "images" not in t.column_names and "weights_npz" not in t.column_names
                assert "curve" in t.column_names and "psnr_determined" in t.column_names
                print("duckdb", duckdb.sql(f"select count(distinct trial_id) from '{sys.argv[1]}'").fetchone()[0])
                """, compact.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes());
        assertEquals(0, python.waitFor(), output);
        assertTrue(output.contains("duckdb 6"), output);
    }

    @Test
    void aSecondRunOnTheSameDatasetIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        Path sweep = sweepFile("locked", "{seed: [0]}", 1);
        Path dataset = dir.resolve("locked-out");
        try (ResultDataset held = ResultDataset.open(Location.local(dataset), "locked", sweep.toString())) {
            assertTrue(Files.isDirectory(held.folder().localPath().orElseThrow()));
            CliRun second = run("run", sweep.toString(), "--output", dataset.toString());
            assertEquals(SirenSweep.BAD_INPUT, second.exit());
            assertTrue(second.err().contains("is being written by another run"), second.err());
        }
        CliRun other = run("run", sweepFile("other", "{seed: [0]}", 1).toString(), "--output", dataset.toString());
        assertEquals(SirenSweep.BAD_INPUT, other.exit());
        assertTrue(other.err().contains("holds the results of sweep 'locked'"), other.err());
    }

    private static void assertPyarrowAndDuckDbRead(Path dataset, int rows) throws Exception {
        Process python = new ProcessBuilder(
                        TestPython.executable(), "-c", """
                import sys, duckdb, pyarrow.dataset as ds
                t = ds.dataset(sys.argv[1], format="parquet").to_table()
                assert t.num_rows == int(sys.argv[2]), t.num_rows
                assert t.schema.field("curve").type.value_type.field("psnr_affine") is not None
                assert t.schema.field("started_at").type.tz == "UTC"
                print("pyarrow", t.num_rows, len(set(t.column("trial_id").to_pylist())))
                rows, ids = duckdb.sql(f"select count(*), count(distinct trial_id) from '{sys.argv[1]}/*.parquet'").fetchone()
                print("duckdb", rows, ids)
                """, dataset.toString(), String.valueOf(rows))
                .redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes());
        assertEquals(0, python.waitFor(), output);
        assertTrue(output.contains("pyarrow " + rows + " " + rows), output);
        assertTrue(output.contains("duckdb " + rows + " " + rows), output);
    }

    private static List<Path> resultFiles(Path dataset) throws IOException {
        if (!Files.isDirectory(dataset)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dataset)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .sorted()
                    .toList();
        }
    }

    private static Map<Path, FileTime> modificationTimes(Path dataset) throws IOException {
        Map<Path, FileTime> times = new HashMap<>();
        for (Path p : resultFiles(dataset)) {
            times.put(p, Files.getLastModifiedTime(p));
        }
        return times;
    }
}
