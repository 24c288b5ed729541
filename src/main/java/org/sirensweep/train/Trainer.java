package org.sirensweep.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.TrainingTargets;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Memory;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.SirenPass;
import org.sirensweep.model.StepPhases;
import org.sirensweep.model.Workspace;

/**
 * Fits a SIREN to an image with Adam ({@link AdamOptimizer} over the flat parameter vector). Every buffer is allocated
 * before the first step; a step is forward, loss, backward and update. A loss that is not finite stops the training
 * with status {@link TrialStatus#DIVERGED} instead of failing.
 */
public final class Trainer {
    /** Steps left out of the step-time median as warm-up (JIT, first-touch of buffers). */
    public static final int WARM_UP_STEPS = 3;

    private Trainer() {}

    /** Trains {@code network} (updated in place) to fit {@code image} at its own size, from scratch. */
    public static TrainingResult train(
            Siren network, PixelImage image, TrainingConfig config, TrainingProgress progress) {
        return train(network, image, config, progress, Checkpoints.NONE);
    }

    /**
     * Trains {@code network} (updated in place) to fit {@code image} at its own size, continuing from the state
     * {@code checkpoints} holds if it has one and saving the state there at the end of an epoch whenever its interval
     * has passed. A resumed training ends bit for bit as one that never stopped.
     */
    public static TrainingResult train(
            Siren network,
            PixelImage image,
            TrainingConfig config,
            TrainingProgress progress,
            Checkpoints checkpoints) {
        return train(network, image, config, progress, checkpoints, config.epochs());
    }

    /**
     * As {@link #train(Siren, PixelImage, TrainingConfig, TrainingProgress, Checkpoints)}, but ending after epoch
     * {@code untilEpoch}: before the last epoch, the result is {@link TrialStatus#STOPPED}, the curve has a sample
     * at that epoch, and the state is saved to {@code checkpoints} whatever its interval, so that a later call with a
     * later epoch continues it exactly (successive halving pauses trials at its rungs this way). A saved state already
     * at {@code untilEpoch} runs no epoch: the network is the saved one.
     */
    public static TrainingResult train(
            Siren network,
            PixelImage image,
            TrainingConfig config,
            TrainingProgress progress,
            Checkpoints checkpoints,
            int untilEpoch) {
        return trainPack(List.of(new Member(network, config, progress, checkpoints)), image, untilEpoch)
                .get(0);
    }

    /**
     * One network of a pack: the network (updated in place), how it trains (its own learning rate, seed and shuffle;
     * the rest of its configuration is the pack's), where its progress goes and where its state is kept.
     */
    public record Member(Siren network, TrainingConfig config, TrainingProgress progress, Checkpoints checkpoints) {}

    /**
     * Trains a pack of networks of one shape side by side on {@code image}, each as {@link #train(Siren, PixelImage,
     * TrainingConfig, TrainingProgress, Checkpoints, int)} would alone, bit for bit: one pass a step for all of them
     * ({@link SirenPass} on arrays of the pack), each with its own batches, Adam state, curve, checkpoints and
     * divergence (a diverged network stops updating and ends there; the others go on). The members must share the
     * network shape, supervision, epochs, batch size and target scales. Each member's training time and step time
     * are its share of the pack's: the pack's divided by its size. On the CPU.
     *
     * <p>They continue from their checkpoints only if every one has a state of the same epoch; otherwise all start
     * over (the states get overwritten), which gives the same results, later.
     */
    public static List<TrainingResult> trainPack(List<Member> members, PixelImage image, int untilEpoch) {
        return trainPack(members, image, untilEpoch, null, null);
    }

    /**
     * As {@link #trainPack(List, PixelImage, int)}, with every step's phases timed into {@code phases} (for {@code
     * bench}; the same steps, the same bits).
     */
    public static List<TrainingResult> trainPack(
            List<Member> members, PixelImage image, int untilEpoch, StepPhases phases) {
        return trainPack(members, image, untilEpoch, null, phases);
    }

    /**
     * As {@link #trainPack(List, PixelImage, int)}, on {@code gpu} (null: the CPU). A GPU trains with the same
     * arithmetic but its own products (cuBLAS), so its results agree with the CPU's to float rounding, not bit for
     * bit; on one GPU model they are the same on every run.
     */
    public static List<TrainingResult> trainPack(List<Member> members, PixelImage image, int untilEpoch, Device gpu) {
        return trainPack(members, image, untilEpoch, gpu, null);
    }

    private static List<TrainingResult> trainPack(
            List<Member> members, PixelImage image, int untilEpoch, Device gpu, StepPhases phases) {
        int pack = members.size();
        Member first = members.get(0);
        TrainingConfig shape = first.config();
        SirenConfig network = first.network().config();
        if (untilEpoch < 1 || untilEpoch > shape.epochs()) {
            throw new IllegalArgumentException(
                    "a training of " + shape.epochs() + " epochs cannot end after epoch " + untilEpoch);
        }
        if (network.outputs() != image.channels()) {
            throw new IllegalArgumentException(
                    "network has " + network.outputs() + " outputs for an image of " + image.channels() + " channels");
        }
        for (Member m : members) {
            if (!m.network().config().equals(network) || !m.config().packShape().equals(shape.packShape())) {
                throw new IllegalArgumentException("a pack's networks share their shape and "
                        + shape.packShape() + ": " + m.network().config() + ", "
                        + m.config().packShape() + " against "
                        + network);
            }
        }
        TrainingTargets targets = TrainingTargets.of(image, shape.supervision(), shape.targetScales());
        List<TrainingConfig> configs = members.stream().map(Member::config).toList();
        BatchSchedule[] schedules = schedules(configs, targets.points());
        double[] learningRates = learningRates(configs);
        Siren[] nets = members.stream().map(Member::network).toArray(Siren[]::new);
        BatchSchedule batches = schedules[0]; // every member's batches have the same sizes
        String what = (pack == 1 ? "a " : "a pack of " + pack + " ")
                + shape.supervision().id() + " training"
                + (pack == 1 ? "" : "s") + " on batches of " + batches.largestBatch() + " points at width "
                + network.width();
        if (gpu == null) {
            InsufficientMemoryException.ensureFits(plannedBytes(network, shape, targets.points(), pack), what);
        } else {
            if (first.network().dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException(
                        "a GPU trains float32 networks, not " + first.network().dataType());
            }
            boolean shuffles = configs.stream().anyMatch(TrainingConfig::shuffle);
            InsufficientMemoryException.ensureFitsDevice(
                    gpu, DevicePackSteps.plannedBytes(network, shape, targets.points(), pack, shuffles), what);
        }
        try (PackSteps steps = gpu == null
                ? new CpuPackSteps(nets, learningRates, schedules, targets, shape.supervision(), phases)
                : new DevicePackSteps(
                        gpu,
                        network,
                        initialParameters(nets),
                        nets,
                        learningRates,
                        schedules,
                        targets,
                        shape.supervision())) {
            return new PackBooks(members, steps, image, untilEpoch, batches).train();
        }
    }

    /** What {@link #trainOnDevice} measured: each member's loss at the end of each epoch, and the time per step. */
    public record DeviceTraining(double[][] epochLosses, double millisPerStep) {}

    /**
     * Trains a pack on {@code gpu} without the trainer's books (no curve, checkpoints or networks on the host, so
     * none of ND4J runs): for the GPU check, which runs where ND4J's natives are not. Members start from {@code
     * initial} parameters with their own {@code configs} (which share what a pack shares); the runs end every {@code
     * epochsPerRun} epochs, and the time per step is the mean over the runs after the first (which records the
     * step's graph), or the first alone.
     */
    public static DeviceTraining trainOnDevice(
            Device gpu,
            SirenConfig network,
            List<float[]> initial,
            List<TrainingConfig> configs,
            PixelImage image,
            int epochs,
            int epochsPerRun) {
        int pack = configs.size();
        TrainingConfig shape = configs.get(0);
        TrainingTargets targets = TrainingTargets.of(image, shape.supervision(), shape.targetScales());
        BatchSchedule[] schedules = schedules(configs, targets.points());
        double[] learningRates = learningRates(configs);
        int batches = schedules[0].batches();
        double[][] losses = new double[pack][epochs];
        double[] sums = new double[pack];
        List<long[]> runs = new ArrayList<>(); // per run: nanos, steps
        try (DevicePackSteps steps = new DevicePackSteps(
                gpu,
                network,
                initial.toArray(new float[0][]),
                null,
                learningRates,
                schedules,
                targets,
                shape.supervision())) {
            long step = 0;
            for (int epoch = 1; epoch <= epochs; ) {
                int last = Math.min(steps.runEnd(epoch, epochs), epoch + epochsPerRun - 1);
                long[] run = new long[2];
                runs.add(run);
                steps.run(epoch, last, step, new PackSteps.Listener() {
                    @Override
                    public boolean step(long index, double[] stepLosses, long nanos) {
                        for (int p = 0; p < pack; p++) {
                            sums[p] += stepLosses[p];
                        }
                        run[0] += nanos;
                        run[1]++;
                        return true;
                    }

                    @Override
                    public void epochEnd(int e) {
                        for (int p = 0; p < pack; p++) {
                            losses[p][e - 1] = sums[p] / batches;
                            sums[p] = 0;
                        }
                    }
                });
                step += (long) (last - epoch + 1) * batches;
                epoch = last + 1;
            }
        }
        List<long[]> timed = runs.size() > 1 ? runs.subList(1, runs.size()) : runs;
        long nanos = timed.stream().mapToLong(r -> r[0]).sum();
        long count = timed.stream().mapToLong(r -> r[1]).sum();
        return new DeviceTraining(losses, nanos / 1e6 / Math.max(1, count));
    }

    /** Each member's batches over {@code points} points: its batch size, shuffle and seed. */
    private static BatchSchedule[] schedules(List<TrainingConfig> configs, int points) {
        return configs.stream()
                .map(c -> new BatchSchedule(points, c.batchSize(), c.shuffle(), c.seed()))
                .toArray(BatchSchedule[]::new);
    }

    private static double[] learningRates(List<TrainingConfig> configs) {
        return configs.stream().mapToDouble(TrainingConfig::learningRate).toArray();
    }

    private static float[][] initialParameters(Siren[] nets) {
        float[][] parameters = new float[nets.length][];
        for (int p = 0; p < nets.length; p++) {
            parameters[p] = nets[p].floats();
        }
        return parameters;
    }

    /**
     * The bytes a training of {@code network} on {@code points} points takes beyond the heap: its workspace, the
     * evaluator's, and the parameters, gradient and Adam's two moments. Saturates rather than overflows, so a
     * trial far too large for any machine is refused by this number before anything is allocated.
     */
    public static long plannedBytes(SirenConfig network, TrainingConfig config, int points) {
        return plannedBytes(network, config, points, 1);
    }

    /** As {@link #plannedBytes(SirenConfig, TrainingConfig, int)} for a pack of {@code pack} such trainings. */
    public static long plannedBytes(SirenConfig network, TrainingConfig config, int points, int pack) {
        int batch = Batches.largest(points, config.batchSize());
        long workspace =
                Workspace.bytesNeeded(network, Derivatives.of(config.supervision()), batch, DataType.FLOAT, true, pack);
        long evaluator = Workspace.bytesNeeded(
                network, Derivatives.ALL, Math.min(points, Renderer.CHUNK), DataType.FLOAT, false);
        long parameterBuffers =
                Memory.product(Memory.product(network.parameterCount(), 4L * DataType.FLOAT.width()), pack);
        return Memory.sum(Memory.sum(workspace, evaluator), parameterBuffers);
    }
}
