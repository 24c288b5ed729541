package org.sirensweep.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.StepPhases;
import org.sirensweep.model.StepPhases.Phase;
import org.sirensweep.model.Workspace;
import org.sirensweep.train.Batches;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingConfig;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrainingResult;

/**
 * Times real training steps ({@link Trainer#trainPack}, the same code a trial runs) for one supervision type and
 * network shape, alone or in a pack of networks trained side by side: the step, where its time goes ({@link
 * StepPhases}), the sgemm ceiling of its products measured just before it, and the memory it takes.
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    /**
     * What one measurement ran.
     *
     * @param batchSize points per step; 0 = full batch
     * @param pack      networks trained side by side (1: one trial alone)
     */
    public record Case(Supervision supervision, int resolution, int width, int depth, int batchSize, int pack) {
        public Case {
            if (pack < 1) {
                throw new IllegalArgumentException("a pack holds at least one network, got " + pack);
            }
            if (batchSize < 0 || (long) batchSize > (long) resolution * resolution) {
                throw new IllegalArgumentException("batch size must be 0 (full batch) or at most "
                        + resolution * resolution + " at resolution " + resolution + ", got " + batchSize);
            }
        }

        /** Points in one step. */
        public int rows() {
            return Batches.largest((long) resolution * resolution, batchSize);
        }
    }

    /**
     * What it measured.
     *
     * @param msPerStep       median ms per step after the warm-up, per network (a pack's step time / its size)
     * @param gflopsPerStep   matmul work of a step of one network ({@link StepFlops})
     * @param ceiling         the sgemm ceiling for the step's products, measured just before its timed steps
     * @param phaseMs         mean ms per step of each phase after the warm-up, per network
     * @param peakRssBytes    peak resident set during the case (-1 where unknown)
     * @param peakHeapBytes   peak heap use during the case
     * @param workspaceBytes  the training's preallocated ND4J buffers (its planned workspace)
     * @param earlyRssBytes   resident set after a tenth of the steps
     * @param endRssBytes     resident set after the last step (the training's buffers still held)
     * @param steps           steps run, warm-up included
     */
    public record Result(
            Case benchCase,
            double msPerStep,
            double gflopsPerStep,
            GemmCeiling ceiling,
            Map<Phase, Double> phaseMs,
            long peakRssBytes,
            long peakHeapBytes,
            long workspaceBytes,
            long earlyRssBytes,
            long endRssBytes,
            long steps) {
        public Result {
            phaseMs = Collections.unmodifiableMap(new EnumMap<>(phaseMs));
        }

        /** Achieved matmul rate. */
        public double gflopsPerSecond() {
            return gflopsPerStep / (msPerStep / 1e3);
        }

        /** The fraction of its products' sgemm ceiling that the step reached. */
        public double fractionOfCeiling() {
            return gflopsPerSecond() / ceiling.combined();
        }

        /**
         * The fraction of the ceiling the products reached inside the step (below 1 where the step's operands come
         * from memory rather than cache): with the share of the step the products take, the step's fraction.
         */
        public double productsFractionOfCeiling() {
            return gflopsPerStep / (phaseMs.get(Phase.PRODUCTS) / 1e3) / ceiling.combined();
        }

        /** The mean step the phases add up to, in ms. */
        public double phasesMsPerStep() {
            return phaseMs.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /**
     * What a {@code bench} run measured: each case, in the order the cases were given.
     *
     * @param results each case's measurement
     */
    public record Measurements(List<Result> results) {
        public Measurements {
            results = List.copyOf(results);
        }

        /** A case's step time over vanilla's at its resolution, or null where vanilla was not measured. */
        public Double costVsVanilla(Result r) {
            return results.stream()
                    .filter(v -> v.benchCase().supervision() == Supervision.VANILLA
                            && v.benchCase().resolution() == r.benchCase().resolution())
                    .findFirst()
                    .map(v -> r.msPerStep() / v.msPerStep())
                    .orElse(null);
        }
    }

    /**
     * Measures every case in turn, {@code images} holding the training image at each resolution; a line to {@code
     * log} as each starts. A case too large for this machine throws {@link
     * org.sirensweep.train.InsufficientMemoryException}.
     */
    public static Measurements measure(
            List<Case> cases, Map<Integer, PixelImage> images, int steps, double warmUpSeconds, PrintWriter log) {
        List<Result> results = new ArrayList<>();
        for (Case c : cases) {
            log.printf(
                    "bench: %s at %d², width %d, depth %d, %s%s: %gs warm-up, the sgemm ceiling at %d x %d, %d steps%n",
                    c.supervision().id(),
                    c.resolution(),
                    c.width(),
                    c.depth(),
                    Batches.describe(c.batchSize()),
                    c.pack() == 1 ? "" : ", packs of " + c.pack(),
                    warmUpSeconds,
                    c.rows(),
                    c.width(),
                    steps + Trainer.WARM_UP_STEPS);
            log.flush();
            results.add(run(images.get(c.resolution()), c, steps, (long) (warmUpSeconds * 1e9)));
        }
        return new Measurements(results);
    }

    /**
     * Trains fresh networks (seeds 0 to pack - 1, lr 1e-4) on {@code image} for at least {@code steps} measured
     * steps, after untimed trainings of the same case (1, 4, 16, … steps, the last cut to fit) for about {@code
     * warmUpNanos}: the JIT compiles a step's code only after thousands of calls, so without them a small step's
     * first few hundred measured steps run up to two times slower than a trial's. The sgemm ceiling is measured
     * between the two, so that a machine whose speed drifts (a shared one) gives both at the same speed.
     */
    public static Result run(PixelImage image, Case c, int steps, long warmUpNanos) {
        if (image.height() != c.resolution() || image.width() != c.resolution()) {
            throw new IllegalArgumentException(
                    "image is " + image.height() + "x" + image.width() + ", case wants " + c.resolution());
        }
        long warmUpEnd = System.nanoTime() + warmUpNanos;
        for (long warmUpSteps = 1, left = warmUpNanos; left > 0; left = warmUpEnd - System.nanoTime()) {
            long start = System.nanoTime();
            train(image, c, (int) warmUpSteps, TrainingProgress.NONE, null);
            long perStep = Math.max(1, (System.nanoTime() - start) / warmUpSteps);
            // Longer each time, but no longer than the time left at the rate just seen.
            warmUpSteps = Math.max(1, Math.min(4 * warmUpSteps, (warmUpEnd - System.nanoTime()) / perStep));
        }
        GemmCeiling ceiling = GemmCeiling.measure(c.rows(), c.width(), 5);
        // Read inside the training: once it returns, its buffers are freed.
        long[] rss = {-1, -1};
        ProcessMemory.resetPeaks();
        TrainingProgress memory = new TrainingProgress() {
            @Override
            public void step(long done, long total) {
                if (done == Math.max(1, total / 10)) {
                    rss[0] = ProcessMemory.residentBytes();
                }
                if (done == total) {
                    rss[1] = ProcessMemory.residentBytes();
                }
            }
        };
        StepPhases phases = new StepPhases(Trainer.WARM_UP_STEPS);
        TrainingResult result = train(image, c, steps, memory, phases);
        SirenConfig config = config(image, c);
        Map<Phase, Double> phaseMs = new EnumMap<>(Phase.class);
        phases.msPerStep().forEach((phase, ms) -> phaseMs.put(phase, ms / c.pack()));
        return new Result(
                c,
                result.msPerStep(),
                StepFlops.of(config, c.supervision(), c.rows()) / 1e9,
                ceiling,
                phaseMs,
                ProcessMemory.peakResidentBytes(),
                ProcessMemory.peakHeapBytes(),
                Workspace.bytesNeeded(
                        config, Derivatives.of(c.supervision()), c.rows(), DataType.FLOAT, true, c.pack()),
                rss[0],
                rss[1],
                result.steps());
    }

    /**
     * One training of the case, at least {@code steps} steps past the trainer's warm-up, its phases timed into {@code
     * phases} (null: not timed): its first member's result.
     */
    private static TrainingResult train(
            PixelImage image, Case c, int steps, TrainingProgress progress, StepPhases phases) {
        int batches = Batches.count((long) c.resolution() * c.resolution(), c.batchSize());
        // The trainer's warm-up steps are run in addition to the measured ones.
        int epochs = (steps + Trainer.WARM_UP_STEPS + batches - 1) / batches;
        TrainingConfig training = new TrainingConfig(c.supervision(), epochs, c.batchSize(), false, 1e-4, 0, epochs);
        List<Trainer.Member> members = new ArrayList<>();
        for (int p = 0; p < c.pack(); p++) {
            members.add(new Trainer.Member(
                    Siren.initialise(config(image, c), p, DataType.FLOAT),
                    training,
                    p == 0 ? progress : TrainingProgress.NONE,
                    Checkpoints.NONE));
        }
        return Trainer.trainPack(members, image, epochs, phases).get(0);
    }

    private static SirenConfig config(PixelImage image, Case c) {
        return SirenConfig.forImage(image.channels(), c.width(), c.depth(), SirenConfig.DEFAULT_OMEGA0);
    }
}
