package org.sirensweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.sirensweep.cuda.Device;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.files.StoreUnreachableException;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultFiles;
import org.sirensweep.store.TaskPlace;
import org.sirensweep.store.TrialResult;
import org.sirensweep.sweep.Trial;
import org.sirensweep.sweep.TrialStage;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;
import org.sirensweep.trial.Compute;
import org.sirensweep.trial.TrialEngine;
import org.sirensweep.trial.TrialOutcome;

/**
 * The body of a sweep's Spark task: runs the partition's one pack of {@link TrialStage}s (one trial, or several of
 * one shape trained side by side) on the task's CPUs (or its GPU), and commits each trial's row to the dataset if
 * its stage ends the trial; a stage that pauses it at a rung leaves its checkpoint instead. A training that throws is retried by Spark while attempts remain and recorded as a {@code
 * failed} row by the last one, so every trial ends with exactly one row.
 *
 * <p>A store that does not answer is waited for ({@link StorePatience}): rows wait, checkpoints are held while the
 * training goes on, and only a store gone for longer than the bound ends the task, with a {@link
 * StoreUnreachableException} and no row (the trial did nothing wrong; a later run trains it). A task Spark cancels
 * stops at its next step and writes nothing more.
 */
final class PackTask implements FlatMapFunction<Iterator<List<TrialStage>>, TaskReport> {
    private static final long serialVersionUID = 1L;

    private final String sweep;
    private final Location dataset;
    private final Broadcast<Map<String, byte[]>> images;
    private final int maxAttempts;
    private final List<Integer> localGpus;
    private final boolean cpuWithGpus;
    private final Progress progress;
    private final Duration checkpointInterval;
    private final Duration storeBound;

    /** Counters the driver's progress line reads; Spark merges a task's updates when it succeeds. */
    record Progress(
            LongAccumulator ok,
            LongAccumulator diverged,
            LongAccumulator failed,
            LongAccumulator stopped,
            LongAccumulator paused,
            LongAccumulator steps,
            LongAccumulator storeFailingSince)
            implements java.io.Serializable {
        /**
         * Sets this task's {@code storeFailingSince} to {@code epochMillis}, or to -1 for 0 (the store answers again:
         * heartbeats leave out accumulators at zero, so the driver would not hear the end). The driver reads each
         * running task's value from its heartbeats ({@link RunningTasks}), never the merged sum.
         */
        void storeFailingSince(long epochMillis) {
            storeFailingSince.add((epochMillis == 0 ? -1 : epochMillis) - storeFailingSince.value());
        }
    }

    /**
     * @param maxAttempts attempts Spark makes of a task ({@code spark.task.maxFailures}); the last records failures
     * @param localGpus   GPUs to lend out in local mode, by number (none: none, or Spark assigns them)
     * @param cpuWithGpus train on the CPU even when Spark assigned a GPU (tests with fake GPUs)
     * @param checkpointInterval training time between a trial's checkpoints (zero: none)
     * @param storeBound  how long the dataset's store may fail every call before the task gives up
     */
    PackTask(
            String sweep,
            Location dataset,
            Broadcast<Map<String, byte[]>> images,
            int maxAttempts,
            List<Integer> localGpus,
            boolean cpuWithGpus,
            Progress progress,
            Duration checkpointInterval,
            Duration storeBound) {
        this.sweep = sweep;
        this.dataset = dataset;
        this.images = images;
        this.maxAttempts = maxAttempts;
        this.localGpus = List.copyOf(localGpus);
        this.cpuWithGpus = cpuWithGpus;
        this.progress = progress;
        this.checkpointInterval = checkpointInterval;
        this.storeBound = storeBound;
    }

    @Override
    public Iterator<TaskReport> call(Iterator<List<TrialStage>> packs) throws Exception {
        if (!packs.hasNext()) {
            return List.<TaskReport>of().iterator();
        }
        List<TrialStage> pack = packs.next();
        if (packs.hasNext()) {
            throw new IllegalStateException("a sweep task got more than one pack; packs must be one per partition");
        }
        TaskContext context = TaskContext.get();
        Compute.limitThreads(context.cpus());
        OptionalInt assigned = GpuAssignment.fromResources(context.resourcesJMap());
        DevicePool pool = assigned.isEmpty() && !localGpus.isEmpty() ? DevicePool.local(localGpus) : null;
        int gpu = assigned.isPresent() ? assigned.getAsInt() : pool != null ? pool.borrow() : -1;
        try {
            return runAndCommit(pack, context, gpu).iterator();
        } finally {
            if (pool != null) {
                pool.giveBack(gpu);
            }
        }
    }

    /**
     * Runs one pack of stages (one trial, or several of one shape trained side by side) and commits the rows of the
     * trials it ends; a paused trial leaves its checkpoint. Failures stay per trial: when a pack of several fails,
     * each of its trials runs again alone, so only those that fail alone fail. Those are retried by Spark (the retry
     * skips the trials this attempt finished) or, at the last attempt, recorded as failed rows.
     */
    private List<TaskReport> runAndCommit(List<TrialStage> pack, TaskContext context, int gpu) throws IOException {
        int attempt = context.attemptNumber() + 1;
        StorePatience patience = new StorePatience(
                dataset, storeBound, context::killTaskIfInterrupted, progress::storeFailingSince, System.err);
        TaskPlace place = new TaskPlace(
                hostName(),
                SparkEnv.get().executorId(),
                attempt,
                gpu >= 0 ? String.valueOf(gpu) : null,
                org.apache.spark.package$.MODULE$.SPARK_VERSION());
        Device device = null;
        if (gpu >= 0 && !cpuWithGpus) {
            try {
                device = Compute.openGpu(gpu);
            } catch (RuntimeException e) { // no usable CUDA here: retried, then every trial's row says why
                if (attempt < maxAttempts) {
                    throw new TrialFailedException(pack, e);
                }
                return fail(pack, e, place, Instant.now(), patience);
            }
        }
        try {
            return runAndCommit(pack, new Attempt(place, context, patience), device);
        } finally {
            if (device != null) {
                device.close();
            }
        }
    }

    /** This attempt of the task: where it runs, Spark's view of it, and how it waits for the store. */
    private record Attempt(TaskPlace place, TaskContext context, StorePatience patience) {
        int number() {
            return place.attempt();
        }
    }

    /** {@link #runAndCommit(List, TaskContext, int)} once the device is open ({@code gpu} null: the CPU). */
    private List<TaskReport> runAndCommit(List<TrialStage> pack, Attempt attempt, Device gpu) throws IOException {
        List<TaskReport> reports = new ArrayList<>();
        List<TrialStage> todo = new ArrayList<>();
        for (TrialStage stage : pack) {
            TaskReport earlier = attempt.number() == 1 ? null : earlierAttempt(stage, attempt.patience());
            if (earlier != null) {
                reports.add(earlier);
            } else {
                todo.add(stage);
            }
        }
        if (todo.isEmpty()) {
            return reports;
        }
        try {
            reports.addAll(train(todo, attempt, gpu));
        } catch (PackFailure whole) {
            List<TrialStage> failing = new ArrayList<>();
            Throwable cause = whole.getCause();
            if (todo.size() == 1) {
                failing.add(todo.get(0));
            } else {
                for (TrialStage stage : todo) {
                    try {
                        reports.addAll(train(List.of(stage), attempt, gpu));
                    } catch (PackFailure alone) {
                        failing.add(stage);
                        cause = alone.getCause();
                    }
                }
            }
            if (!failing.isEmpty()) {
                if (attempt.number() < maxAttempts) {
                    throw new TrialFailedException(failing, cause);
                }
                reports.addAll(fail(failing, cause, attempt.place(), Instant.now(), attempt.patience()));
            }
        }
        return reports;
    }

    /** A training of a pack that threw; its cause is what went wrong. */
    private static final class PackFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PackFailure(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Trains a pack and commits the rows of the trials it ends; throws, having written nothing, if it fails. A store
     * gone past its bound, or the task's cancellation, ends the task as it is, whatever it interrupted.
     */
    private List<TaskReport> train(List<TrialStage> pack, Attempt attempt, Device gpu) throws PackFailure {
        TaskContext context = attempt.context();
        Instant started = Instant.now();
        int size = pack.size();
        // Each step goes into the accumulator as it is taken: heartbeats carry the running total to the driver
        // (the steps a checkpoint saved count as done when the training resumes).
        long[] stepsCounted = new long[size];
        List<TrainingProgress> counters = new ArrayList<>();
        for (int p = 0; p < size; p++) {
            int member = p;
            counters.add(new TrainingProgress() {
                @Override
                public void step(long done, long total) {
                    progress.steps().add(done - stepsCounted[member]);
                    stepsCounted[member] = done;
                    context.killTaskIfInterrupted(); // a cancelled task stops within a step
                }
            });
        }
        List<CheckpointFile> checkpoints = new ArrayList<>();
        List<Optional<TrialOutcome>> outcomes;
        try {
            List<TrialEngine> runners = new ArrayList<>();
            for (TrialStage stage : pack) {
                Trial trial = stage.trial();
                TrialEngine runner = TrialEngine.prepare(
                        trial.settings(), images.value().get(trial.settings().image()));
                runners.add(runner);
                checkpoints.add(new CheckpointFile(
                        ResultDataset.checkpointOf(dataset, trial.id()),
                        checkpointInterval,
                        runner.fingerprint(),
                        dataset.resolve(ResultDataset.QUARANTINE),
                        attempt.patience()));
            }
            TrialStage first = pack.get(0);
            outcomes = TrialEngine.runPack(
                    runners,
                    attempt.number(),
                    counters,
                    List.copyOf(checkpoints),
                    first.untilEpoch(),
                    !first.commit(),
                    gpu);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            progress.steps().add(-Arrays.stream(stepsCounted).sum()); // they will be taken again
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof StoreUnreachableException unreachable) {
                    throw unreachable;
                }
            }
            context.killTaskIfInterrupted(); // cancelled: Spark's end of a task, not the trial's failure
            throw new PackFailure(e);
        }
        Instant finished = Instant.now();
        double seconds = (finished.toEpochMilli() - started.toEpochMilli()) / 1e3;
        List<TaskReport> reports = new ArrayList<>();
        for (int p = 0; p < size; p++) {
            TrialStage stage = pack.get(p);
            Optional<TrialOutcome> outcome = outcomes.get(p);
            if (outcome.isEmpty()) { // at the rung, its state in the checkpoint: no row until the driver decides
                checkpoints.get(p).flush();
                count(TrialStatus.PAUSED, stage.steps() - stepsCounted[p]);
                reports.add(new TaskReport(
                        stage.trial().id(),
                        TrialStatus.PAUSED,
                        Measures.UNKNOWN,
                        seconds,
                        null,
                        Compute.deviceName(gpu)));
                continue;
            }
            TrialResult result =
                    new TrialResult(sweep, stage.trial(), outcome.get(), null, attempt.place(), started, finished);
            attempt.patience()
                    .call("writing the row of trial " + result.trial().id(), () -> ResultFiles.write(dataset, result));
            checkpoints.get(p).delete(); // the row holds the result now
            count(result.status(), stage.steps() - stepsCounted[p]);
            TrialOutcome o = result.outcome();
            reports.add(new TaskReport(stage.trial().id(), result.status(), o.measures(), seconds, null, o.device()));
        }
        return reports;
    }

    /** Records a failed row for each of {@code stages} (the last attempt), and removes their checkpoints. */
    private List<TaskReport> fail(
            List<TrialStage> stages, Throwable e, TaskPlace place, Instant started, StorePatience patience) {
        List<TaskReport> reports = new ArrayList<>();
        for (TrialStage stage : stages) {
            TrialResult result =
                    new TrialResult(sweep, stage.trial(), null, describe(e), place, started, Instant.now());
            patience.call("writing the row of trial " + result.trial().id(), () -> ResultFiles.write(dataset, result));
            Location checkpoint =
                    ResultDataset.checkpointOf(dataset, stage.trial().id());
            patience.tryOnce("removing checkpoint " + checkpoint, checkpoint::delete);
            count(result.status(), stage.steps());
            reports.add(new TaskReport(
                    stage.trial().id(),
                    result.status(),
                    Measures.UNKNOWN,
                    (result.finishedAt().toEpochMilli() - started.toEpochMilli()) / 1e3,
                    result.error(),
                    null));
        }
        return reports;
    }

    /**
     * What an earlier attempt of this task finished of {@code stage}, if it did: its committed row, or its pause at
     * the rung (a checkpoint at that epoch). Counted as done again: a failed attempt's counts do not reach the driver.
     */
    private TaskReport earlierAttempt(TrialStage stage, StorePatience patience) {
        String id = stage.trial().id();
        if (stage.commit()) {
            Location row = ResultFiles.fileOf(dataset, id);
            TrialStatus status = patience.call(
                    "reading the row of trial " + id,
                    () -> row.isFile() ? ResultFiles.summary(row, -1).status() : null);
            if (status == null) {
                return null;
            }
            count(status, stage.steps());
            return new TaskReport(id, status, Measures.UNKNOWN, 0, null, null);
        }
        Location checkpoint = ResultDataset.checkpointOf(dataset, id);
        boolean paused = patience.call("reading checkpoint " + checkpoint, () -> checkpoint.isFile())
                && CheckpointFile.peek(checkpoint)
                        .map(saved -> saved.epoch() == stage.untilEpoch())
                        .orElse(false);
        if (!paused) {
            return null;
        }
        count(TrialStatus.PAUSED, stage.steps());
        return new TaskReport(id, TrialStatus.PAUSED, Measures.UNKNOWN, 0, null, null);
    }

    /**
     * Counts a trial's status, and its planned steps not counted yet (a diverged or failed trial ends early).
     */
    private void count(TrialStatus status, long stepsNotTaken) {
        (switch (status) {
                    case PAUSED -> progress.paused();
                    case OK -> progress.ok();
                    case DIVERGED -> progress.diverged();
                    case STOPPED -> progress.stopped();
                    case FAILED -> progress.failed();
                })
                .add(1);
        progress.steps().add(stepsNotTaken);
    }

    /** The error text of a failed row: the exception's class and message, and its cause's. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" (caused by ")
                    .append(cause.getClass().getSimpleName())
                    .append(": ")
                    .append(cause.getMessage())
                    .append(')');
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

    /** A training that threw while Spark still has attempts left: Spark will run the trials again. */
    static final class TrialFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TrialFailedException(List<TrialStage> stages, Throwable cause) {
            super(
                    (stages.size() == 1 ? "trial " : "trials ")
                            + String.join(
                                    ", ",
                                    stages.stream()
                                            .map(stage -> stage.trial().id())
                                            .toList()) + " failed (Spark will retry "
                            + (stages.size() == 1 ? "it" : "them") + "): " + cause.getMessage(),
                    cause);
        }
    }
}
