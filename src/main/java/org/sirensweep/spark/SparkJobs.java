package org.sirensweep.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.files.Durations;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.files.StoreUnreachableException;
import org.sirensweep.files.StoreWatch;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepProgress;
import org.sirensweep.sweep.TaskSlots;
import org.sirensweep.sweep.TrialStage;
import org.sirensweep.trial.Compute;

/**
 * Runs a sweep's trials on Spark, one trial per task, each task committing its own row, while the driver prints a
 * progress line. Without a master from spark-submit or {@code --master}, Spark runs embedded in local mode on all
 * cores, or with one concurrent trial per GPU where this machine has GPUs and CUDA.
 */
public final class SparkJobs {
    /** Spark setting: train on the CPU when a CPU build is given GPUs (instead of refusing). */
    public static final String CPU_WITH_GPUS = "spark.sirensweep.cpuWithGpus";
    /** {@code local[threads]} or {@code local[threads, attempts]}, as Spark reads a local master. */
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:\\s*,\\s*(\\d+))?\\]");

    private final SparkContext sc;
    /** The GPUs local-mode tasks borrow (nvidia-smi's numbers); none on a cluster, where Spark assigns them. */
    private final List<Integer> localGpus;

    private SparkJobs(SparkContext sc, List<Integer> localGpus) {
        this.sc = sc;
        this.localGpus = localGpus;
    }

    /**
     * Starts (or joins) Spark: the master is {@code master} if given, else spark-submit's, else local mode. On a
     * cluster it waits for an executor to register ({@link ClusterChecks#awaitExecutors}), else throws a {@link
     * ClusterUnavailableException}. Spark's own console progress bar is off; the runner prints its own. In local mode
     * Spark's web UI is off unless {@code ui} (or the configuration) asks for it, and the CPU engine's natives load
     * on a thread of their own while Spark starts, so the first task finds them ready. Executors get the Vector API
     * module (SIMD sine layers) unless the cluster sets its own default Java options, and passive OpenMP threads
     * (spinning ones take the cores BLAS needs: see the launcher script) unless it sets its own. The stores'
     * settings ({@code files}, e.g. from the command's {@code --conf}) become Spark's {@code spark.hadoop.*}.
     */
    public static SparkJobs start(String appName, String master, FileSettings files, boolean ui) {
        SparkConf conf = new SparkConf()
                .setAppName(appName)
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.executor.defaultJavaOptions", "--add-modules=jdk.incubator.vector")
                .setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        if (master != null) {
            conf.setMaster(master);
        }
        files.hadoop().forEach((key, value) -> conf.set(FileSettings.PREFIX + key, value));
        boolean local =
                !conf.contains("spark.master") || conf.get("spark.master").startsWith("local");
        // Local tasks are threads of this process: they share its GPUs, lent one per trial (none on a CPU build).
        List<Integer> gpus = local ? Compute.gpus() : List.of();
        if (!conf.contains("spark.master")) {
            conf.setMaster(!gpus.isEmpty() ? "local[" + gpus.size() + "]" : "local[*]");
        }
        String graphs = System.getenv(CudaDevice.GRAPHS_VARIABLE);
        if (graphs != null) { // executors train as this command was told to
            conf.setIfMissing("spark.executorEnv." + CudaDevice.GRAPHS_VARIABLE, graphs);
        }
        if (ui) {
            conf.set("spark.ui.enabled", "true");
        } else if (local) {
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        if (local) {
            Compute.loadInBackground();
        }
        // A SparkContext, not a SparkSession: the jobs need no SQL, whose start-up costs about a second.
        SparkContext sc = SparkContext.getOrCreate(conf);
        String noExecutor = ClusterChecks.awaitExecutors(sc);
        if (noExecutor != null) {
            sc.stop();
            throw new ClusterUnavailableException(noExecutor);
        }
        return new SparkJobs(sc, gpus);
    }

    /** The cluster cannot run the job: no executor registered in time. The message is one line. */
    public static final class ClusterUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClusterUnavailableException(String message) {
            super(message);
        }
    }

    /** The address of Spark's web UI, or "off". */
    public String uiUrl() {
        return sc.uiWebUrl().getOrElse(() -> "off");
    }

    /** Stops Spark (its executors with it). */
    public void stop() {
        sc.stop();
    }

    /**
     * Null, or one line saying that an executor cannot write and read back a file in {@code folder} (a cluster's
     * executors must see the driver's output folder; in local mode they are this process).
     */
    public String probeOutput(Location folder) {
        if (sc.isLocal()) {
            return null;
        }
        return JavaSparkContext.fromSparkContext(sc)
                .parallelize(List.of(folder), 1)
                .map(ClusterChecks::probeOutput)
                .collect()
                .get(0);
    }

    /**
     * What a run did: the tasks' reports, and the error that stopped Spark's job if it did not finish ({@code
     * storeGone}: the dataset's store did not answer for longer than its bound, and {@code jobError} says so).
     */
    public record RunSummary(List<TaskReport> reports, String jobError, boolean storeGone) {
        RunSummary(List<TaskReport> reports, String jobError) {
            this(reports, jobError, false);
        }
    }

    /** What Spark's message of a failed job says after the exception that a task's gone store throws. */
    private static final Pattern STORE_GONE =
            Pattern.compile(Pattern.quote(StoreUnreachableException.class.getName()) + ": ([^\\n]*)");

    /**
     * Runs {@code plan} (its stages of trials of {@code sweep} without a row yet, one pack a task) as one Spark job,
     * writing the rows of the trials they end into {@code dataset}; each trial checkpoints every {@code
     * checkpointInterval} of training (zero: never) and continues from its checkpoint. The progress line starts with
     * {@code title}, and says when the dataset's store does not answer (as the driver's {@link StoreWatch} or the
     * tasks find it); {@code listener} hears the same progress every second or so (on this thread), and once more
     * when the job ends. A store that does not answer for longer than {@code storeBound} ends the job.
     */
    public RunSummary run(
            Sweep sweep,
            ResultDataset dataset,
            SweepPlan plan,
            Duration checkpointInterval,
            Duration storeBound,
            String title,
            PrintStream log,
            Consumer<SweepProgress> listener) {
        List<TrialStage> todo = plan.plan().stages();
        if (todo.isEmpty()) {
            return new RunSummary(List.of(), null);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Map<String, byte[]> images = new HashMap<>();
        todo.forEach(stage -> images.put(
                stage.trial().settings().image(),
                sweep.images().get(stage.trial().settings().image())));
        PackTask.Progress progress = new PackTask.Progress(
                sc.longAccumulator("ok"),
                sc.longAccumulator("diverged"),
                sc.longAccumulator("failed"),
                sc.longAccumulator("stopped"),
                sc.longAccumulator("paused"),
                sc.longAccumulator("steps"),
                sc.longAccumulator("storeFailingSince"));
        PackTask task = new PackTask(
                sweep.name(),
                dataset.folder(),
                jsc.broadcast(images),
                maxAttempts(sc),
                localGpus,
                sc.getConf().getBoolean(CPU_WITH_GPUS, false),
                progress,
                checkpointInterval,
                storeBound);
        long totalSteps = todo.stream().mapToLong(TrialStage::steps).sum();
        jsc.setJobDescription(title + ": " + todo.size() + " trials");
        // A job cancelled or failed interrupts its tasks: one waiting for a store that is gone stops now, not when
        // the store answers (the task itself stops training at its next step either way).
        jsc.setLocalProperty("spark.job.interruptOnCancel", "true");
        List<List<TrialStage>> packs = plan.packs();
        JavaFutureAction<List<TaskReport>> job =
                jsc.parallelize(packs, packs.size()).mapPartitions(task).collectAsync();
        ProgressLine line = new ProgressLine(title, todo.size(), totalSteps, dataset.folder(), log, listener);
        RunningTasks running = new RunningTasks(progress.steps(), progress.storeFailingSince());
        sc.addSparkListener(running);
        ExecutorWatch executors = new ExecutorWatch(sc);
        try (StoreWatch store = StoreWatch.start(dataset.folder())) {
            while (true) {
                try {
                    List<TaskReport> reports = job.get(1, TimeUnit.SECONDS);
                    line.update(progress, 0, List.of(), null, true);
                    return new RunSummary(reports, null);
                } catch (TimeoutException e) {
                    Instant storeFailing = earliest(store.failingSince(), running.storeFailingSince());
                    line.update(
                            progress,
                            running.total(),
                            running.partitions().stream()
                                    .flatMap(p -> packs.get(p).stream())
                                    .map(stage -> stage.trial().id())
                                    .toList(),
                            storeFailing,
                            false);
                    String gone = executors.allLostFor();
                    if (gone != null) {
                        job.cancel(true);
                        line.update(progress, 0, List.of(), null, true);
                        return new RunSummary(List.of(), gone);
                    }
                    if (storeFailing != null
                            && Duration.between(storeFailing, Instant.now()).compareTo(storeBound) > 0) {
                        job.cancel(true);
                        awaitEnd(running);
                        line.update(progress, 0, List.of(), storeFailing, true);
                        return new RunSummary(
                                List.of(),
                                StorePatience.unreachableLine(dataset.folder(), storeFailing, store.lastError()),
                                true);
                    }
                } catch (ExecutionException e) {
                    line.update(progress, 0, List.of(), null, true);
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    String message = String.valueOf(cause.getMessage());
                    Matcher storeGone = STORE_GONE.matcher(message);
                    if (storeGone.find()) { // a task found the store gone before the driver did
                        return new RunSummary(List.of(), storeGone.group(1), true);
                    }
                    return new RunSummary(List.of(), message.lines().findFirst().orElse(cause.toString()));
                } catch (InterruptedException e) {
                    job.cancel(true);
                    Thread.currentThread().interrupt();
                    return new RunSummary(List.of(), "interrupted");
                }
            }
        } finally {
            sc.removeSparkListener(running);
        }
    }

    /**
     * Waits a few seconds for the tasks of a cancelled job to end (they stop at their next step, or as their store
     * call is interrupted), so that Spark is not stopped under them.
     */
    private static void awaitEnd(RunningTasks running) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (!running.partitions().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The earlier of two times, either of which may be null. */
    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    /** Where this session's tasks run, and how many at once. */
    public TaskSlots taskSlots() {
        return taskSlots(sc.getConf(), localGpus.size(), sc.defaultParallelism());
    }

    /**
     * Where the tasks of a session with this configuration run, from the configuration alone (the driver of a
     * cluster loads no compute backend and needs no GPU): on GPUs when local mode lends this machine's (one task
     * each) or when tasks ask for one ({@code spark.task.resource.gpu.amount}, unless they train on the CPU
     * regardless, {@link #CPU_WITH_GPUS}); as many at once as Spark's default parallelism (local mode: its threads;
     * a cluster: its executors' cores) allows with {@code spark.task.cpus} each.
     */
    static TaskSlots taskSlots(SparkConf conf, int localGpus, int defaultParallelism) {
        if (localGpus > 0) {
            return new TaskSlots(true, localGpus);
        }
        boolean gpu = conf.getDouble("spark.task.resource.gpu.amount", 0) > 0 && !conf.getBoolean(CPU_WITH_GPUS, false);
        int perTask = Math.max(1, conf.getInt("spark.task.cpus", 1));
        return new TaskSlots(gpu, Math.max(1, defaultParallelism / perTask));
    }

    /**
     * {@link #taskSlots} before Spark starts (for {@code run --dry-run}): local mode's threads from the master URL
     * ({@code local[n]}, {@code local[*]}: this machine's cores), a cluster's from {@code spark.executor.instances}
     * and {@code spark.executor.cores} where spark-submit set them, else one.
     */
    public static TaskSlots plannedTaskSlots(String master) {
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        }
        String effective = conf.get("spark.master", "local[*]");
        if (effective.startsWith("local")) {
            int gpus = Compute.gpus().size();
            Matcher threads = LOCAL.matcher(effective);
            int parallelism = !threads.matches()
                    ? 1
                    : threads.group(1).equals("*")
                            ? Runtime.getRuntime().availableProcessors()
                            : Integer.parseInt(threads.group(1));
            return taskSlots(conf, gpus, parallelism);
        }
        return taskSlots(conf, 0, conf.getInt("spark.executor.instances", 1) * conf.getInt("spark.executor.cores", 1));
    }

    /**
     * Whether a cluster job has lost every executor for longer than {@link ClusterChecks#EXECUTOR_TIMEOUT} (Spark
     * would wait for new ones forever: a lost master or all workers gone).
     */
    private static final class ExecutorWatch {
        private final SparkContext sc;
        private final long boundNanos;
        private long noneSince = -1;

        ExecutorWatch(SparkContext sc) {
            this.sc = sc;
            this.boundNanos = TimeUnit.SECONDS.toNanos(ClusterChecks.executorTimeoutSeconds(sc.getConf()));
        }

        /** Null while executors remain (or in local mode); else what happened, in one line. */
        String allLostFor() {
            if (sc.isLocal() || ClusterChecks.executors(sc) > 0) {
                noneSince = -1;
                return null;
            }
            long now = System.nanoTime();
            if (noneSince < 0) {
                noneSince = now;
            }
            return now - noneSince < boundNanos
                    ? null
                    : "every executor was lost and none came back within "
                            + TimeUnit.NANOSECONDS.toSeconds(boundNanos) + " s (" + ClusterChecks.EXECUTOR_TIMEOUT
                            + "); the workers or the master are gone";
        }
    }

    /** Attempts Spark makes of a task: {@code local[n, f]} gives f, plain local mode 1, a cluster spark.task.maxFailures. */
    static int maxAttempts(SparkContext sc) {
        String master = sc.master();
        if (master.startsWith("local")) {
            Matcher m = LOCAL.matcher(master);
            return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1;
        }
        return sc.getConf().getInt("spark.task.maxFailures", 4);
    }

    /**
     * "sweep x: 3/8 done (ok 2, diverged 1, failed 0), 2 running, 1m20s, ETA 2m40s", on one line where a terminal
     * allows; trials stopped early or paused at a rung are counted too when there are any.
     */
    private static final class ProgressLine {
        private final String title;
        private final int trials;
        private final long totalSteps;
        private final Location store;
        private final PrintStream out;
        private final Consumer<SweepProgress> listener;
        private final long start = System.nanoTime();
        private final boolean terminal = System.console() != null;
        private String last = "";
        private long lastPrinted;
        /** When the outage the line last told began; null while the store answers. */
        private Instant storeFailing;

        ProgressLine(
                String title,
                int trials,
                long totalSteps,
                Location store,
                PrintStream out,
                Consumer<SweepProgress> listener) {
            this.title = title;
            this.trials = trials;
            this.totalSteps = totalSteps;
            this.store = store;
            this.out = out;
            this.listener = listener;
        }

        /**
         * {@code runningSteps}: steps of the trials still running, which {@code p} counts only once they end;
         * {@code running}: those trials; {@code storeFailing}: since when the dataset's store has failed, or
         * null.
         */
        void update(
                PackTask.Progress p, long runningSteps, List<String> running, Instant storeFailing, boolean finished) {
            long elapsed = System.nanoTime() - start;
            long stepsDone = p.steps().value() + runningSteps;
            Duration eta = stepsDone == 0 || finished
                    ? null
                    : Duration.ofNanos((long) (elapsed * (double) (totalSteps - stepsDone) / stepsDone));
            SweepProgress now = new SweepProgress(
                    title,
                    trials,
                    p.ok().value(),
                    p.diverged().value(),
                    p.failed().value(),
                    p.stopped().value(),
                    p.paused().value(),
                    running,
                    Duration.ofNanos(elapsed),
                    eta,
                    finished);
            // A finishing task still counts as running for a moment.
            long runningCount = Math.min(running.size(), trials - now.done());
            String counts = String.format(
                    "%s: %d/%d done (%sok %d, %sdiverged %d, failed %d), %d running",
                    title,
                    now.done(),
                    trials,
                    now.paused() > 0 ? "at the rung " + now.paused() + ", " : "",
                    now.ok(),
                    now.stopped() > 0 ? "stopped " + now.stopped() + ", " : "",
                    now.diverged(),
                    now.failed(),
                    runningCount);
            String outage = storeFailing == null
                    ? ""
                    : "; the store has failed since " + StorePatience.clock(storeFailing)
                            + " (%s): rows and checkpoints wait";
            if (storeFailing == null && this.storeFailing != null && !finished) {
                out.print((terminal ? "\r" : "") + store + " works again after "
                        + Durations.describe(Duration.between(this.storeFailing, Instant.now())) + "\n");
            }
            this.storeFailing = storeFailing;
            // Logs get a line when the counts change (or every minute); a terminal gets one line rewritten in place.
            boolean changed = !(counts + outage).equals(last);
            if (terminal || changed || finished || elapsed - lastPrinted > 60e9) {
                String text = counts + ", " + Durations.describe(now.elapsed())
                        + (eta == null ? "" : ", ETA " + Durations.describe(eta))
                        + (outage.isEmpty()
                                ? ""
                                : String.format(
                                        outage, Durations.describe(Duration.between(storeFailing, Instant.now()))));
                out.print(terminal ? "\r" + text + "   " + (finished ? "\n" : "") : text + "\n");
                out.flush();
                last = counts + outage;
                lastPrinted = elapsed;
            }
            listener.accept(now);
        }
    }
}
