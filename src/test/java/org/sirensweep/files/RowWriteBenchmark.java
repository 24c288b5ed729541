package org.sirensweep.files;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.sirensweep.cli.CliRun;

/**
 * What a dataset on S3 costs against a local folder, for the quickstart's trials (benchmarks/store.sh): the sweep run
 * end to end into each (wall time: local, S3, local again), and each of its rows written again to a local folder, HDFS (MiniDFSCluster) and
 * S3 (S3Proxy on loopback, through s3a://): the median of 15 writes per row, the stores taking turns. Prints figures, asserts nothing.
 * Usage: SWEEP_FILE WORK_FOLDER
 */
public final class RowWriteBenchmark {
    private static final int REPEATS = 15;

    private RowWriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path sweep = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        try (S3Server s3 = S3Server.start(work.resolve("s3"));
                HdfsServer hdfs = HdfsServer.start(work.resolve("hdfs"))) {
            FileSettings toS3 = FileSettings.NONE.with(s3.settings());
            Path local = work.resolve("local-run");
            String remote = "s3a://" + S3Server.BUCKET + "/quickstart-" + UUID.randomUUID();
            // Local, S3, local again: the first run of a JVM is the slowest (JIT), so S3 is compared with both.
            double localSeconds = run(sweep, local.toString(), List.of());
            double s3Seconds = run(sweep, remote, s3.confArguments());
            double againSeconds = run(sweep, work.resolve("local-again").toString(), List.of());
            out.printf(
                    "the sweep run, local[2]: %.1f s into a local folder, %.1f s into S3, %.1f s into a local "
                            + "folder again (S3 %+.1f %% against the mean of the local runs)%n",
                    localSeconds, s3Seconds, againSeconds, 100 * (s3Seconds / ((localSeconds + againSeconds) / 2) - 1));

            List<Path> rows;
            try (var list = Files.list(local)) {
                rows = list.filter(p -> p.toString().endsWith(".parquet"))
                        .sorted()
                        .toList();
            }
            Location localFolder = Location.local(work.resolve("rows-local"));
            Location hdfsFolder = Location.of(hdfs.uri() + "/rows", FileSettings.NONE);
            Location s3Folder = Location.of("s3a://" + S3Server.BUCKET + "/rows", toS3);
            double[] sums = new double[3];
            long bytes = 0;
            Location[] folders = {localFolder, hdfsFolder, s3Folder};
            for (Path row : rows) {
                byte[] content = Files.readAllBytes(row);
                bytes += content.length;
                double[][] times = new double[3][REPEATS];
                for (int i = 0; i < REPEATS; i++) { // the stores take turns, so drift hits all alike
                    for (int f = 0; f < 3; f++) {
                        Location file = folders[f].resolve(row.getFileName().toString());
                        long start = System.nanoTime();
                        file.write(content, folders[f].resolve("_staging").resolve(file.name() + "." + i));
                        times[f][i] = (System.nanoTime() - start) / 1e6;
                    }
                }
                double[] ms = new double[3];
                for (int f = 0; f < 3; f++) {
                    Arrays.sort(times[f]);
                    ms[f] = times[f][REPEATS / 2];
                    sums[f] += ms[f];
                }
                out.printf(
                        "row %s (%.2f MB): local %.1f ms, HDFS %.1f ms, S3 %.1f ms%n",
                        row.getFileName(), content.length / 1e6, ms[0], ms[1], ms[2]);
            }
            out.printf(
                    "per row, mean of %d (%.2f MB each): local %.1f ms, HDFS %.1f ms, S3 %.1f ms; S3 adds %.1f ms, "
                            + "%.3f %% of a quickstart trial's %.1f s (the run's wall time over its %d trials, 2 at once)%n",
                    rows.size(),
                    bytes / 1e6 / rows.size(),
                    sums[0] / rows.size(),
                    sums[1] / rows.size(),
                    sums[2] / rows.size(),
                    (sums[2] - sums[0]) / rows.size(),
                    100 * (sums[2] - sums[0]) / rows.size() / 1e3 / (localSeconds * 2 / rows.size()),
                    localSeconds * 2 / rows.size(),
                    rows.size());
        }
    }

    private static double run(Path sweep, String output, List<String> conf) {
        List<String> args =
                new ArrayList<>(List.of("run", sweep.toString(), "--output", output, "--master", "local[2]"));
        args.addAll(conf);
        long start = System.nanoTime();
        CliRun run = CliRun.here(args.toArray(String[]::new));
        if (run.exit() != 0) {
            throw new IllegalStateException("the run failed: " + run.out() + run.err());
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
