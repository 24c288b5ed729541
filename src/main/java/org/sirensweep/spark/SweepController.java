package org.sirensweep.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.sirensweep.files.StorePatience;
import org.sirensweep.files.StoreUnreachableException;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.EarlyStopping;
import org.sirensweep.sweep.Scheduler;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepProgress;
import org.sirensweep.train.TrialStatus;

/**
 * Runs a sweep into its dataset, plan by plan: the sweep's {@link Scheduler} says which stages run next from what
 * the dataset holds, one Spark job runs them, and the next plan is made afresh from the dataset (so a killed run
 * resumes at the same point), until the scheduler has nothing left or Spark's job stops early.
 */
public final class SweepController {
    /** What the driver tells as it goes, besides the progress line: Spark's UI, and each rung's decision. */
    public interface Events {
        void sparkStarted(String uiUrl);

        void decided(Scheduler.Decision decision);
    }

    /**
     * How a run ended: the tasks' reports by trial, and why Spark's job stopped early (null if it did not); {@code
     * storeGone}: because the dataset's store did not answer for longer than its bound (then nothing more was read
     * from it or written to it, and the error is one line saying so).
     */
    public record Outcome(Map<String, TaskReport> reports, String jobError, boolean storeGone) {
        public Outcome {
            reports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reports));
        }
    }

    /** The output folder that executors cannot write: one line naming the host and the folder. */
    public static final class OutputUnwritableException extends Exception {
        private static final long serialVersionUID = 1L;

        OutputUnwritableException(String message) {
            super(message);
        }
    }

    private final Sweep sweep;
    private final Scheduler scheduler;
    private final ResultDataset results;
    /** The rows {@link #prepare} found, which the first plan is made from. */
    private final Map<String, ResultDataset.Row> rows;

    private final Set<String> retry;
    private final long alreadyDone;

    private SweepController(
            Sweep sweep,
            ResultDataset results,
            Map<String, ResultDataset.Row> rows,
            Set<String> retry,
            long alreadyDone) {
        this.sweep = sweep;
        this.scheduler = Scheduler.of(sweep);
        this.results = results;
        this.rows = rows;
        this.retry = retry;
        this.alreadyDone = alreadyDone;
    }

    /**
     * Takes stock of {@code results} before a run: its rows (files that are not the sweep's go to quarantine, one
     * warning each), stale checkpoints removed, and with {@code retryFailed} the failed trials to run once more.
     */
    public static SweepController prepare(
            Sweep sweep, ResultDataset results, boolean retryFailed, List<String> warnings) throws IOException {
        Map<String, ResultDataset.Row> rows = results.rows(warnings);
        results.removeStaleCheckpoints(rows);
        // --retry-failed runs each failed trial once more in this run: its id leaves the set once it has a new row.
        Set<String> retry = new HashSet<>();
        if (retryFailed) {
            rows.values().stream().filter(r -> r.status() == TrialStatus.FAILED).forEach(r -> retry.add(r.trialId()));
        }
        long done = sweep.trials().stream()
                .filter(t -> rows.containsKey(t.id()) && !retry.contains(t.id()))
                .count();
        return new SweepController(sweep, results, rows, retry, done);
    }

    /**
     * The first job's plan as {@code run} would make it on an empty dataset, for {@code master} (null: spark-submit's
     * or the default), from the configuration alone: what {@code run --dry-run} shows.
     */
    public static SweepPlan firstPlan(Sweep sweep, String master) {
        return SweepPlan.of(sweep, Scheduler.of(sweep).next(Map.of()), SparkJobs.plannedTaskSlots(master));
    }

    /** The trials that have their rows already (and will not run again). */
    public long alreadyDone() {
        return alreadyDone;
    }

    /**
     * Runs what is left on Spark for {@code master} (null: spark-submit's or the default; with its web UI in local
     * mode only if {@code sparkUi}), each trial checkpointing every {@code checkpointInterval}. {@code progress} hears where each job stands (first before
     * Spark starts); the progress line goes to {@code log}. Spark starts only if there is something to run. The
     * dataset's store may fail every call for up to {@code storeBound} before the run stops.
     */
    public Outcome run(
            String master,
            boolean sparkUi,
            Duration checkpointInterval,
            Duration storeBound,
            PrintStream log,
            Consumer<SweepProgress> progress,
            Events events)
            throws IOException, OutputUnwritableException {
        Scheduler.Plan plan = scheduler.next(results.standings(sweep, rows, retry));
        progress.accept(new SweepProgress(
                title(plan),
                plan.stages().size(),
                0,
                0,
                0,
                0,
                0,
                List.of(),
                Duration.ZERO,
                null,
                plan.stages().isEmpty()));
        Map<String, TaskReport> reports = new LinkedHashMap<>();
        if (plan.stages().isEmpty()) {
            return new Outcome(reports, null, false);
        }
        StorePatience patience = new StorePatience(results.folder(), storeBound, () -> {}, since -> {}, System.err);
        SparkJobs jobs = SparkJobs.start(
                "siren-sweep " + sweep.name(), master, results.folder().settings(), sparkUi);
        String unwritable = jobs.probeOutput(results.folder());
        if (unwritable != null) {
            jobs.stop();
            throw new OutputUnwritableException(unwritable);
        }
        // Stopped with Ctrl-C: the rows already committed stay, the trials in flight keep their checkpoints, and
        // their half-written rows go (readers skip _staging, but a clean folder is what the user expects).
        Thread cleanUp = new Thread(
                () -> {
                    try {
                        results.removeStaging();
                    } catch (IOException e) {
                        System.err.println(
                                "could not remove " + results.folder().resolve("_staging") + ": " + e);
                    }
                },
                "siren-sweep staging clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        String jobError = null;
        boolean storeGone = false;
        int decisionsTold = 0;
        try {
            events.sparkStarted(jobs.uiUrl());
            // One Spark job per plan: the whole sweep, or with early stopping one rung at a time.
            while (!plan.stages().isEmpty()) {
                decisionsTold = tell(plan, decisionsTold, events);
                SparkJobs.RunSummary summary = jobs.run(
                        sweep,
                        results,
                        SweepPlan.of(sweep, plan, jobs.taskSlots()),
                        checkpointInterval,
                        storeBound,
                        title(plan),
                        log,
                        progress);
                summary.reports().forEach(r -> reports.put(r.trialId(), r));
                summary.reports().stream()
                        .filter(r -> r.status() != TrialStatus.PAUSED)
                        .forEach(r -> retry.remove(r.trialId()));
                if (summary.jobError() != null) {
                    jobError = summary.storeGone() ? summary.jobError() : "Spark: " + summary.jobError();
                    storeGone = summary.storeGone();
                    break;
                }
                Map<String, ResultDataset.Row> now;
                try {
                    now = patience.call("reading the dataset's rows", () -> results.rows(new ArrayList<>()));
                } catch (StoreUnreachableException e) {
                    jobError = e.getMessage();
                    storeGone = true;
                    break;
                }
                Scheduler.Plan next = scheduler.next(results.standings(sweep, now, retry));
                if (next.stages().equals(plan.stages())) {
                    jobError = "the same " + plan.stages().size() + " trials would run again: their checkpoints did "
                            + "not reach epoch " + plan.towardsEpoch();
                    break;
                }
                plan = next;
            }
            tell(plan, decisionsTold, events);
        } finally {
            jobs.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        if (!storeGone) {
            try {
                results.removeLeftovers();
            } catch (IOException e) {
                System.err.println("warning: could not remove what unfinished writes left in " + results.folder() + " ("
                        + e.getMessage().lines().findFirst().orElse("") + "); the next run removes it");
            }
        }
        return new Outcome(reports, jobError, storeGone);
    }

    /** Tells the decisions of {@code plan} after the first {@code told}; returns how many are told now. */
    private static int tell(Scheduler.Plan plan, int told, Events events) {
        plan.decisions()
                .subList(
                        Math.min(told, plan.decisions().size()),
                        plan.decisions().size())
                .forEach(events::decided);
        return Math.max(told, plan.decisions().size());
    }

    /** The progress line's title: the sweep, and with early stopping the rung its trials train to. */
    private String title(Scheduler.Plan plan) {
        EarlyStopping rule = sweep.earlyStopping();
        if (rule == null) {
            return "sweep " + sweep.name();
        }
        int rung = rule.rungs().indexOf(plan.towardsEpoch());
        return "sweep " + sweep.name()
                + (rung >= 0
                        ? ", rung " + (rung + 1) + "/" + rule.rungs().size() + " (epoch " + plan.towardsEpoch() + ")"
                        : ", to the end (epoch " + plan.towardsEpoch() + ")");
    }
}
