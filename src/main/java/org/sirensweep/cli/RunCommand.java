package org.sirensweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.model.Memory;
import org.sirensweep.report.ImageSelection;
import org.sirensweep.report.LiveReport;
import org.sirensweep.spark.ClusterChecks;
import org.sirensweep.spark.ExecutorMemory;
import org.sirensweep.spark.SweepDriver;
import org.sirensweep.spark.SweepRunner;
import org.sirensweep.spark.TaskReport;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.EarlyStopping;
import org.sirensweep.sweep.Scheduler;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.SweepFileException;
import org.sirensweep.sweep.Trial;
import org.sirensweep.sweep.TrialPacks;
import org.sirensweep.sweep.TrialStage;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep run}: expands a sweep file into trials and runs those without a result yet on Spark, one trial per
 * task, each committing one Parquet row to the sweep's dataset folder.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a sweep on Spark (local mode unless spark-submit or --master gives a master).",
                "Each trial writes one row to <output>/<trial id>.parquet; running again resumes."})
public final class RunCommand implements Callable<Integer> {
    /** Exit code when some trials failed (their rows say why); the others are stored. */
    public static final int SOME_FAILED = 4;
    /** Exit code when Spark's job stopped before every trial had a row; running again resumes. */
    public static final int INCOMPLETE = 5;
    /** Exit code when no executor registered in time: the cluster cannot run what the job asks for. */
    public static final int NO_EXECUTORS = 6;
    /** How often the report page is rewritten while the sweep runs (and reloads itself in a browser). */
    static final Duration REPORT_REFRESH = Duration.ofSeconds(10);
    /** Checkpoint interval when neither the sweep file nor the command line sets one. */
    public static final double DEFAULT_CHECKPOINT_MINUTES = 5;

    private static final java.util.regex.Pattern MASTER_URL = java.util.regex.Pattern.compile(
            "local(\\[(\\d+|\\*)(,\\s*\\d+)?\\])?|(spark|k8s|mesos)://\\S+|yarn");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (YAML), e.g. sweeps/quickstart.yaml.")
    Path sweepFile;
    @Option(names = "--output", paramLabel = "DIR", description = "Dataset folder (default: runs/<sweep name>): a "
            + "path, or a URI such as hdfs://namenode/runs/x or s3a://bucket/runs/x. On a cluster every executor must "
            + "reach it: a shared file system, HDFS or an object store.")
    String output;
    @Mixin
    StoreOptions store;
    @Option(names = "--master", description = "Spark master URL, e.g. local[2] or spark://host:7077 (default: "
            + "spark-submit's, else local[*], or one slot per GPU where this machine has GPUs and CUDA).")
    String master;
    @Option(names = "--dry-run", description = "Print the trials and the work they add up to, then exit.")
    boolean dryRun;
    @Option(names = "--retry-failed", description = "Also run again the trials whose row says failed (replacing it).")
    boolean retryFailed;
    @Option(names = "--max-trials", defaultValue = "10000", description = "Refuse grids larger than this. Default: ${DEFAULT-VALUE}.")
    int maxTrials;
    @Option(names = "--max-trial-memory", paramLabel = "SIZE", description = "Refuse trials whose buffers need more "
            + "than this, e.g. 16g (default: in local mode this machine's memory; on a cluster, what "
            + "spark.executor.memory and its overhead give each task).")
    String maxTrialMemory;
    @Option(names = "--checkpoint-minutes", paramLabel = "MINUTES", description = "Training minutes between a trial's "
            + "checkpoints; 0 = none (default: the sweep file's checkpoint_minutes, else "
            + DEFAULT_CHECKPOINT_MINUTES + "). A re-run or a retried task continues each trial from its checkpoint.")
    Double checkpointMinutes;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        if (maxTrials < 1) {
            throw new CommandLine.ParameterException(cli, "--max-trials must be at least 1, got " + maxTrials);
        }
        if (master != null && !MASTER_URL.matcher(master).matches()) {
            throw new CommandLine.ParameterException(cli, "--master: '" + master + "' is not a Spark master URL "
                    + "(local, local[n], local[*], local[n,attempts], spark://host:port, yarn, k8s://...)");
        }
        Location given = output == null ? null : store.location(cli, "--output", output);
        ExecutorMemory memory;
        Duration checkpointInterval;
        try {
            checkpointInterval = checkpointMinutes == null ? null : CheckpointFile.interval(checkpointMinutes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--checkpoint-minutes " + e.getMessage());
        }
        try {
            memory = ExecutorMemory.forRun(master, maxTrialMemory);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--max-trial-memory: " + e.getMessage());
        }
        Sweep sweep;
        try {
            sweep = SweepFile.read(sweepFile, maxTrials, memory.bytes(), memory.source(), store.settings(cli));
        } catch (SweepFileException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        // Absolute (a Location always is): executors resolve a relative path against their own working folders.
        Location dataset = given != null ? given : Location.local(Path.of("runs", sweep.name()), store.settings(cli));
        try {
            ResultDataset.check(dataset, sweep.name());
        } catch (ResultDataset.DatasetException e) {
            throw new CommandLine.ParameterException(cli, "--output: " + e.getMessage());
        }
        if (dryRun) {
            printTrials(sweep, out);
            List<List<TrialStage>> packs = TrialPacks.form(Scheduler.of(sweep).next(Map.of()).stages(), sweep,
                    SweepRunner.plannedTaskSlots(master));
            out.printf("%d Spark tasks for the first %d trials (%s)%n", packs.size(),
                    packs.stream().mapToInt(List::size).sum(), packs.stream().anyMatch(p -> p.size() > 1)
                            ? "packs of " + packs.stream().map(p -> String.valueOf(p.size())).distinct()
                            .collect(Collectors.joining(", ")) + " trials trained side by side; the largest "
                            + "pack needs " + Memory.describe(packs.stream().mapToLong(
                                    p -> sweep.packBytes(p.get(0).trial(), p.size())).max().orElse(0))
                            : "one trial each");
            if (sweep.earlyStopping() == null) {
                out.printf("sweep %s: %d trials, %,d optimiser steps in all; results would go to %s%n", sweep.name(),
                        sweep.trials().size(), sweep.totalSteps(), dataset);
            } else {
                out.printf("sweep %s: %d trials with successive halving (%s): about %,d optimiser steps if none "
                        + "diverges, against %,d for the full grid; results would go to %s%n", sweep.name(),
                        sweep.trials().size(), describe(sweep.earlyStopping()),
                        Scheduler.of(sweep).expectedSteps(), sweep.totalSteps(), dataset);
            }
            out.flush();
            return 0;
        }
        String unreachable = ClusterChecks.unreachableMaster(master != null ? master
                : System.getProperty("spark.master"));
        if (unreachable != null) {
            throw new CommandLine.ParameterException(cli, "--master: " + unreachable);
        }
        try (ResultDataset results = ResultDataset.open(dataset, sweep.name(),
                sweepFile.toAbsolutePath().normalize().toString())) {
            Duration interval = checkpointInterval != null ? checkpointInterval : CheckpointFile.interval(
                    sweep.checkpointMinutes() != null ? sweep.checkpointMinutes() : DEFAULT_CHECKPOINT_MINUTES);
            LiveReport report = new LiveReport(sweep, results.folder(), ImageSelection.BEST, REPORT_REFRESH,
                    System.err);
            try {
                return run(sweep, results, interval, report, out);
            } finally {
                report.finish();
            }
        } catch (ResultDataset.DatasetException e) {
            throw new CommandLine.ParameterException(cli, "--output: " + e.getMessage());
        }
    }

    /** How the dataset's readers open it: Python's and DuckDB's S3 clients name S3 {@code s3://}, not s3a. */
    static String howToRead(Location dataset) {
        String folder = dataset.toString();
        return switch (dataset.scheme()) {
            case "file" -> "pandas.read_parquet(\"" + folder + "\"), spark.read.parquet, or DuckDB '" + folder
                    + "/*.parquet'";
            case "s3a" -> {
                String s3 = "s3" + folder.substring("s3a".length());
                yield "spark.read.parquet(\"" + folder + "\"), pandas.read_parquet(\"" + s3 + "\") with s3fs, or "
                        + "DuckDB '" + s3 + "/*.parquet' with httpfs";
            }
            default -> "spark.read.parquet(\"" + folder + "\"), or pandas.read_parquet(\"" + folder
                    + "\") where pyarrow reaches " + dataset.scheme() + ":";
        };
    }

    private int run(Sweep sweep, ResultDataset results, Duration checkpointInterval, LiveReport report,
                    PrintWriter out) throws IOException {
        List<String> warnings = new ArrayList<>();
        SweepDriver driver = SweepDriver.prepare(sweep, results, retryFailed, warnings);
        warnings.forEach(w -> System.err.println("warning: " + w));
        out.printf("sweep %s: %d trials, %d already in %s, %d to run%s%n", sweep.name(), sweep.trials().size(),
                driver.alreadyDone(), results.folder(), sweep.trials().size() - driver.alreadyDone(),
                sweep.earlyStopping() == null ? "" : " with successive halving (" + describe(sweep.earlyStopping())
                        + ")");
        out.printf("report: %s (open it in a browser; it follows the run)%n", report.file());
        out.flush();
        SweepDriver.Outcome outcome;
        try {
            outcome = driver.run(master, checkpointInterval, System.out, report, new SweepDriver.Events() {
                @Override
                public void sparkStarted(String uiUrl) {
                    out.println("Spark UI: " + uiUrl);
                    out.flush();
                }

                @Override
                public void decided(Scheduler.Decision d) {
                    out.printf("rung at epoch %d: %d trials reached it, %d go on, %d stop there%n", d.epoch(),
                            d.reached(), d.promoted(), d.reached() - d.promoted());
                    out.flush();
                }
            });
        } catch (SweepRunner.ClusterUnavailableException e) {
            return refuse(e.getMessage(), NO_EXECUTORS, out);
        } catch (SweepDriver.OutputUnwritableException e) {
            return refuse("--output: " + e.getMessage(), SirenSweep.BAD_INPUT, out);
        }
        String jobError = outcome.jobError();
        Map<String, TaskReport> reports = outcome.reports();
        Map<String, ResultDataset.Row> after = results.rows(new ArrayList<>());
        printResults(sweep, after, reports, out);
        if (sweep.earlyStopping() != null) {
            printSaving(sweep, results.standings(sweep, after, Set.of()), out);
        }
        long failed = after.values().stream().filter(r -> r.status() == TrialStatus.FAILED).count();
        long missing = sweep.trials().stream().filter(t -> !after.containsKey(t.id())).count();
        out.printf("results: %s (%d rows; %s)%n", results.folder(), after.size(), howToRead(results.folder()));
        out.printf("report: %s%n", report.file());
        if (jobError != null || missing > 0) {
            out.printf("incomplete: %d of %d trials have their rows, %d have none%s; run the same command again to "
                    + "resume%n", sweep.trials().size() - missing, sweep.trials().size(), missing,
                    jobError == null ? "" : " (" + jobError + ")");
            out.flush();
            return INCOMPLETE;
        }
        if (failed > 0) {
            out.printf("%d trials failed (their rows hold the error); --retry-failed runs them again%n", failed);
        }
        out.flush();
        return failed > 0 ? SOME_FAILED : 0;
    }

    /** One line on stderr for what keeps the sweep from running; returns {@code exit}. */
    private int refuse(String line, int exit, PrintWriter out) {
        out.flush();
        spec.commandLine().getErr().println("siren-sweep run: " + line);
        spec.commandLine().getErr().flush();
        return exit;
    }

    private static String describe(EarlyStopping rule) {
        return "rungs at epochs " + rule.rungs().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + " of " + rule.maxEpochs() + ", keeping the best 1/" + rule.reductionFactor() + " by "
                + rule.metric() + (rule.by().isEmpty() ? "" : " per " + String.join(", ", rule.by()));
    }

    /** The optimiser steps the trials took (to their last curve sample), against the full grid's. */
    private static void printSaving(Sweep sweep, Map<String, Scheduler.Standing> standings, PrintWriter out) {
        long taken = standings.values().stream().filter(st -> !st.curve().isEmpty())
                .mapToLong(st -> st.curve().get(st.curve().size() - 1).step()).sum();
        out.printf("successive halving: %,d optimiser steps taken, %.0f%% of the %,d the full grid takes%n", taken,
                100.0 * taken / sweep.totalSteps(), sweep.totalSteps());
    }

    private static void printTrials(Sweep sweep, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("trial_id"));
        header.addAll(sweep.gridKeys());
        header.addAll(List.of("steps", "memory"));
        List<List<String>> table = new ArrayList<>();
        for (Trial t : sweep.trials()) {
            List<String> row = new ArrayList<>(List.of(t.id()));
            sweep.gridKeys().forEach(k -> row.add(display(t.values().get(k))));
            row.add(String.format("%,d", t.settings().totalSteps()));
            row.add(Memory.describe(t.settings().plannedBytes(sweep.channels(t))));
            table.add(row);
        }
        Tables.print(header, table, out);
    }

    private static void printResults(Sweep sweep, Map<String, ResultDataset.Row> rows, Map<String, TaskReport> reports,
                                     PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("trial_id"));
        header.addAll(sweep.gridKeys());
        header.addAll(List.of("status", "psnr", "psnr_fit", "grad_err", "lap_err", "seconds"));
        List<List<String>> table = new ArrayList<>();
        for (Trial t : sweep.trials()) {
            List<String> row = new ArrayList<>(List.of(t.id()));
            sweep.gridKeys().forEach(k -> row.add(display(t.values().get(k))));
            ResultDataset.Row stored = rows.get(t.id());
            TaskReport report = reports.get(t.id());
            row.add(stored == null ? "missing" : stored.status().id());
            Measures m = report == null ? null : report.measures();
            row.add(report == null ? (stored == null ? "" : "(earlier run)") : String.format("%.2f", m.psnr()));
            row.add(m == null ? "" : String.format("%.2f", m.determined(t.settings().supervision())));
            row.add(m == null ? "" : String.format("%.3f", m.gradientError()));
            row.add(m == null ? "" : String.format("%.3f", m.laplacianError()));
            row.add(report == null ? "" : String.format("%.1f", report.seconds()));
            table.add(row);
        }
        Tables.print(header, table, out);
    }

    /** A setting as a person writes it: 0.0001 rather than 1.0E-4, and a drawn 0.000318447503 as 0.0003184. */
    private static String display(Object value) {
        if (!(value instanceof Double d)) {
            return String.valueOf(value);
        }
        java.math.BigDecimal exact = java.math.BigDecimal.valueOf(d).stripTrailingZeros();
        return (exact.precision() > 6 ? exact.round(new java.math.MathContext(4)) : exact).stripTrailingZeros()
                .toPlainString();
    }
}
