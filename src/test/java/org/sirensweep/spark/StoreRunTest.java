package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sirensweep.cli.CliRun;
import org.sirensweep.cli.SirenSweep;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.HdfsServer;
import org.sirensweep.files.Location;
import org.sirensweep.files.S3Server;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultFiles;
import org.sirensweep.trial.CheckpointFile;

/**
 * Sweeps whose dataset lives in HDFS (MiniDFSCluster) and in S3 (S3Proxy through s3a://), with the guarantees of a
 * local folder: the driver killed with SIGKILL mid-trial, a resume that takes over its lock, quarantines a foreign
 * file and continues the trial from its checkpoint, and rows equal bit for bit to an uninterrupted run's; a second
 * run refused while one holds the lock; verify clean; a missing bucket and an unwritable folder refused in one line.
 */
class StoreRunTest {
    @TempDir
    static Path dir;

    private static HdfsServer hdfs;
    private static S3Server s3;

    @BeforeAll
    static void startStores() throws Exception {
        hdfs = HdfsServer.start(dir.resolve("hdfs"));
        s3 = S3Server.start(dir.resolve("s3"));
    }

    @AfterAll
    static void stopStores() {
        if (hdfs != null) {
            hdfs.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static Stream<String> stores() {
        return Stream.of("hdfs", "s3");
    }

    /** Where datasets go on {@code store}, and the {@code --conf} arguments that reach it. */
    private record Store(String root, List<String> conf, FileSettings settings) {
        Location location(String name) {
            return Location.of(root + "/" + name, settings);
        }

        List<String> args(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(conf);
            return all;
        }
    }

    private static Store store(String name) {
        if (name.equals("hdfs")) {
            return new Store(hdfs.uri() + "/runs", List.of(), FileSettings.NONE);
        }
        return new Store(
                "s3a://" + S3Server.BUCKET + "/runs", s3.confArguments(), FileSettings.NONE.with(s3.settings()));
    }

    /**
     * Two trials, trained one after the other ({@code local[1]}), checkpointing every 0.3 s; the image is read from
     * the store too.
     */
    private static Path sweepFile(Store store, String name) throws IOException {
        Location image = store.location("images/camera.png");
        image.write(Files.readAllBytes(Path.of("data/camera.png")), store.location("images/.camera.tmp"));
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: NAME
                settings: {image: IMAGE, resolution: 32, width: 32, depth: 2, omega0: 10, epochs: 600,
                           supervision: gradient, batch_size: 256, shuffle: true, lr: 1e-3}
                grid: {seed: [0, 1]}
                evaluation: {curve_interval: 50, render_sizes: [48]}
                checkpoint_minutes: 0.005
                """.replace("NAME", name).replace("IMAGE", image.toString()));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aDriverKilledMidTrialResumesFromItsCheckpointAndEndsWithTheRowsOfAnUninterruptedRun(String storeName)
            throws Exception {
        Store store = store(storeName);
        Path sweep = sweepFile(store, "killed-" + storeName);
        Location dataset = store.location("killed");
        Path log = dir.resolve("driver-" + storeName + ".log");
        Process driver = CliRun.inNewJvm(
                store.args("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[1]"), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!(rows(dataset) == 1 && savedStep(dataset) >= 200) && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(driver.isAlive(), "the sweep ended before it was killed: " + Files.readString(log));
        driver.destroyForcibly(); // SIGKILL: the second trial in flight, after a checkpoint
        driver.waitFor();
        assertEquals(1, rows(dataset), "the first trial's row only");
        long saved = savedStep(dataset);
        assertTrue(dataset.resolve("_lock").isFile(), "a killed driver leaves its lock");

        CliRun check = CliRun.here(store.args("verify", dataset.toString()).toArray(String[]::new));
        assertTrue(check.out().contains("continues from step " + saved), check.out() + check.err());

        // A file that is not one of the sweep's rows is moved out of the readers' way by the resume.
        dataset.resolve("notes.parquet").write("someone's notes".getBytes(), dataset.resolve("_notes.tmp"));
        CliRun resumed =
                CliRun.here(store.args("run", sweep.toString(), "--output", dataset.toString(), "--master", "local[1]")
                        .toArray(String[]::new));
        assertEquals(0, resumed.exit(), resumed.out() + resumed.err());
        assertTrue(dataset.resolve("_quarantine").resolve("notes.parquet").isFile(), "quarantined");
        assertFalse(dataset.resolve("notes.parquet").exists(), "moved, not copied");
        assertTrue(resumed.out().contains("1 already in"), resumed.out());
        assertEquals(2, rows(dataset), "one row per trial");
        assertEquals(
                List.of(),
                dataset.resolve(ResultDataset.CHECKPOINTS).files(),
                "no checkpoint is left once the rows commit");
        assertFalse(dataset.resolve("_lock").exists(), "the lock goes with the run");
        assertFalse(dataset.resolve(ResultFiles.STAGING).exists(), "no unfinished write is left");
        assertTrue(dataset.resolve(ResultDataset.REPORT).isFile(), "the report page is there");

        Location whole = store.location("uninterrupted");
        CliRun uninterrupted = CliRun.here(store.args(
                        "run",
                        sweep.toString(),
                        "--output",
                        whole.toString(),
                        "--master",
                        "local[1]",
                        "--checkpoint-minutes",
                        "0")
                .toArray(String[]::new));
        assertEquals(0, uninterrupted.exit(), uninterrupted.out() + uninterrupted.err());
        CliRun same = CliRun.here(store.args("verify", dataset.toString(), "--against", whole.toString())
                .toArray(String[]::new));
        assertEquals(0, same.exit(), same.out() + same.err());
        assertTrue(same.out().contains("0 problems"), same.out());
        assertTrue(same.out().contains("2 trials in both, 2 the same bit for bit"), same.out());

        CliRun best = CliRun.here(store.args("best", dataset.toString()).toArray(String[]::new));
        assertEquals(0, best.exit(), best.out() + best.err());
        Location compact = store.location("compact.parquet");
        CliRun compacted = CliRun.here(store.args("compact", dataset.toString(), "--out", compact.toString())
                .toArray(String[]::new));
        assertEquals(0, compacted.exit(), compacted.out() + compacted.err());
        assertTrue(compact.isFile());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock(String storeName) throws Exception {
        Store store = store(storeName);
        Path sweep = sweepFile(store, "locked-" + storeName);
        Location dataset = store.location("locked");
        try (ResultDataset held = ResultDataset.open(dataset, "locked-" + storeName, sweep.toString())) {
            CliRun second = CliRun.here(store.args("run", sweep.toString(), "--output", dataset.toString())
                    .toArray(String[]::new));
            assertEquals(SirenSweep.BAD_INPUT, second.exit(), second.out() + second.err());
            assertTrue(
                    second.err()
                            .contains("is being written by another run of sweep 'locked-" + storeName
                                    + "' (its _lock is held: process "
                                    + ProcessHandle.current().pid()),
                    second.err());
            assertFalse(second.err().trim().contains("\n"), "one line: " + second.err());
        }
        assertFalse(dataset.resolve("_lock").exists(), "released");
    }

    @org.junit.jupiter.api.Test
    void aLeaseRenewedLatelyByAnotherHostIsRespectedAndOneSilentPastItsExpiryIsTakenOver() throws Exception {
        Store store = store("hdfs");
        Location dataset = store.location("leased");
        Location lock = dataset.resolve("_lock");
        String fresh = "{\"owner\": \"x\", \"host\": \"elsewhere\", \"pid\": 1, \"since\": \"T\", "
                + "\"renewed_at\": \"" + Instant.now() + "\"}";
        lock.write(fresh.getBytes(), dataset.resolve("_lock.tmp"));
        ResultDataset.DatasetException refused = assertThrows(
                ResultDataset.DatasetException.class, () -> ResultDataset.open(dataset, "leased", "leased.yaml"));
        assertTrue(refused.getMessage().contains("its _lock is held: process 1 on elsewhere"), refused.getMessage());

        String silent = fresh.replaceAll(
                "renewed_at\": \"[^\"]*", "renewed_at\": \"" + Instant.now().minusSeconds(300));
        lock.write(silent.getBytes(), dataset.resolve("_lock.tmp"));
        try (ResultDataset taken = ResultDataset.open(dataset, "leased", "leased.yaml")) {
            String now = new String(lock.readAllBytes());
            assertTrue(now.contains("\"pid\":" + ProcessHandle.current().pid()), now);
        }
        assertFalse(lock.exists(), "released at the end");
    }

    @org.junit.jupiter.api.Test
    void aMissingBucketAndAnUnwritableFolderAreRefusedInOneLineBeforeAnyTraining() throws Exception {
        Store onS3 = store("s3");
        Path sweep = sweepFile(onS3, "refused");
        CliRun noBucket = CliRun.here(onS3.args("run", sweep.toString(), "--output", "s3a://nosuchbucket/runs")
                .toArray(String[]::new));
        assertEquals(SirenSweep.BAD_INPUT, noBucket.exit(), noBucket.out() + noBucket.err());
        assertEquals(1, noBucket.err().trim().lines().count(), noBucket.err());
        assertTrue(
                noBucket.err().startsWith("siren-sweep run: --output: s3a://nosuchbucket/runs cannot be "),
                noBucket.err());
        assertTrue(noBucket.err().contains("nosuchbucket"), noBucket.err());

        // HDFS checks permissions for any user but the one that started it: another user may not write here.
        Store onHdfs = store("hdfs");
        Location protectedFolder = onHdfs.location("protected");
        protectedFolder.makeFolders();
        Path log = dir.resolve("guest.log");
        Process guest = CliRun.inNewJvm(
                List.of(
                        "run",
                        sweepFile(onHdfs, "refused-guest").toString(),
                        "--output",
                        protectedFolder.resolve("runs").toString()),
                log,
                Map.of("HADOOP_USER_NAME", "guest"));
        assertTrue(guest.waitFor(120, TimeUnit.SECONDS));
        List<String> said = Files.readAllLines(log).stream()
                .filter(l -> l.startsWith("siren-sweep run: "))
                .toList();
        assertEquals(SirenSweep.BAD_INPUT, guest.exitValue(), Files.readString(log));
        assertEquals(1, said.size(), Files.readString(log));
        assertTrue(
                said.get(0)
                        .startsWith("siren-sweep run: --output: " + protectedFolder.resolve("runs")
                                + " cannot be created or written (" + protectedFolder + " is not a writable folder)"),
                said.get(0));
        assertFalse(protectedFolder.resolve("runs").exists(), "nothing written");
    }

    private static int rows(Location dataset) throws IOException {
        return (int) dataset.files().stream()
                .filter(e -> e.name().endsWith(ResultFiles.SUFFIX))
                .count();
    }

    /**
     * The step of the checkpoint of a trial without a row under {@code dataset}, or -1 when there is none (a finished
     * trial's checkpoint lives on for a moment after its row commits).
     */
    private static long savedStep(Location dataset) throws IOException {
        return dataset.resolve(ResultDataset.CHECKPOINTS).files().stream()
                .filter(e -> e.name().endsWith(CheckpointFile.SUFFIX))
                .filter(e -> !exists(ResultFiles.fileOf(
                        dataset, e.name().substring(0, e.name().length() - CheckpointFile.SUFFIX.length()))))
                .flatMap(e -> CheckpointFile.peek(e.location()).stream())
                .mapToLong(CheckpointFile.Progress::step)
                .max()
                .orElse(-1);
    }

    private static boolean exists(Location file) {
        try {
            return file.exists();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
