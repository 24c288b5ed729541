package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sirensweep.sweep.SweepFileTest;
import picocli.CommandLine;

/**
 * The bad-input matrix of {@code siren-sweep run}: every bad sweep file and every bad argument gives exit code 2 and
 * one line naming the problem, and nothing is created or changed on disk.
 */
class RunBadInputTest {
    @TempDir
    Path dir;

    private static final String GOOD =
            """
            name: good
            settings: {image: CAMERA, resolution: 16, width: 8, depth: 1, epochs: 1}
            grid: {seed: [0, 1, 2]}
            """.replace("CAMERA", Path.of("data/camera.png").toAbsolutePath().toString());

    static Stream<List<String>> badFiles() {
        return SweepFileTest.badFiles();
    }

    @ParameterizedTest(name = "sweep file: {0}")
    @MethodSource("badFiles")
    void everyBadSweepFileIsRefusedBeforeAnythingIsWritten(List<String> testCase) throws Exception {
        Path file = SweepFileTest.writeCase(dir, testCase);
        assertRefused(
                List.of("run", file.toString(), "--output", dir.resolve("out").toString(), "--max-trials", "20"),
                testCase.get(2),
                testCase.get(0));
    }

    @ParameterizedTest(name = "arguments: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "output is a file            | --output @/afile                   | is a file, not a dataset folder",
                "output under a file         | --output @/afile/sub               | cannot be created or written",
                "output not writable         | --output /proc/siren-sweep-test    | cannot be created or written",
                "output of another sweep     | --output @/other                   | holds the results of sweep 'other'",
                "output not a dataset        | --output @/plain                   | holds Parquet files but no _sweep.json",
                "output in an unknown store  | --output nosuch://bucket/runs      | --output nosuch://bucket/runs: no file system for scheme 'nosuch'",
                "output on an unknown host   | --output hdfs://nonamenode:8020/runs | --output hdfs://nonamenode:8020/runs cannot be reached: UnknownHostException: nonamenode",
                "zero max trials             | --max-trials 0                     | --max-trials must be at least 1",
                "grid above max trials       | --max-trials 2                     | expands to 3 trials, more than the limit of 2",
                "not a master URL            | --master localhost                 | --master: 'localhost' is not a Spark master URL",
                "bad local master            | --master local[two]                | is not a Spark master URL",
                "unreachable master          | --master spark://127.0.0.1:1       | --master: cannot reach the Spark master spark://127.0.0.1:1 (127.0.0.1:1: Connection refused)",
                "unknown option              | --epochs 3                         | Unknown options: '--epochs'",
                "max trials not a number     | --max-trials many                  | 'many'",
                "trial beyond the memory     | --max-trial-memory 1m              | of training buffers, more than the 1.0 MB an executor has (--max-trial-memory 1m); use a smaller width",
                "memory not a size           | --max-trial-memory lots            | --max-trial-memory: 'lots' is not a memory size",
                "negative checkpoint minutes | --checkpoint-minutes -1            | --checkpoint-minutes must be between 0 (none) and 10080",
                "no store outage allowed     | --store-outage-minutes 0           | --store-outage-minutes must be more than 0 and at most 10080 (a week, a fixed limit), got 0.0",
            })
    void badArgumentsAreRefusedBeforeAnythingIsWritten(String name, String args, String expected) throws Exception {
        Path sweep = dir.resolve("good.yaml");
        Files.writeString(sweep, GOOD);
        Files.writeString(dir.resolve("afile"), "x");
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other/_sweep.json"), "{\"sweep\": \"other\"}");
        Files.createDirectories(dir.resolve("plain"));
        Files.writeString(dir.resolve("plain/data.parquet"), "someone else's");
        List<String> argv = new ArrayList<>(
                List.of("run", sweep.toString(), "--output", dir.resolve("out").toString()));
        String[] extra = args.replace("@", dir.toString()).trim().split("\\s+");
        for (int i = 0; i < extra.length; i += 2) {
            int at = argv.indexOf(extra[i]);
            if (at >= 0) {
                argv.set(at + 1, extra[i + 1]);
            } else {
                argv.add(extra[i]);
                argv.add(extra[i + 1]);
            }
        }
        assertRefused(argv, expected, name);
    }

    @Test
    void aTrialTooLargeForAClusterExecutorIsRefusedBeforeSparkStarts() throws Exception {
        Path sweep = dir.resolve("large.yaml");
        // A 256² Laplacian trial at width 256 plans 3.1 GB; an executor of the default 1g and its 384m overhead has
        // 1.4 GB (the master is never reached: the sweep is refused first).
        Files.writeString(
                sweep,
                GOOD.replace("resolution: 16, width: 8", "resolution: 256, width: 256, " + "supervision: laplacian"));
        long start = System.nanoTime();
        assertRefused(
                List.of(
                        "run",
                        sweep.toString(),
                        "--output",
                        dir.resolve("out").toString(),
                        "--master",
                        "spark://127.0.0.1:1"),
                "an executor has (spark.executor.memory 1g + memoryOverhead 384m, which the "
                        + "job's configuration can raise)",
                "large trial on a cluster");
        assertTrue(System.nanoTime() - start < 10e9, "refused within 10 s");
    }

    private void assertRefused(List<String> argv, String expected, String name) throws Exception {
        List<String> before = listing();
        CommandLine cli = SirenSweep.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(argv.toArray(String[]::new));
        String message = err.toString().trim();
        assertEquals(SirenSweep.BAD_INPUT, exit, name + ": " + message + out);
        assertFalse(message.contains("\n"), name + ": more than one line: " + message);
        assertTrue(message.contains(expected), name + ": " + message);
        assertEquals(before, listing(), name + ": files changed");
        assertFalse(Files.exists(Path.of("runs/bad")) || Files.exists(Path.of("runs/good")), "default output touched");
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.sorted().map(p -> p + ":" + p.toFile().length()).toList();
        }
    }
}
