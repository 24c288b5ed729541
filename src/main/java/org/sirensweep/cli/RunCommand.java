package org.sirensweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.sirensweep.files.Durations;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.report.ImageSelection;
import org.sirensweep.report.LiveReport;
import org.sirensweep.spark.ClusterChecks;
import org.sirensweep.spark.ExecutorMemory;
import org.sirensweep.spark.SparkJobs;
import org.sirensweep.spark.SweepController;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.SweepFileException;
import org.sirensweep.trial.CheckpointFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code siren-sweep run}: a sweep file's trials without a row yet, run on Spark, each committing its row. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run a sweep on Spark (local mode unless spark-submit or --master gives a master).",
            "Each trial writes one row to <output>/<trial id>.parquet; running again resumes."
        })
public final class RunCommand implements Callable<Integer> {
    /** Exit code when some trials failed (their rows say why); the others are stored. */
    public static final int SOME_FAILED = 4;
    /** Exit code when Spark's job stopped before every trial had a row; running again resumes. */
    public static final int INCOMPLETE = 5;
    /** Exit code when no executor registered in time: the cluster cannot run what the job asks for. */
    public static final int NO_EXECUTORS = 6;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "SWEEP_FILE",
            description = "The sweep file (YAML), e.g. sweeps/quickstart.yaml.")
    Path sweepFile;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description =
                    "Dataset folder (default: runs/<sweep name>): a path, or a URI such as hdfs://namenode/runs/x "
                            + "or s3a://bucket/runs/x. On a cluster every executor must reach it.")
    String output;

    @Mixin
    StoreOptions store;

    @Option(
            names = "--master",
            description = "Spark master URL, e.g. local[2] or spark://host:7077 (default: "
                    + "spark-submit's, else local[*], or one slot per GPU where this machine has GPUs and CUDA).")
    String master;

    @Option(names = "--spark-ui", description = "Serve Spark's web UI in local mode too (off there by default).")
    boolean sparkUi;

    @Option(names = "--dry-run", description = "Print the trials and the work they add up to, then exit.")
    boolean dryRun;

    @Option(names = "--retry-failed", description = "Also run again the trials whose row says failed (replacing it).")
    boolean retryFailed;

    @Option(
            names = "--max-trials",
            defaultValue = "10000",
            description = "Refuse grids larger than this. Default: ${DEFAULT-VALUE}.")
    int maxTrials;

    @Option(
            names = "--max-trial-memory",
            paramLabel = "SIZE",
            description = "Refuse trials whose buffers need more than this, e.g. 16g (default: this machine's memory "
                    + "in local mode; on a cluster, what spark.executor.memory and its overhead give each task).")
    String maxTrialMemory;

    @Option(
            names = "--checkpoint-minutes",
            paramLabel = "MINUTES",
            description = "Training minutes between a trial's checkpoints, from which a re-run or a retried task "
                    + "continues it; 0 = none (default: the sweep file's, else " + CheckpointFile.DEFAULT_MINUTES
                    + ").")
    Double checkpointMinutes;

    @Option(
            names = "--store-outage-minutes",
            paramLabel = "MINUTES",
            description = "How long the output's store may fail every call (unreachable, or a full disk) before the "
                    + "run stops with exit code 5; until then rows and checkpoints wait while trials go on training, "
                    + "and the progress line says so. Default: ${DEFAULT-VALUE}.",
            defaultValue = "" + StorePatience.DEFAULT_MINUTES)
    double storeOutageMinutes;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        PrintWriter out = cli.getOut();
        if (maxTrials < 1) {
            throw new CommandLine.ParameterException(cli, "--max-trials must be at least 1, got " + maxTrials);
        }
        String badMaster = ClusterChecks.notAMasterUrl(master);
        if (badMaster != null) {
            throw new CommandLine.ParameterException(cli, "--master: " + badMaster);
        }
        Duration storeBound;
        try {
            storeBound = Durations.positiveMinutes(storeOutageMinutes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--store-outage-minutes " + e.getMessage());
        }
        Location given = output == null ? null : store.location(cli, "--output", output);
        ExecutorMemory memory;
        Duration checkpointInterval;
        try {
            checkpointInterval = checkpointMinutes == null ? null : Durations.minutesOrNone(checkpointMinutes);
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
            RunTables.printDryRun(sweep, SweepController.firstPlan(sweep, master), dataset, out);
            return 0;
        }
        String unreachable =
                ClusterChecks.unreachableMaster(master != null ? master : System.getProperty("spark.master"));
        if (unreachable != null) {
            throw new CommandLine.ParameterException(cli, "--master: " + unreachable);
        }
        try (ResultDataset results = ResultDataset.open(
                dataset, sweep.name(), sweepFile.toAbsolutePath().normalize().toString())) {
            Duration interval = checkpointInterval != null
                    ? checkpointInterval
                    : Durations.minutesOrNone(
                            Objects.requireNonNullElse(sweep.checkpointMinutes(), CheckpointFile.DEFAULT_MINUTES));
            LiveReport report =
                    new LiveReport(sweep, results.folder(), ImageSelection.BEST, LiveReport.REFRESH, System.err);
            try {
                return run(sweep, results, interval, storeBound, report, out);
            } finally {
                report.finish();
            }
        } catch (ResultDataset.DatasetException e) {
            throw new CommandLine.ParameterException(cli, "--output: " + e.getMessage());
        }
    }

    private int run(
            Sweep sweep,
            ResultDataset results,
            Duration checkpointInterval,
            Duration storeBound,
            LiveReport report,
            PrintWriter out)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        SweepController controller = SweepController.prepare(sweep, results, retryFailed, warnings);
        warnings.forEach(w -> System.err.println("warning: " + w));
        RunTables.printStart(sweep, controller.alreadyDone(), results.folder(), report.file(), out);
        SweepController.Outcome outcome;
        try {
            outcome = controller.run(
                    master, sparkUi, checkpointInterval, storeBound, System.out, report, RunTables.events(out));
        } catch (SparkJobs.ClusterUnavailableException e) {
            return refuse(e.getMessage(), NO_EXECUTORS, out);
        } catch (SweepController.OutputUnwritableException e) {
            return refuse("--output: " + e.getMessage(), SirenSweep.BAD_INPUT, out);
        }
        if (outcome.storeGone()) { // nothing more can be read or written there: the one line, and go
            report.abandon();
            results.abandon();
            return refuse(outcome.jobError(), INCOMPLETE, out);
        }
        Map<String, ResultDataset.Row> after = results.rows(new ArrayList<>());
        RunTables.printResults(sweep, after, outcome.reports(), out);
        if (sweep.earlyStopping() != null) {
            RunTables.printSaving(sweep, results.standings(sweep, after, Set.of()), out);
        }
        return RunTables.printEnding(sweep, results.folder(), after, report.file(), outcome.jobError(), out);
    }

    /** One line on stderr for what keeps the sweep from running; returns {@code exit}. */
    private int refuse(String line, int exit, PrintWriter out) {
        out.flush();
        spec.commandLine().getErr().println("siren-sweep run: " + line);
        spec.commandLine().getErr().flush();
        return exit;
    }
}
