package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.cli.RunCommand;
import org.sirensweep.cli.SirenSweep;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.HdfsServer;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultFiles;
import org.sirensweep.trial.CheckpointFile;

/**
 * The packaged jar on a real Spark standalone cluster on loopback: a master and two workers started from the
 * Maven-resolved Spark jars, each worker declaring two fake GPUs through the discovery script, the sweep submitted
 * with SparkSubmit, writing its dataset to HDFS (a MiniDFSCluster in this process). One worker is killed mid-sweep;
 * the dataset must still end with exactly one row per trial, and tasks running at the same time on one executor must
 * have had different GPUs.
 */
class ClusterIT {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final Path sparkHome = Path.of(System.getProperty("spark.home"));
    private final Path appJar = Path.of(System.getProperty("app.jar"));
    private final Path discovery = Path.of("src/main/spark/gpu-discovery.sh").toAbsolutePath();

    private HdfsServer hdfs;

    @AfterEach
    void stopCluster() {
        processes.forEach(Process::destroyForcibly);
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    void aSweepOnAStandaloneClusterSurvivesAWorkerKilledMidway() throws Exception {
        int masterPort = freePort();
        int masterUiPort = freePort();
        String masterUrl = "spark://127.0.0.1:" + masterPort;
        start(
                "master",
                List.of(
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        String.valueOf(masterPort),
                        "--webui-port",
                        String.valueOf(masterUiPort)),
                Map.of());
        Process[] workers = new Process[2];
        for (int w = 0; w < 2; w++) {
            workers[w] = start(
                    "worker" + w,
                    List.of(
                            "-Dspark.worker.resource.gpu.amount=2",
                            "-Dspark.worker.resource.gpu.discoveryScript=" + discovery,
                            "org.apache.spark.deploy.worker.Worker",
                            masterUrl,
                            "--host",
                            "127.0.0.1",
                            "--cores",
                            "2",
                            "--memory",
                            "3g",
                            "--webui-port",
                            String.valueOf(freePort()),
                            "--work-dir",
                            dir.resolve("work" + w).toString()),
                    Map.of("SIREN_SWEEP_FAKE_GPUS", w == 0 ? "0,1" : "2,3"));
        }
        waitForLog("master", "Registering worker", 2, 60);

        Path sweep = dir.resolve("cluster.yaml");
        Files.writeString(sweep, """
                name: cluster
                settings: {image: IMAGE, resolution: 32, width: 32, depth: 2, omega0: 10, epochs: 1000}
                grid: {supervision: [vanilla, gradient], seed: [0, 1, 2, 3, 4, 5]}
                checkpoint_minutes: 0.003
                """.replace(
                        "IMAGE", Path.of("data/camera.png").toAbsolutePath().toString()));
        hdfs = HdfsServer.start(dir.resolve("hdfs"));
        Location dataset = Location.of(hdfs.uri() + "/runs/dataset", FileSettings.NONE);

        // A job asking for more GPUs per executor than any worker has is refused in one line within its bound,
        // naming what it asked for and what the workers offer, instead of waiting for resources forever.
        long asked = System.nanoTime();
        Process greedy = start(
                "greedy",
                List.of(
                        "org.apache.spark.deploy.SparkSubmit",
                        "--master",
                        masterUrl,
                        "--conf",
                        "spark.executor.resource.gpu.amount=3",
                        "--conf",
                        "spark.task.resource.gpu.amount=1",
                        "--conf",
                        "spark.executor.resource.gpu.discoveryScript=" + discovery,
                        "--conf",
                        ClusterChecks.EXECUTOR_TIMEOUT + "=15",
                        "--conf",
                        ClusterChecks.MASTER_UI_PORT + "=" + masterUiPort,
                        "--class",
                        "org.sirensweep.cli.SirenSweep",
                        appJar.toString(),
                        "run",
                        sweep.toString(),
                        "--output",
                        dir.resolve("greedy-out").toString()),
                Map.of());
        assertTrue(greedy.waitFor(90, TimeUnit.SECONDS), "the job waited for resources:\n" + log("greedy"));
        assertEquals(RunCommand.NO_EXECUTORS, greedy.exitValue(), log("greedy"));
        assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(60), "refused within 60 s");
        List<String> refusal = log("greedy")
                .lines()
                .filter(l -> l.startsWith("siren-sweep run: "))
                .toList();
        assertEquals(
                List.of(
                        "siren-sweep run: no executor registered within 15 s (" + ClusterChecks.EXECUTOR_TIMEOUT
                                + "): the job asks for executors of all of a worker's cores and 1g memory with 3 GPUs, 1 cores and 1 "
                                + "GPU per task; the cluster's 2 alive workers have 4 free cores, 6144 MB free memory and 4 free GPUs"),
                refusal,
                log("greedy"));
        assertEquals(0, rows(dir.resolve("greedy-out")), "nothing trained");

        Process driver = start(
                "driver",
                List.of(
                        "org.apache.spark.deploy.SparkSubmit",
                        "--master",
                        masterUrl,
                        "--conf",
                        "spark.executor.cores=2",
                        "--conf",
                        "spark.executor.memory=1g",
                        "--conf",
                        "spark.executor.resource.gpu.amount=2",
                        "--conf",
                        "spark.task.resource.gpu.amount=1",
                        "--conf",
                        "spark.executor.resource.gpu.discoveryScript=" + discovery,
                        "--conf",
                        "spark.sirensweep.cpuWithGpus=true",
                        "--conf",
                        "spark.task.maxFailures=4",
                        "--class",
                        "org.sirensweep.cli.SirenSweep",
                        appJar.toString(),
                        "run",
                        sweep.toString(),
                        "--output",
                        dataset.toString()),
                Map.of());

        // Kill worker 1 (SIGKILL) once some rows exist and every running trial (four slots) has a checkpoint.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while ((rows(dataset) < 3 || checkpoints(dataset) < 4) && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(driver.isAlive(), "the sweep ended before a worker could be killed:\n" + log("driver"));
        int rowsAtKill = rows(dataset);
        workers[1].destroyForcibly();
        assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "driver did not finish:\n" + log("driver"));
        assertEquals(0, driver.exitValue(), log("driver"));
        assertTrue(rowsAtKill < 12, "the kill came after the last trial");
        String driverLog = log("driver");
        assertTrue(
                driverLog.contains("Lost executor") || driverLog.contains("lost executor"),
                "the killed worker's executor was noticed:\n" + driverLog);

        SparkSession spark =
                SparkSession.builder().master("local[1]").appName("read-back").getOrCreate();
        try {
            List<Row> table = spark.read().parquet(dataset.toString()).collectAsList();
            assertEquals(12, table.size(), "one row per trial");
            assertEquals(
                    12,
                    table.stream()
                            .map(r -> r.<String>getAs("trial_id"))
                            .distinct()
                            .count());
            assertTrue(table.stream().allMatch(r -> "ok".equals(r.getAs("status"))));
            assertTrue(table.stream().noneMatch(r -> "driver".equals(r.getAs("executor_id"))), "trained on executors");
            Map<String, List<Row>> byExecutor = new HashMap<>();
            for (Row r : table) {
                assertTrue(List.of("0", "1", "2", "3").contains(r.<String>getAs("gpu")), "gpu " + r.getAs("gpu"));
                byExecutor
                        .computeIfAbsent(r.getAs("executor_id"), k -> new ArrayList<>())
                        .add(r);
            }
            assertTrue(
                    table.stream().map(r -> r.<String>getAs("gpu")).distinct().count() >= 2);
            assertTrue(
                    table.stream().anyMatch(r -> r.<Long>getAs("resumed_from_step") > 0),
                    "the killed worker's trials continued from their checkpoints");
            for (List<Row> rows : byExecutor.values()) {
                for (Row a : rows) {
                    for (Row b : rows) {
                        if (a != b && overlap(a, b)) {
                            assertFalse(
                                    a.<String>getAs("gpu").equals(b.getAs("gpu")),
                                    "two concurrent tasks on GPU " + a.getAs("gpu"));
                        }
                    }
                }
            }
        } finally {
            spark.stop();
        }
        assertFalse(dataset.resolve(ResultFiles.STAGING).exists(), "no temporary files remain");
        assertEquals(0, checkpoints(dataset), "every checkpoint went with its row");
        assertFalse(dataset.resolve("_lock").exists(), "the run's lock went with it");
        String report = new String(dataset.resolve(ResultDataset.REPORT).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(
                report.contains("\"live\":null") && report.split("\"status\":\"ok\"", -1).length - 1 == 12,
                "the driver wrote the final report page with every row");

        // The same sweep in local mode, uninterrupted: every row has the same weights and curve, the resumed
        // ones included (one thread per task on both, as spark.task.cpus says).
        Path local = dir.resolve("local");
        int exit = SirenSweep.commandLine()
                .execute(
                        "run",
                        sweep.toString(),
                        "--output",
                        local.toString(),
                        "--master",
                        "local[2]",
                        "--checkpoint-minutes",
                        "0");
        assertEquals(0, exit);
        SparkSession reader =
                SparkSession.builder().master("local[1]").appName("compare").getOrCreate();
        try {
            Map<String, Row> cluster = byId(reader, dataset.toString());
            Map<String, Row> uninterrupted = byId(reader, local.toString());
            assertEquals(cluster.keySet(), uninterrupted.keySet());
            for (String id : cluster.keySet()) {
                Row a = cluster.get(id);
                Row b = uninterrupted.get(id);
                assertArrayEquals((byte[]) b.getAs("weights_npz"), (byte[]) a.getAs("weights_npz"), "weights of " + id);
                assertEquals((Object) b.getAs("final_loss"), a.getAs("final_loss"), "final loss of " + id);
                assertEquals((Object) b.getAs("psnr"), a.getAs("psnr"), "PSNR of " + id);
            }
        } finally {
            reader.stop();
        }

        // The last worker killed mid-sweep: with no executor left the driver does not wait forever, but stops
        // after its bound and says in one line how far the sweep got and that running again resumes.
        Path orphan = dir.resolve("orphan");
        Process abandoned = start(
                "abandoned",
                List.of(
                        "org.apache.spark.deploy.SparkSubmit",
                        "--master",
                        masterUrl,
                        "--conf",
                        "spark.executor.cores=2",
                        "--conf",
                        "spark.executor.memory=1g",
                        "--conf",
                        "spark.sirensweep.cpuWithGpus=true",
                        "--conf",
                        ClusterChecks.EXECUTOR_TIMEOUT + "=10",
                        "--class",
                        "org.sirensweep.cli.SirenSweep",
                        appJar.toString(),
                        "run",
                        sweep.toString(),
                        "--output",
                        orphan.toString()),
                Map.of());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (rows(orphan) < 1 && abandoned.isAlive() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(abandoned.isAlive(), "the sweep ended before its worker could be killed:\n" + log("abandoned"));
        workers[0].destroyForcibly();
        assertTrue(abandoned.waitFor(120, TimeUnit.SECONDS), "the driver waited for executors:\n" + log("abandoned"));
        assertEquals(RunCommand.INCOMPLETE, abandoned.exitValue(), log("abandoned"));
        int kept = rows(orphan);
        List<String> said = log("abandoned")
                .lines()
                .filter(l -> l.startsWith("incomplete: "))
                .toList();
        assertEquals(
                List.of("incomplete: " + kept + " of 12 trials have their rows, " + (12 - kept) + " have none "
                        + "(Spark: every executor was lost and none came back within 10 s ("
                        + ClusterChecks.EXECUTOR_TIMEOUT
                        + "); the workers or the master are gone); run the same command again to resume"),
                said,
                log("abandoned"));
    }

    private static Map<String, Row> byId(SparkSession spark, String dataset) {
        Map<String, Row> rows = new HashMap<>();
        spark.read().parquet(dataset).collectAsList().forEach(r -> rows.put(r.getAs("trial_id"), r));
        return rows;
    }

    private static int checkpoints(Location dataset) throws IOException {
        return (int) dataset.resolve(ResultDataset.CHECKPOINTS).files().stream()
                .filter(e -> e.name().endsWith(CheckpointFile.SUFFIX))
                .count();
    }

    private static boolean overlap(Row a, Row b) {
        Instant aStart = a.<java.sql.Timestamp>getAs("started_at").toInstant();
        Instant aEnd = a.<java.sql.Timestamp>getAs("finished_at").toInstant();
        Instant bStart = b.<java.sql.Timestamp>getAs("started_at").toInstant();
        Instant bEnd = b.<java.sql.Timestamp>getAs("finished_at").toInstant();
        return aStart.isBefore(bEnd) && bStart.isBefore(aEnd);
    }

    private Process start(String name, List<String> mainAndArgs, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")
                        || a.startsWith("-XX:+IgnoreUnrecognized")
                        || a.startsWith("-Djdk.reflect")
                        || a.startsWith("-Dio.netty"))
                .toList());
        command.addAll(List.of("-Xmx1g", "-cp", sparkHome.resolve("jars") + "/*"));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private String log(String name) throws IOException {
        Path file = dir.resolve(name + ".log");
        return Files.exists(file) ? Files.readString(file) : "(no log)";
    }

    private void waitForLog(String name, String text, int times, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log(name).split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " never logged '" + text + "' " + times + " times:\n" + log(name));
    }

    private static int rows(Location dataset) throws IOException {
        return (int) dataset.files().stream()
                .filter(e -> e.name().endsWith(".parquet"))
                .count();
    }

    private static int rows(Path dataset) throws IOException {
        if (!Files.isDirectory(dataset)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dataset)) {
            return (int) list.filter(p -> p.toString().endsWith(".parquet")).count();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
