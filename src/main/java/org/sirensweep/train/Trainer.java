package org.sirensweep.train;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.sirensweep.model.Workspace;

/**
 * Fits a SIREN to an image with Adam ({@link AdamOptimizer} over the flat parameter vector). Every buffer is allocated
 * before the first step; a step is forward, loss, backward and update. A loss that is not finite stops the training
 * with status {@link TrialStatus#DIVERGED} instead of failing.
 */
public final class Trainer {
    /** Steps left out of the step-time median as warm-up (JIT, first-touch of buffers). */
    public static final int WARM_UP_STEPS = 3;
    /** Steps whose times the median is taken over: enough for a stable figure, a bounded array at any length. */
    private static final int TIMED_STEPS = 1 << 16;

    private Trainer() {
    }

    /** Trains {@code network} (updated in place) to fit {@code image} at its own size, from scratch. */
    public static TrainingResult train(Siren network, PixelImage image, TrainingConfig config, TrainingProgress progress) {
        return train(network, image, config, progress, Checkpoints.NONE);
    }

    /**
     * Trains {@code network} (updated in place) to fit {@code image} at its own size, continuing from the state
     * {@code checkpoints} holds if it has one and saving the state there at the end of an epoch whenever its interval
     * has passed. A resumed training ends bit for bit as one that never stopped.
     */
    public static TrainingResult train(Siren network, PixelImage image, TrainingConfig config, TrainingProgress progress,
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
    public static TrainingResult train(Siren network, PixelImage image, TrainingConfig config, TrainingProgress progress,
                                       Checkpoints checkpoints, int untilEpoch) {
        return trainPack(List.of(new Member(network, config, progress, checkpoints)), image, untilEpoch).get(0);
    }

    /**
     * One network of a pack: the network (updated in place), how it trains (its own learning rate, seed and shuffle;
     * the rest of its configuration is the pack's), where its progress goes and where its state is kept.
     */
    public record Member(Siren network, TrainingConfig config, TrainingProgress progress, Checkpoints checkpoints) {
    }

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
        return trainPack(members, image, untilEpoch, null);
    }

    /**
     * As {@link #trainPack(List, PixelImage, int)}, on {@code gpu} (null: the CPU). A GPU trains with the same
     * arithmetic but its own products (cuBLAS), so its results agree with the CPU's to float rounding, not bit for
     * bit; on one GPU model they are the same on every run.
     */
    public static List<TrainingResult> trainPack(List<Member> members, PixelImage image, int untilEpoch, Device gpu) {
        int pack = members.size();
        Member first = members.get(0);
        TrainingConfig shape = first.config();
        SirenConfig network = first.network().config();
        if (untilEpoch < 1 || untilEpoch > shape.epochs()) {
            throw new IllegalArgumentException("a training of " + shape.epochs() + " epochs cannot end after epoch "
                    + untilEpoch);
        }
        if (network.outputs() != image.channels()) {
            throw new IllegalArgumentException("network has " + network.outputs() + " outputs for an image of "
                    + image.channels() + " channels");
        }
        for (Member m : members) {
            TrainingConfig c = m.config();
            if (!m.network().config().equals(network) || c.supervision() != shape.supervision()
                    || c.epochs() != shape.epochs() || c.batchSize() != shape.batchSize()
                    || !c.targetScales().equals(shape.targetScales())) {
                throw new IllegalArgumentException("a pack's networks share their shape, supervision, epochs, batch "
                        + "size and target scales: " + m.network().config() + ", " + c + " against " + network + ", "
                        + shape);
            }
        }
        TrainingTargets targets = TrainingTargets.of(image, shape.supervision(), shape.targetScales());
        List<TrainingConfig> configs = members.stream().map(Member::config).toList();
        BatchSchedule[] schedules = schedules(configs, targets.points());
        double[] learningRates = learningRates(configs);
        Siren[] nets = members.stream().map(Member::network).toArray(Siren[]::new);
        BatchSchedule batches = schedules[0]; // every member's batches have the same sizes
        String what = (pack == 1 ? "a " : "a pack of " + pack + " ") + shape.supervision().id() + " training"
                + (pack == 1 ? "" : "s") + " on batches of " + batches.largestBatch() + " points at width "
                + network.width();
        if (gpu == null) {
            InsufficientMemoryException.ensureFits(plannedBytes(network, shape, targets.points(), pack), what);
        } else {
            if (first.network().dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("a GPU trains float32 networks, not " + first.network().dataType());
            }
            boolean shuffles = configs.stream().anyMatch(TrainingConfig::shuffle);
            InsufficientMemoryException.ensureFitsDevice(gpu, DevicePackSteps.plannedBytes(network, shape,
                    targets.points(), pack, shuffles), what);
        }
        try (PackSteps steps = gpu == null
                ? new CpuPackSteps(nets, learningRates, schedules, targets, shape.supervision())
                : new DevicePackSteps(gpu, network, initialParameters(nets), nets, learningRates, schedules, targets,
                        shape.supervision())) {
            return new Books(members, steps, image, untilEpoch, batches).train();
        }
    }

    /** What {@link #trainOnDevice} measured: each member's loss at the end of each epoch, and the time per step. */
    public record DeviceTraining(double[][] epochLosses, double millisPerStep) {
    }

    /**
     * Trains a pack on {@code gpu} without the trainer's books (no curve, checkpoints or networks on the host, so
     * none of ND4J runs): for the GPU check, which runs where ND4J's natives are not. Members start from {@code
     * initial} parameters with their own {@code configs} (which share what a pack shares); the runs end every {@code
     * epochsPerRun} epochs, and the time per step is the mean over the runs after the first (which records the
     * step's graph), or the first alone.
     */
    public static DeviceTraining trainOnDevice(Device gpu, SirenConfig network, List<float[]> initial,
                                               List<TrainingConfig> configs, PixelImage image, int epochs,
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
        try (DevicePackSteps steps = new DevicePackSteps(gpu, network, initial.toArray(new float[0][]), null,
                learningRates, schedules, targets, shape.supervision())) {
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
        return configs.stream().map(c -> new BatchSchedule(points, c.batchSize(), c.shuffle(), c.seed()))
                .toArray(BatchSchedule[]::new);
    }

    private static double[] learningRates(List<TrainingConfig> configs) {
        return configs.stream().mapToDouble(TrainingConfig::learningRate).toArray();
    }

    private static float[][] initialParameters(Siren[] nets) {
        float[][] parameters = new float[nets.length][];
        for (int p = 0; p < nets.length; p++) {
            parameters[p] = nets[p].parameters().toFloatVector();
        }
        return parameters;
    }

    /**
     * The trainer's books over a pack's steps, epoch range by epoch range: the steps run to the next epoch where a
     * member samples its curve (or the end), then each member's books take the curve sample and the checkpoint due
     * there. {@link PackSteps} report each step's losses, which the members' books add up.
     */
    private static final class Books implements PackSteps.Listener {
        private final List<MemberBooks> members = new ArrayList<>();
        private final PackSteps steps;
        private final PixelImage image;
        private final int untilEpoch;
        private final int batches;
        private final int pack;
        private final TrainingConfig shape;
        /** What every curve sample is measured against: all targets, whatever the supervision trains on. */
        private final TrainingTargets allTargets;
        private final long totalSteps;
        /** The pack's step times (a step trains every member), from the first step this run took. */
        private final long[] stepNanos;
        private long resumedFrom;
        private long step;
        private int running;

        Books(List<Member> members, PackSteps steps, PixelImage image, int untilEpoch, BatchSchedule batches) {
            this.steps = steps;
            this.image = image;
            this.untilEpoch = untilEpoch;
            this.batches = batches.batches();
            this.pack = members.size();
            this.shape = members.get(0).config();
            this.allTargets = TrainingTargets.all(image, shape.targetScales());
            for (int p = 0; p < pack; p++) {
                this.members.add(new MemberBooks(p, members.get(p)));
            }
            totalSteps = (long) untilEpoch * this.batches;
            stepNanos = new long[(int) Math.min(totalSteps, TIMED_STEPS)];
            running = pack;
        }

        List<TrainingResult> train() {
            int epoch = resume();
            while (epoch <= untilEpoch && running > 0) {
                int last = steps.runEnd(epoch, nextStop(epoch));
                steps.run(epoch, last, step, this);
                boolean pause = last == untilEpoch && untilEpoch < shape.epochs();
                for (MemberBooks m : members) {
                    if (m.result == null) {
                        m.endOfRange(last, pause);
                    }
                }
                epoch = last + 1;
            }
            return members.stream().map(m -> m.result != null ? m.result : m.finish()).toList();
        }

        /** Continues from the members' saved states where all have one; returns the first epoch to train. */
        private int resume() {
            int firstEpoch = 1;
            TrainingState[] resumed = resumable(members.stream().map(m -> m.member).toList(), untilEpoch);
            if (resumed != null) {
                for (MemberBooks m : members) {
                    m.restore(resumed[m.index]);
                }
                step = resumed[0].step();
                firstEpoch = resumed[0].epoch() + 1;
            }
            resumedFrom = step;
            long now = System.nanoTime();
            members.forEach(m -> m.lastSave = now); // checkpoint intervals count from here
            return firstEpoch;
        }

        /** The first epoch from {@code epoch} on where a member samples its curve, or {@code untilEpoch}. */
        private int nextStop(int epoch) {
            for (int e = epoch; e < untilEpoch; e++) {
                for (MemberBooks m : members) {
                    if (m.member.config().samplesCurveAt(e)) {
                        return e;
                    }
                }
            }
            return untilEpoch;
        }

        @Override
        public boolean step(long index, double[] losses, long nanos) {
            for (MemberBooks m : members) {
                if (m.result == null && !Double.isFinite(losses[m.index])) {
                    m.diverge(index, losses[m.index], nanos);
                    running--;
                }
            }
            if (running == 0) {
                return false;
            }
            if (index - resumedFrom < stepNanos.length) {
                stepNanos[(int) (index - resumedFrom)] = nanos;
            }
            step = index + 1;
            for (MemberBooks m : members) {
                if (m.result == null) {
                    m.addStep(losses[m.index], nanos);
                }
            }
            return true;
        }

        @Override
        public void epochEnd(int epoch) {
            for (MemberBooks m : members) {
                if (m.result == null) {
                    m.epochLoss = m.lossSum / batches;
                    m.lossSum = 0;
                }
            }
        }

        /** One member's books: its curve, training time, losses, last checkpoint, and its result once it has one. */
        private final class MemberBooks {
            private final int index;
            private final Member member;
            private final List<CurvePoint> curve = new ArrayList<>();
            private long trainNanos;
            private double lossSum;
            /** The last epoch's mean loss; a state saved at untilEpoch runs no epoch: its last sample holds it. */
            private double epochLoss = Double.NaN;
            private long lastSave;
            private TrainingResult result;

            MemberBooks(int index, Member member) {
                this.index = index;
                this.member = member;
            }

            void restore(TrainingState state) {
                steps.restore(index, state.parameters(), state.optimizerState());
                curve.addAll(state.curve());
                trainNanos = state.trainNanos();
                member.progress().step(state.step(), totalSteps);
                epochLoss = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).loss();
            }

            void addStep(double loss, long nanos) {
                lossSum += loss;
                trainNanos += nanos / pack;
                member.progress().step(step, totalSteps);
            }

            void diverge(long index, double loss, long nanos) {
                trainNanos += nanos / pack;
                result = new TrainingResult(steps.network(this.index), TrialStatus.DIVERGED, index + 1, index, loss,
                        Measures.UNKNOWN, List.copyOf(curve), trainNanos / 1e9,
                        medianMillis(stepNanos, index - resumedFrom) / pack, resumedFrom);
            }

            /** At the end of an epoch range: the curve sample and the checkpoint due at {@code epoch}. */
            void endOfRange(int epoch, boolean pause) {
                if (member.config().samplesCurveAt(epoch) || epoch == untilEpoch) {
                    Measures measures = Measures.of(steps.render(index, image.height(), image.width()), image,
                            allTargets);
                    CurvePoint point = new CurvePoint(step, epoch, epochLoss, measures, trainNanos / 1e9);
                    curve.add(point);
                    member.progress().curve(point);
                }
                long interval = member.checkpoints().interval().toNanos();
                if (pause || (interval > 0 && epoch < untilEpoch && System.nanoTime() - lastSave >= interval)) {
                    member.checkpoints().save(new TrainingState(epoch, step, steps.parameters(index),
                            steps.optimizerState(index), curve, trainNanos));
                    lastSave = System.nanoTime();
                }
            }

            /** The result of a member that trained to {@code untilEpoch}. */
            TrainingResult finish() {
                if (curve.isEmpty()) {
                    throw new IllegalStateException("the saved state at epoch " + untilEpoch + " has no curve sample");
                }
                // A run that took no step (it continued from a state at its end) reports the mean step time saved.
                double msPerStep = step > resumedFrom ? medianMillis(stepNanos, step - resumedFrom) / pack
                        : trainNanos / 1e6 / step;
                return new TrainingResult(steps.network(index), untilEpoch == shape.epochs() ? TrialStatus.OK
                        : TrialStatus.STOPPED, -1, step, epochLoss, curve.get(curve.size() - 1).measures(),
                        List.copyOf(curve), trainNanos / 1e9, msPerStep, resumedFrom);
            }
        }
    }

    /**
     * The members' saved states if all have one of the same epoch (none past {@code untilEpoch}), else null: a pack
     * continues together or starts over together.
     */
    private static TrainingState[] resumable(List<Member> members, int untilEpoch) {
        TrainingState[] states = new TrainingState[members.size()];
        boolean all = true;
        for (int p = 0; p < states.length; p++) {
            states[p] = members.get(p).checkpoints().load().orElse(null);
            if (states[p] != null && states[p].epoch() > untilEpoch) {
                throw new IllegalStateException("the saved state is at epoch " + states[p].epoch()
                        + ", past epoch " + untilEpoch + " where this training is to end");
            }
            all &= states[0] != null && states[p] != null && states[p].epoch() == states[0].epoch()
                    && states[p].step() == states[0].step();
        }
        return all ? states : null;
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
        int batch = BatchSchedule.largestBatch(points, config.batchSize());
        long workspace = Workspace.bytesNeeded(network, Derivatives.of(config.supervision()), batch, DataType.FLOAT,
                true, pack);
        long evaluator = Workspace.bytesNeeded(network, Derivatives.ALL, Math.min(points, Renderer.CHUNK),
                DataType.FLOAT, false);
        long parameterBuffers = Memory.product(Memory.product(network.parameterCount(), 4L * DataType.FLOAT.width()),
                pack);
        return Memory.sum(Memory.sum(workspace, evaluator), parameterBuffers);
    }

    /** Median step time in ms, leaving out the warm-up steps when there are enough steps to spare them. */
    private static double medianMillis(long[] nanos, long steps) {
        int n = (int) Math.min(steps, nanos.length);
        if (n == 0) {
            return Double.NaN;
        }
        int from = n > 2 * WARM_UP_STEPS ? WARM_UP_STEPS : 0;
        long[] kept = Arrays.copyOfRange(nanos, from, n);
        Arrays.sort(kept);
        int m = kept.length;
        double median = m % 2 == 1 ? kept[m / 2] : (kept[m / 2 - 1] + kept[m / 2]) / 2.0;
        return median / 1e6;
    }
}
