package org.sirensweep.spark;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.Trial;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.trial.Compute;
import org.sirensweep.trial.TrialEngine;

/**
 * Benchmark (not a test; {@code benchmarks/spark-overhead.sh} runs it): the cost of Spark around a sweep. {@code direct SWEEP} trains every trial of the sweep in
 * this JVM one after another with one thread; {@code spark SWEEP} runs the same sweep through {@link SparkJobs} on
 * {@code local[1]} (one task at a time, one thread each). Run each in a fresh JVM and compare the printed wall times:
 * <pre>
 * cp="target/classes:target/test-classes:$(cat target/runtime-classpath.txt)"
 * java -cp "$cp" org.sirensweep.spark.SparkOverheadBenchmark direct my-sweep.yaml
 * java -cp "$cp" org.sirensweep.spark.SparkOverheadBenchmark spark my-sweep.yaml
 * </pre>
 * The wall time counts from the start of {@code main}: reading the sweep, starting Spark (spark mode) and every
 * training, evaluation and rendering; JVM start-up is the same for both and left out.
 */
public final class SparkOverheadBenchmark {
    private SparkOverheadBenchmark() {}

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        String mode = args[0];
        Sweep sweep = SweepFile.read(Path.of(args[1]), 10_000);
        PrintStream out = System.out;
        if (mode.equals("direct")) {
            Compute.limitThreads(1);
            for (Trial trial : sweep.trials()) {
                TrialEngine.prepare(
                                trial.settings(),
                                sweep.images().get(trial.settings().image()))
                        .run(1, TrainingProgress.NONE);
            }
        } else if (mode.equals("spark")) {
            Path dataset = Files.createTempDirectory("overhead");
            SparkJobs jobs = SparkJobs.start("overhead", "local[1]", FileSettings.NONE, false);
            out.printf("spark: session started after %.2f s%n", (System.nanoTime() - start) / 1e9);
            try (ResultDataset results =
                    ResultDataset.open(Location.local(dataset.resolve("out")), sweep.name(), args[1])) {
                SparkJobs.RunSummary summary = jobs.run(
                        sweep,
                        results,
                        SweepPlan.of(
                                sweep, org.sirensweep.sweep.Scheduler.of(sweep).next(Map.of()), jobs.taskSlots()),
                        java.time.Duration.ZERO,
                        java.time.Duration.ofMinutes(1),
                        "overhead",
                        new PrintStream(java.io.OutputStream.nullOutputStream()),
                        progress -> {});
                Map<String, ResultDataset.Row> rows = results.rows(new java.util.ArrayList<>());
                if (summary.jobError() != null || rows.size() != sweep.trials().size()) {
                    throw new IllegalStateException("sweep incomplete: " + summary.jobError());
                }
            } finally {
                jobs.stop();
            }
        } else {
            throw new IllegalArgumentException("mode must be direct or spark");
        }
        out.printf(
                "%s: %d trials, wall %.2f s (JVM start excluded), %s%n",
                mode,
                sweep.trials().size(),
                (System.nanoTime() - start) / 1e9,
                List.of(Runtime.getRuntime().availableProcessors() + " cores"));
    }
}
