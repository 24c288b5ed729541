package org.sirensweep.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.sirensweep.cli.CliRun;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.HdfsServer;
import org.sirensweep.files.Location;
import org.sirensweep.files.S3Server;
import org.sirensweep.store.ResultFiles;

/**
 * A store that goes away mid-sweep, as a user meets it: a 12-trial sweep (64², width 64, 300 epochs; vanilla,
 * gradient and Laplacian × 2 learning rates × 2 seeds; checkpoints every 3 s) run in a JVM of its own with {@code
 * --master local[2]} into S3 (S3Proxy on loopback through {@code s3a://}), HDFS (MiniDFSCluster) or a local folder
 * on a small file system, whose store goes away once 3 rows are in (S3Proxy killed; HDFS's datanode and namenode shut
 * down; the file system filled to the last byte) and comes back, on the same ports and files, after each outage asked
 * for. Each run is set beside an undisturbed run's rows ({@code verify --against}); a run that does not end with every
 * row is run again plainly. Prints one table row per run (Markdown). Run by {@code benchmarks/store-outage.sh}.
 *
 * <p>Arguments: a work folder, then the outages: {@code [hdfs:|disk:]seconds[/minutes]}, on S3 unless {@code hdfs:}
 * or {@code disk:} (a folder on a small file system, {@code $SIREN_SWEEP_SMALL_DISK}), with {@code
 * --store-outage-minutes minutes} where given (a bound the outage passes).
 */
public final class StoreOutageCheck {
    private static final Pattern OUTAGE = Pattern.compile("(?:(hdfs|disk):)?(\\d+)(?:/([0-9.]+))?");

    private final Path work;
    private final S3Server s3;
    private final HdfsServer hdfs;
    private final Path sweep;

    private StoreOutageCheck(Path work, S3Server s3, HdfsServer hdfs, Path sweep) {
        this.work = work;
        this.s3 = s3;
        this.hdfs = hdfs;
        this.sweep = sweep;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Files.createDirectories(work);
        try (S3Server s3 = S3Server.start(work.resolve("s3"));
                HdfsServer hdfs = HdfsServer.start(work.resolve("hdfs"))) {
            Location image = Location.of(
                    "s3a://" + S3Server.BUCKET + "/images/camera.png", FileSettings.NONE.with(s3.settings()));
            image.write(
                    Files.readAllBytes(Path.of("data/camera.png")),
                    image.parent().resolve(".camera.tmp"));
            Path sweep = work.resolve("outage.yaml");
            Files.writeString(sweep, """
                    name: outage
                    settings: {image: IMAGE, resolution: 64, width: 64, depth: 3, epochs: 300}
                    grid: {supervision: [vanilla, gradient, laplacian], lr: [1e-4, 3e-4], seed: [0, 1]}
                    evaluation: {curve_interval: 50, render_sizes: [96]}
                    checkpoint_minutes: 0.05
                    """.replace("IMAGE", image.toString()));
            StoreOutageCheck check = new StoreOutageCheck(work, s3, hdfs, sweep);
            System.out.println("| store | outage | bound | wall, exit | stderr lines (of them stack trace) | "
                    + "progress line told | rows | a plain re-run | against the undisturbed run |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            check.run(new Run("baseline", Store.S3, 0, null));
            for (int i = 1; i < args.length; i++) {
                Matcher outage = OUTAGE.matcher(args[i]);
                if (!outage.matches()) {
                    throw new IllegalArgumentException("an outage is [hdfs:|disk:]seconds[/minutes], got " + args[i]);
                }
                Store store = outage.group(1) == null
                        ? Store.S3
                        : Store.valueOf(outage.group(1).toUpperCase());
                check.run(new Run("outage-" + i, store, Integer.parseInt(outage.group(2)), outage.group(3)));
            }
        }
    }

    /** Where a run's dataset lives. */
    private enum Store {
        S3,
        HDFS,
        DISK
    }

    /**
     * One run into dataset {@code name} on {@code store}, its store away for {@code outageSeconds} once 3 rows are in
     * (0: never), with {@code --store-outage-minutes boundMinutes} unless null.
     */
    private record Run(String name, Store store, int outageSeconds, String boundMinutes) {}

    private String dataset(Run run) {
        String root = switch (run.store()) {
            case S3 -> "s3a://" + S3Server.BUCKET;
            case HDFS -> hdfs.uri();
            case DISK -> smallDisk().toString();
        };
        return root + "/runs/" + run.name();
    }

    private static Path smallDisk() {
        String folder = System.getenv("SIREN_SWEEP_SMALL_DISK");
        if (folder == null) {
            throw new IllegalStateException("a disk: outage needs SIREN_SWEEP_SMALL_DISK, a folder on a small file "
                    + "system (e.g. mount -t tmpfs -o size=64m tmpfs /mnt/small)");
        }
        return Path.of(folder);
    }

    /** Makes the store go away ({@code away}) or come back. */
    private void outage(Store store, boolean away) throws IOException, InterruptedException {
        switch (store) {
            case S3 -> {
                if (away) {
                    s3.close();
                } else {
                    s3.startAgain();
                }
            }
            case HDFS -> {
                if (away) {
                    hdfs.stop();
                } else {
                    hdfs.startAgain();
                }
            }
            case DISK -> {
                Path filler = smallDisk().resolve("filler");
                if (away) { // every byte the file system has left, so that any write fails with ENOSPC
                    try (var out = Files.newOutputStream(filler)) {
                        byte[] block = new byte[1 << 16];
                        while (true) {
                            out.write(block);
                        }
                    } catch (IOException full) {
                        // the file system is full now
                    }
                } else {
                    Files.delete(filler);
                }
            }
        }
    }

    private List<String> runArgs(Run run, boolean withBound) {
        List<String> args =
                new ArrayList<>(List.of("run", sweep.toString(), "--output", dataset(run), "--master", "local[2]"));
        if (withBound && run.boundMinutes() != null) {
            args.addAll(List.of("--store-outage-minutes", run.boundMinutes()));
        }
        args.addAll(s3.confArguments());
        return args;
    }

    private void run(Run run) throws Exception {
        Path out = work.resolve(run.name() + ".out");
        Path err = work.resolve(run.name() + ".err");
        long start = System.nanoTime();
        Process driver = CliRun.inNewJvm(runArgs(run, true), out, err);
        // When the driver ends, which may be while its store is still away.
        CompletableFuture<Long> ended = driver.onExit().thenApply(p -> System.nanoTime());
        if (run.outageSeconds() > 0) {
            while (count(rows(run)) < 3 && driver.isAlive()) {
                Thread.sleep(50);
            }
            int before = count(rows(run));
            outage(run.store(), true);
            System.err.printf("%s: store stopped at %.1f s with %d rows%n", run.name(), seconds(start), before);
            Thread.sleep(run.outageSeconds() * 1000L);
            outage(run.store(), false);
            System.err.printf("%s: store back at %.1f s%n", run.name(), seconds(start));
        }
        boolean exited = driver.waitFor(30, TimeUnit.MINUTES);
        if (!exited) {
            driver.destroyForcibly();
        }
        double wall = (ended.get() - start) / 1e9;
        int exit = exited ? driver.exitValue() : -1;
        List<String> stderr = Files.readAllLines(err);
        long traces = stderr.stream()
                .filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by: "))
                .count();
        boolean told = Files.readString(out).contains("the store has failed since");
        String rowsAfter = describe(rows(run));
        String rerun = "—";
        if (exit != 0 && exited) {
            Path rerunOut = work.resolve(run.name() + ".rerun.out");
            Process again = CliRun.inNewJvm(runArgs(run, false), rerunOut, work.resolve(run.name() + ".rerun.err"));
            again.waitFor(30, TimeUnit.MINUTES);
            String summary = Files.readAllLines(rerunOut).stream()
                    .filter(l -> l.contains("already in"))
                    .findFirst()
                    .orElse("");
            rerun = "exit " + again.exitValue() + ", " + describe(rows(run))
                    + (summary.isEmpty() ? "" : " (" + summary.strip() + ")");
        }
        String against = "—";
        if (run.outageSeconds() > 0) {
            CliRun verify = CliRun.here(Stream.concat(
                            Stream.of(
                                    "verify",
                                    dataset(run),
                                    "--against",
                                    dataset(new Run("baseline", Store.S3, 0, null))),
                            s3.confArguments().stream())
                    .toArray(String[]::new));
            against = verify.out()
                            .lines()
                            .filter(l -> l.startsWith("against "))
                            .map(l -> l.replaceAll("^against [^:]*: ", "").replaceAll(" \\(all but[^)]*\\)", ""))
                            .findFirst()
                            .orElse("verify: " + verify.out() + verify.err())
                    + (verify.exit() == 0 ? "" : " (exit " + verify.exit() + ")");
        }
        String last = stderr.stream()
                .filter(l -> l.startsWith("siren-sweep run: "))
                .reduce((a, b) -> b)
                .map(l -> "<br>`" + l + "`")
                .orElse("");
        System.out.printf(
                "| %s | %s | %s | %.0f s, %d%s | %d (%d) | %s | %s | %s | %s |%n",
                run.store(),
                run.outageSeconds() == 0 ? "none" : run.outageSeconds() + " s",
                run.boundMinutes() == null ? "default" : run.boundMinutes() + " min",
                wall,
                exit,
                last,
                stderr.size(),
                traces,
                told ? "yes" : "no",
                rowsAfter,
                rerun,
                against);
    }

    /** The rows of {@code run}'s dataset by status (S3's read from the server's folder, whether or not it runs). */
    private Map<String, Integer> rows(Run run) throws IOException {
        Location folder = run.store() == Store.S3
                ? Location.local(s3.bucketFolder().resolve("runs").resolve(run.name()))
                : Location.of(dataset(run), FileSettings.NONE);
        Map<String, Integer> byStatus = new TreeMap<>();
        if (!folder.exists()) {
            return byStatus;
        }
        for (Location.Entry file : folder.files()) {
            if (file.name().endsWith(ResultFiles.SUFFIX)) {
                String status = ResultFiles.summary(file.location(), file.length())
                        .status()
                        .id();
                byStatus.merge(status, 1, Integer::sum);
            }
        }
        return byStatus;
    }

    private static int count(Map<String, Integer> rows) {
        return rows.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String describe(Map<String, Integer> rows) {
        return rows.isEmpty()
                ? "none"
                : String.join(
                        ", ",
                        rows.entrySet().stream()
                                .map(e -> e.getValue() + " " + e.getKey())
                                .toList());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
