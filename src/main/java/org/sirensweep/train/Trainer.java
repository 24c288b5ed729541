package org.sirensweep.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.TrainingTargets;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Memory;
import org.sirensweep.model.ParameterViews;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.SirenPass;
import org.sirensweep.model.SupervisedLoss;
import org.sirensweep.model.Workspace;

/**
 * Fits a SIREN to an image with Adam ({@link AdamOptimizer} over the flat parameter vector). Every buffer is allocated
 * before the first step; a step is forward, loss, backward and update. A loss that is not finite stops the training
 * with status {@link TrainingStatus#DIVERGED} instead of failing.
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
     * {@code untilEpoch}: before the last epoch, the result is {@link TrainingStatus#STOPPED}, the curve has a sample
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
     * ({@link SirenPass} on a workspace of the pack), each with its own batches, Adam state, curve, checkpoints and
     * divergence (a diverged network stops updating and ends there; the others go on). The members must share the
     * network shape, supervision, epochs, batch size and target scales. Each member's training time and step time
     * are its share of the pack's: the pack's divided by its size.
     *
     * <p>They continue from their checkpoints only if every one has a state of the same epoch; otherwise all start
     * over (the states get overwritten), which gives the same results, later.
     */
    public static List<TrainingResult> trainPack(List<Member> members, PixelImage image, int untilEpoch) {
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
        Derivatives derivatives = Derivatives.of(shape.supervision());
        BatchSchedule[] schedules = new BatchSchedule[pack];
        for (int p = 0; p < pack; p++) {
            TrainingConfig c = members.get(p).config();
            schedules[p] = new BatchSchedule(targets.points(), c.batchSize(), c.shuffle(), c.seed());
        }
        BatchSchedule batches = schedules[0]; // every member's batches have the same sizes
        InsufficientMemoryException.ensureFits(plannedBytes(network, shape, targets.points(), pack),
                (pack == 1 ? "a " : "a pack of " + pack + " ") + shape.supervision().id() + " training"
                        + (pack == 1 ? "" : "s") + " on batches of " + batches.largestBatch() + " points at width "
                        + network.width());
        try (Workspace capacity = Workspace.allocate(network, derivatives, batches.largestBatch(),
                first.network().dataType(), true, pack);
             Renderer evaluator = new Renderer(first.network(), Derivatives.ALL)) {
            // What every curve sample is measured against: all targets, whatever the supervision trains on.
            TrainingTargets allTargets = TrainingTargets.all(image, shape.targetScales());
            long parameters = network.parameterCount();
            Siren[] nets = new Siren[pack];
            ParameterViews[] gradients = new ParameterViews[pack];
            AdamOptimizer[] adams = new AdamOptimizer[pack];
            List<List<CurvePoint>> curves = new ArrayList<>();
            for (int p = 0; p < pack; p++) {
                Member m = members.get(p);
                nets[p] = m.network();
                gradients[p] = new ParameterViews(network, Nd4j.zeros(nets[p].dataType(), 1, parameters));
                adams[p] = new AdamOptimizer(m.config().learningRate(), Math.toIntExact(parameters));
                curves.add(new ArrayList<>());
            }
            SirenPass.OutputAdjoints adjoints = SupervisedLoss.adjoints(shape.supervision());

            long totalSteps = (long) untilEpoch * batches.batches();
            long[] stepNanos = new long[(int) Math.min(totalSteps, TIMED_STEPS)];
            long step = 0;
            long[] trainNanos = new long[pack];
            int firstEpoch = 1;
            TrainingState[] resumed = resumable(members, untilEpoch);
            if (resumed != null) {
                for (int p = 0; p < pack; p++) {
                    restore(resumed[p], nets[p], adams[p]);
                    curves.get(p).addAll(resumed[p].curve());
                    trainNanos[p] = resumed[p].trainNanos();
                    members.get(p).progress().step(resumed[p].step(), totalSteps);
                }
                step = resumed[0].step();
                firstEpoch = resumed[0].epoch() + 1;
            }
            long resumedFrom = step;
            long[] lastSave = new long[pack];
            Arrays.fill(lastSave, System.nanoTime());
            TrainingResult[] results = new TrainingResult[pack];
            int running = pack;
            boolean filled = false;
            // A state saved at untilEpoch runs no epoch: its last curve sample (taken at that epoch) holds the loss.
            double[] epochLoss = new double[pack];
            for (int p = 0; p < pack; p++) {
                List<CurvePoint> curve = curves.get(p);
                epochLoss[p] = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).loss();
            }
            for (int epoch = firstEpoch; epoch <= untilEpoch && running > 0; epoch++) {
                for (BatchSchedule schedule : schedules) {
                    schedule.beginEpoch(epoch);
                }
                double[] lossSum = new double[pack];
                for (int batch = 0; batch < batches.batches() && running > 0; batch++) {
                    long start = System.nanoTime();
                    Workspace ws = capacity.resized(batches.batchSize(batch));
                    for (int p = 0; p < pack; p++) {
                        if (!schedules[p].isStatic() || !filled) {
                            fill(ws, p, targets, schedules[p], batch);
                        }
                    }
                    filled = true;
                    SirenPass.forward(nets, ws);
                    double[] loss = SupervisedLoss.applyEach(shape.supervision(), ws);
                    for (int p = 0; p < pack; p++) {
                        if (results[p] == null && !Double.isFinite(loss[p])) {
                            trainNanos[p] += (System.nanoTime() - start) / pack;
                            results[p] = new TrainingResult(nets[p], TrainingStatus.DIVERGED, step + 1, step, loss[p],
                                    Measures.UNKNOWN, List.copyOf(curves.get(p)), trainNanos[p] / 1e9,
                                    medianMillis(stepNanos, step - resumedFrom) / pack, resumedFrom);
                            running--;
                        }
                    }
                    if (running == 0) {
                        break;
                    }
                    SirenPass.backward(nets, ws, gradients, adjoints);
                    for (int p = 0; p < pack; p++) {
                        if (results[p] == null) {
                            adams[p].update(nets[p].parameters(), gradients[p].flat(), step);
                            lossSum[p] += loss[p];
                        }
                    }
                    long elapsed = System.nanoTime() - start;
                    if (step - resumedFrom < stepNanos.length) {
                        stepNanos[(int) (step - resumedFrom)] = elapsed;
                    }
                    step++;
                    for (int p = 0; p < pack; p++) {
                        if (results[p] == null) {
                            trainNanos[p] += elapsed / pack;
                            members.get(p).progress().step(step, totalSteps);
                        }
                    }
                }
                boolean pause = epoch == untilEpoch && untilEpoch < shape.epochs();
                for (int p = 0; p < pack; p++) {
                    if (results[p] != null) {
                        continue;
                    }
                    Member m = members.get(p);
                    epochLoss[p] = lossSum[p] / batches.batches();
                    if (m.config().samplesCurveAt(epoch) || epoch == untilEpoch) {
                        Measures measures = Measures.of(evaluator.render(nets[p], image.height(), image.width()),
                                image, allTargets);
                        CurvePoint point = new CurvePoint(step, epoch, epochLoss[p], measures, trainNanos[p] / 1e9);
                        curves.get(p).add(point);
                        m.progress().curve(point);
                    }
                    long interval = m.checkpoints().interval().toNanos();
                    if (pause || (interval > 0 && epoch < untilEpoch && System.nanoTime() - lastSave[p] >= interval)) {
                        m.checkpoints().save(new TrainingState(epoch, step, nets[p].parameters().toFloatVector(),
                                adams[p].state(), curves.get(p), trainNanos[p]));
                        lastSave[p] = System.nanoTime();
                    }
                }
            }
            for (int p = 0; p < pack; p++) {
                if (results[p] != null) {
                    continue;
                }
                List<CurvePoint> curve = curves.get(p);
                if (curve.isEmpty()) {
                    throw new IllegalStateException("the saved state at epoch " + untilEpoch + " has no curve sample");
                }
                // A run that took no step (it continued from a state at its end) reports the mean step time saved.
                double msPerStep = step > resumedFrom ? medianMillis(stepNanos, step - resumedFrom) / pack
                        : trainNanos[p] / 1e6 / step;
                results[p] = new TrainingResult(nets[p], untilEpoch == shape.epochs() ? TrainingStatus.OK
                        : TrainingStatus.STOPPED, -1, step, epochLoss[p], curve.get(curve.size() - 1).measures(),
                        List.copyOf(curve), trainNanos[p] / 1e9, msPerStep, resumedFrom);
            }
            return List.of(results);
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

    /** Puts a saved state's parameters and Adam moments back, after checking it was saved by this network. */
    private static void restore(TrainingState state, Siren network, AdamOptimizer adam) {
        if (state.parameters().length != network.parameters().length()) {
            throw new IllegalArgumentException("the saved training state has " + state.parameters().length
                    + " parameters, this network " + network.parameters().length());
        }
        network.parameters().assign(Nd4j.createFromArray(state.parameters()).reshape(network.parameters().shape()));
        adam.restore(state.optimizerState());
    }

    /**
     * Copies one batch of member {@code p}'s coordinates and targets into its block of the workspace (f-order:
     * column j at j·rows; a block's data buffer starts at the block).
     */
    private static void fill(Workspace ws, int p, TrainingTargets targets, BatchSchedule schedule, int batch) {
        int rows = ws.rows();
        double[] xy = targets.coordinates();
        DataBuffer input = ws.block(ws.input(), p).data();
        for (int r = 0; r < rows; r++) {
            int point = schedule.point(batch, r);
            input.put(r, xy[point * 2]);
            input.put(rows + r, xy[point * 2 + 1]);
        }
        if (targets.values() != null) {
            fillColumns(ws.block(ws.targetValues(), p), targets.values(), schedule, batch);
        }
        for (int axis = 0; targets.gradients() != null && axis < 2; axis++) {
            fillColumns(ws.block(ws.targetGradient(axis), p), targets.gradients()[axis], schedule, batch);
        }
        if (targets.laplacians() != null) {
            fillColumns(ws.block(ws.targetLaplacian(), p), targets.laplacians(), schedule, batch);
        }
    }

    private static void fillColumns(INDArray target, double[][] planes, BatchSchedule schedule, int batch) {
        int rows = target.rows();
        DataBuffer data = target.data();
        for (int c = 0; c < planes.length; c++) {
            for (int r = 0; r < rows; r++) {
                data.put((long) c * rows + r, planes[c][schedule.point(batch, r)]);
            }
        }
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
