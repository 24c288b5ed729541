package org.sirensweep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.bench.StepBenchmark;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.SineActivation;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.StepPhases;
import org.sirensweep.train.Batches;
import org.sirensweep.train.InsufficientMemoryException;
import org.sirensweep.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep bench}: how fast this machine trains, measured in this process. Prints the matmul ceiling for the
 * trial's shapes, then per resolution and supervision type the median step time, the matmul rate it achieves, its
 * cost relative to vanilla and the memory it took.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measure training-step speed and memory on this machine (table, or --json).")
public final class BenchCommand implements Callable<Integer> {
    private static final double MB = 1024 * 1024;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--image", defaultValue = "data/camera.png", description = "PNG to fit. Default: ${DEFAULT-VALUE}.")
    Path image;

    @Option(
            names = "--resolution",
            split = ",",
            defaultValue = "256,64",
            description = "Training resolutions (square side, px). Default: ${DEFAULT-VALUE}.")
    List<Integer> resolutions;

    @Option(
            names = "--supervision",
            split = ",",
            defaultValue = "vanilla,gradient,laplacian",
            description = "Supervision types. Default: ${DEFAULT-VALUE}.")
    List<String> supervisions;

    @Option(names = "--width", defaultValue = "256", description = "Units per sine layer. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(
            names = "--depth",
            defaultValue = "3",
            description = "Hidden sine layers after the first. Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(
            names = "--batch-size",
            defaultValue = "0",
            description = "Points per step; 0 = full batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--pack",
            defaultValue = "1",
            description = "Networks trained side by side in one step (a pack "
                    + "of trials); times are then per network. Default: ${DEFAULT-VALUE}.")
    int pack;

    @Option(
            names = "--steps",
            defaultValue = "10",
            description = "Measured steps per case, after " + Trainer.WARM_UP_STEPS
                    + " warm-up steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--warm-up",
            defaultValue = "2",
            description = "Seconds of untimed training of each case before "
                    + "its timed one, so that the JIT has compiled the step (small steps need thousands). Default: "
                    + "${DEFAULT-VALUE}.")
    double warmUpSeconds;

    @Option(names = "--json", description = "Print the figures as JSON instead of a table.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws JsonProcessingException {
        CommandLine cli = spec.commandLine();
        if (steps < 1) {
            throw new CommandLine.ParameterException(cli, "--steps must be at least 1, got " + steps);
        }
        if (!(warmUpSeconds >= 0 && warmUpSeconds <= 3600)) {
            throw new CommandLine.ParameterException(cli, "--warm-up must be 0 to 3600 seconds, got " + warmUpSeconds);
        }
        List<Supervision> types = new ArrayList<>();
        List<StepBenchmark.Case> cases = new ArrayList<>();
        try {
            for (String s : supervisions) {
                types.add(Supervision.parse(s));
            }
            for (int resolution : resolutions) {
                if (resolution < 2) {
                    throw new IllegalArgumentException("--resolution must be at least 2, got " + resolution);
                }
                for (Supervision type : types) {
                    cases.add(new StepBenchmark.Case(type, resolution, width, depth, batchSize, pack));
                }
            }
            SirenConfig.forImage(1, width, depth, SirenConfig.DEFAULT_OMEGA0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        Map<Integer, PixelImage> images = new LinkedHashMap<>();
        for (int resolution : resolutions) {
            try {
                images.put(resolution, TrainingImage.load(image, resolution));
            } catch (ImageFormatException e) {
                throw new CommandLine.ParameterException(cli, "--image: " + e.getMessage());
            }
        }
        threads.apply(cli);

        StepBenchmark.Measurements measured;
        try {
            measured = StepBenchmark.measure(cases, images, steps, warmUpSeconds, cli.getErr());
        } catch (InsufficientMemoryException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        Map<String, Object> report = report(measured);
        PrintWriter out = cli.getOut();
        if (json) {
            out.println(TrainCommand.mapper().writeValueAsString(report));
        } else {
            printTable(out, measured);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> report(StepBenchmark.Measurements measured) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Machine.describe());
        report.put("sine_activation", SineActivation.forType(DataType.FLOAT).describe());
        report.put("openblas_coretype", openBlasCoreType());
        report.put("omp_wait_policy", ompWaitPolicy());
        report.put("image", image.toString());
        report.put("measured_steps", steps);
        report.put("warm_up_seconds", warmUpSeconds);
        report.put("pack", pack);
        report.put(
                "steps",
                measured.results().stream()
                        .map(r -> {
                            StepBenchmark.Case c = r.benchCase();
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("supervision", c.supervision().id());
                            row.put("resolution", c.resolution());
                            row.put("width", c.width());
                            row.put("depth", c.depth());
                            row.put("batch_size", c.batchSize());
                            row.put("ms_per_step", r.msPerStep());
                            row.put("gflop_per_step", r.gflopsPerStep());
                            row.put("gflops", r.gflopsPerSecond());
                            row.put("ceiling", ceiling(r));
                            row.put("fraction_of_ceiling", r.fractionOfCeiling());
                            row.put("products_fraction_of_ceiling", r.productsFractionOfCeiling());
                            Map<String, Object> phases = new LinkedHashMap<>();
                            r.phaseMs()
                                    .forEach((phase, ms) ->
                                            phases.put(phase.name().toLowerCase(Locale.ROOT), ms));
                            row.put("phase_ms", phases);
                            row.put("cost_vs_vanilla", measured.costVsVanilla(r));
                            row.put("peak_rss_mb", r.peakRssBytes() / MB);
                            row.put("peak_heap_mb", r.peakHeapBytes() / MB);
                            row.put("workspace_mb", r.workspaceBytes() / MB);
                            row.put("rss_early_mb", r.earlyRssBytes() / MB);
                            row.put("rss_end_mb", r.endRssBytes() / MB);
                            row.put("steps_run", r.steps());
                            return row;
                        })
                        .toList());
        return report;
    }

    /** The sgemm ceiling a case was measured against, as the JSON report gives it. */
    private static Map<String, Object> ceiling(StepBenchmark.Result r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("points", r.benchCase().rows());
        c.put("width", r.benchCase().width());
        c.put("forward_gflops", r.ceiling().forward());
        c.put("weight_gradient_gflops", r.ceiling().weightGradient());
        c.put("input_adjoint_gflops", r.ceiling().inputAdjoint());
        c.put("combined_gflops", r.ceiling().combined());
        return c;
    }

    private void printTable(PrintWriter out, StepBenchmark.Measurements measured) {
        Map<String, Object> machine = Machine.describe();
        out.printf(
                "machine: %s cores, %s, Java %s, %s (%s), %s ND4J threads%n",
                machine.get("cores"),
                machine.get("os"),
                machine.get("java"),
                machine.get("nd4j_backend"),
                machine.get("blas"),
                machine.get("nd4j_threads"));
        out.printf(
                "sine activation: %s; OpenBLAS core type: %s; OpenMP wait policy: %s%n",
                SineActivation.forType(DataType.FLOAT).describe(), openBlasCoreType(), ompWaitPolicy());
        out.printf(
                "network: width %d, depth %d, %s; %s; median of %d steps after %d warm-up steps, each case after "
                        + "%gs of untimed training%n",
                width, depth, Batches.describe(batchSize), image, steps, Trainer.WARM_UP_STEPS, warmUpSeconds);
        out.printf(
                pack == 1
                        ? "one network per step%n%n"
                        : "packs of %d networks per step: times are per network "
                                + "(the pack's step time / %d), GFLOP per network%n%n",
                pack,
                pack);
        out.printf(
                "%-10s %6s %10s %11s %9s %8s %8s %8s %9s %9s %9s%n",
                "supervision",
                "res",
                "ms/step",
                "GFLOP/step",
                "GFLOP/s",
                "ceiling",
                "of it",
                "×vanilla",
                "RSS MB",
                "heap MB",
                "work MB");
        for (StepBenchmark.Result r : measured.results()) {
            StepBenchmark.Case c = r.benchCase();
            Double cost = measured.costVsVanilla(r);
            out.printf(
                    "%-10s %6d %10.3f %11.4f %9.1f %8.1f %7.0f%% %8s %9.0f %9.0f %9.0f%n",
                    c.supervision().id(),
                    c.resolution(),
                    r.msPerStep(),
                    r.gflopsPerStep(),
                    r.gflopsPerSecond(),
                    r.ceiling().combined(),
                    100 * r.fractionOfCeiling(),
                    cost == null ? "-" : String.format("%.2f", cost),
                    r.peakRssBytes() / MB,
                    r.peakHeapBytes() / MB,
                    r.workspaceBytes() / MB);
        }
        out.println();
        out.println("ceiling: GFLOP/s of the step's three products alone (forward, dW = hᵀdu, dh = du·Wᵀ in equal"
                + " measure), hot caches, measured just before the case's timed steps");
        out.println();
        out.println("where a step's time goes (mean ms per step after the warm-up; products' rate: the products'"
                + " GFLOP/s inside the step over the ceiling)");
        out.printf("%-10s %6s", "supervision", "res");
        for (StepPhases.Phase phase : StepPhases.Phase.values()) {
            out.printf(" %10s", phase.name().toLowerCase(Locale.ROOT));
        }
        out.printf(" %9s %16s %15s%n", "sum", "beyond products", "products' rate");
        for (StepBenchmark.Result r : measured.results()) {
            out.printf(
                    "%-10s %6d", r.benchCase().supervision().id(), r.benchCase().resolution());
            r.phaseMs().values().forEach(ms -> out.printf(" %10.3f", ms));
            double sum = r.phasesMsPerStep();
            out.printf(
                    " %9.3f %15.0f%% %14.0f%%%n",
                    sum,
                    100 * (1 - r.phaseMs().get(StepPhases.Phase.PRODUCTS) / sum),
                    100 * r.productsFractionOfCeiling());
        }
    }

    /** OpenBLAS's kernel choice when forced (the launcher does on AVX-512 CPUs), else its own detection. */
    private static String openBlasCoreType() {
        String forced = System.getenv("OPENBLAS_CORETYPE");
        return forced == null || forced.isBlank() ? "detected by OpenBLAS" : forced + " (OPENBLAS_CORETYPE)";
    }

    /** How ND4J's idle OpenMP threads wait (the launcher makes them passive; spinning ones slow small steps). */
    private static String ompWaitPolicy() {
        String policy = System.getenv("OMP_WAIT_POLICY");
        return policy == null || policy.isBlank()
                ? "OpenMP's default (spin, then sleep)"
                : policy + " (OMP_WAIT_POLICY)";
    }
}
