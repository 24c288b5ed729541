package org.sirensweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.sirensweep.sweep.Trial;
import org.sirensweep.sweep.TrialStage;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.trial.CheckpointFile;
import org.sirensweep.trial.Compute;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.trial.TrialRunner;

/**
 * The body of a sweep's Spark task: runs the partition's one {@link TrialStage} on the task's CPUs (or its GPU),
 * and commits its trial's row to the dataset if the stage ends the trial; a stage that pauses it at a rung leaves
 * its checkpoint instead. A training that throws is retried by Spark while attempts remain and recorded as a {@code
 * failed} row by the last one, so every trial ends with exactly one row.
 */
final class TrialTask implements FlatMapFunction<Iterator<TrialStage>, TaskReport> {
    private static final long serialVersionUID = 1L;

    private final String sweep;
    private final String dataset;
    private final Broadcast<Map<String, byte[]>> images;
    private final int maxAttempts;
    private final int localGpus;
    private final boolean cpuWithGpus;
    private final Progress progress;
    private final Duration checkpointInterval;

    /** Counters the driver's progress line reads; Spark merges a task's updates when it succeeds. */
    record Progress(LongAccumulator ok, LongAccumulator diverged, LongAccumulator failed, LongAccumulator stopped,
                    LongAccumulator paused, LongAccumulator steps) implements java.io.Serializable {
    }

    /**
     * @param maxAttempts attempts Spark makes of a task ({@code spark.task.maxFailures}); the last records failures
     * @param localGpus   GPUs to lend out in local mode (0: none, or Spark assigns them)
     * @param cpuWithGpus train on the CPU even when Spark assigned a GPU (a CPU build on GPU nodes; tests)
     * @param checkpointInterval training time between a trial's checkpoints (zero: none)
     */
    TrialTask(String sweep, Path dataset, Broadcast<Map<String, byte[]>> images, int maxAttempts, int localGpus,
              boolean cpuWithGpus, Progress progress, Duration checkpointInterval) {
        this.sweep = sweep;
        this.dataset = dataset.toString();
        this.images = images;
        this.maxAttempts = maxAttempts;
        this.localGpus = localGpus;
        this.cpuWithGpus = cpuWithGpus;
        this.progress = progress;
        this.checkpointInterval = checkpointInterval;
    }

    @Override
    public Iterator<TaskReport> call(Iterator<TrialStage> stages) throws Exception {
        if (!stages.hasNext()) {
            return List.<TaskReport>of().iterator();
        }
        TrialStage stage = stages.next();
        if (stages.hasNext()) {
            throw new IllegalStateException("a sweep task got more than one trial; trials must be one per partition");
        }
        TaskContext context = TaskContext.get();
        Compute.limitThreads(context.cpus());
        OptionalInt assigned = GpuAssignment.fromResources(context.resourcesJMap());
        DevicePool pool = assigned.isEmpty() && localGpus > 0 ? DevicePool.local(localGpus) : null;
        int gpu = assigned.isPresent() ? assigned.getAsInt() : pool != null ? pool.borrow() : -1;
        try {
            return List.of(runAndCommit(stage, context, gpu)).iterator();
        } finally {
            if (pool != null) {
                pool.giveBack(gpu);
            }
        }
    }

    private TaskReport runAndCommit(TrialStage stage, TaskContext context, int gpu) throws IOException {
        Trial trial = stage.trial();
        int attempt = context.attemptNumber() + 1;
        TaskPlace place = new TaskPlace(hostName(), SparkEnv.get().executorId(), attempt,
                gpu >= 0 ? String.valueOf(gpu) : null);
        Instant started = Instant.now();
        // Each step goes into the accumulator as it is taken: heartbeats carry the running total to the driver
        // (the steps a checkpoint saved count as done when the training resumes).
        long[] stepsCounted = {0};
        TrainingProgress stepCounter = new TrainingProgress() {
            @Override
            public void step(long done, long total) {
                progress.steps().add(done - stepsCounted[0]);
                stepsCounted[0] = done;
            }
        };
        Path folder = Path.of(dataset);
        CheckpointFile checkpoints = null;
        TrialResult result;
        try {
            if (gpu >= 0 && !(cpuWithGpus && !Compute.isCuda())) {
                Compute.useGpu(gpu); // a CPU build given a GPU fails here, as a row that says so
            }
            TrialRunner runner = TrialRunner.prepare(trial.settings(), images.value().get(trial.settings().image()));
            checkpoints = new CheckpointFile(ResultDataset.checkpointOf(folder, trial.id()), checkpointInterval,
                    runner.fingerprint(), folder.resolve(ResultDataset.QUARANTINE));
            TrialOutcome outcome;
            if (stage.commit()) {
                outcome = runner.run(attempt, stepCounter, checkpoints, stage.untilEpoch());
            } else {
                outcome = runner.advance(attempt, stepCounter, checkpoints, stage.untilEpoch()).orElse(null);
                if (outcome == null) { // at the rung, its state in the checkpoint: no row until the driver decides
                    progress.paused().add(1);
                    progress.steps().add(stage.steps() - stepsCounted[0]);
                    return new TaskReport(trial.id(), TaskReport.PAUSED, Measures.UNKNOWN,
                            (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1e3, null,
                            Compute.currentDevice());
                }
            }
            result = new TrialResult(sweep, trial, outcome, null, place, started, Instant.now());
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            if (attempt < maxAttempts) {
                throw new TrialFailedException(trial, e);
            }
            result = new TrialResult(sweep, trial, null, describe(e), place, started, Instant.now());
        }
        ResultFiles.write(folder, result);
        if (checkpoints != null) {
            checkpoints.delete(); // the row holds the result now
        }
        count(result, stage.steps() - stepsCounted[0]);
        TrialOutcome o = result.outcome();
        return new TaskReport(trial.id(), result.status(), o == null ? Measures.UNKNOWN : o.measures(),
                (result.finishedAt().toEpochMilli() - started.toEpochMilli()) / 1e3, result.error(),
                o == null ? null : o.device());
    }

    /** Counts the trial's status, and its planned steps not taken (a diverged or failed trial ends early). */
    private void count(TrialResult result, long stepsNotTaken) {
        switch (result.status()) {
            case TrialResult.OK -> progress.ok().add(1);
            case TrialResult.DIVERGED -> progress.diverged().add(1);
            case TrialResult.STOPPED -> progress.stopped().add(1);
            default -> progress.failed().add(1);
        }
        progress.steps().add(stepsNotTaken);
    }

    /** The error text of a failed row: the exception's class and message, and its cause's. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ")
                    .append(cause.getMessage()).append(')');
        }
        return text.toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A training that threw while Spark still has attempts left: Spark will run the trial again. */
    static final class TrialFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TrialFailedException(Trial trial, Throwable cause) {
            super("trial " + trial.id() + " failed (Spark will retry it): " + cause.getMessage(), cause);
        }
    }
}
