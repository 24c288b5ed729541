package org.sirensweep.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
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
 * Fits a SIREN to an image with Adam (ND4J's updater over the flat parameter vector). Every buffer is allocated
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
        if (untilEpoch < 1 || untilEpoch > config.epochs()) {
            throw new IllegalArgumentException("a training of " + config.epochs() + " epochs cannot end after epoch "
                    + untilEpoch);
        }
        if (network.config().outputs() != image.channels()) {
            throw new IllegalArgumentException("network has " + network.config().outputs() + " outputs for an image of "
                    + image.channels() + " channels");
        }
        TrainingTargets targets = TrainingTargets.of(image, config.supervision(), config.targetScales());
        Derivatives derivatives = Derivatives.of(config.supervision());
        BatchSchedule schedule = new BatchSchedule(targets.points(), config.batchSize(), config.shuffle(), config.seed());
        InsufficientMemoryException.ensureFits(plannedBytes(network.config(), config, targets.points()),
                "a " + config.supervision().id() + " training on batches of " + schedule.largestBatch()
                        + " points at width " + network.config().width());
        try (Workspace capacity = Workspace.allocate(network.config(), derivatives, schedule.largestBatch(),
                network.dataType(), true);
             Renderer evaluator = new Renderer(network, Derivatives.ALL)) {
            // What every curve sample is measured against: all targets, whatever the supervision trains on.
            TrainingTargets allTargets = TrainingTargets.all(image, config.targetScales());
            long parameters = network.config().parameterCount();
            ParameterViews gradient = new ParameterViews(network.config(), Nd4j.zeros(network.dataType(), 1, parameters));
            INDArray adamState = Nd4j.zeros(network.dataType(), 1, 2 * parameters);
            GradientUpdater<?> adam = new Adam(config.learningRate(), TrainingConfig.BETA1, TrainingConfig.BETA2,
                    TrainingConfig.EPSILON).instantiate(adamState, true);
            SirenPass.OutputAdjoints adjoints = SupervisedLoss.adjoints(config.supervision());

            long totalSteps = (long) untilEpoch * schedule.batches();
            long[] stepNanos = new long[(int) Math.min(totalSteps, TIMED_STEPS)];
            List<CurvePoint> curve = new ArrayList<>();
            long step = 0;
            long trainNanos = 0;
            int firstEpoch = 1;
            TrainingState resumed = checkpoints.load().orElse(null);
            if (resumed != null) {
                if (resumed.epoch() > untilEpoch) {
                    throw new IllegalStateException("the saved state is at epoch " + resumed.epoch()
                            + ", past epoch " + untilEpoch + " where this training is to end");
                }
                restore(resumed, network, adamState);
                curve.addAll(resumed.curve());
                step = resumed.step();
                trainNanos = resumed.trainNanos();
                firstEpoch = resumed.epoch() + 1;
                progress.step(step, totalSteps);
            }
            long resumedFrom = step;
            long interval = checkpoints.interval().toNanos();
            long lastSave = System.nanoTime();
            boolean filled = false;
            // A state saved at untilEpoch runs no epoch: its last curve sample (taken at that epoch) holds the loss.
            double epochLoss = curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).loss();
            for (int epoch = firstEpoch; epoch <= untilEpoch; epoch++) {
                schedule.beginEpoch(epoch);
                double lossSum = 0;
                for (int batch = 0; batch < schedule.batches(); batch++) {
                    long start = System.nanoTime();
                    Workspace ws = capacity.resized(schedule.batchSize(batch));
                    if (!schedule.isStatic() || !filled) {
                        fill(ws, targets, schedule, batch);
                        filled = true;
                    }
                    SirenPass.forward(network, ws);
                    double loss = SupervisedLoss.apply(config.supervision(), ws);
                    if (!Double.isFinite(loss)) {
                        trainNanos += System.nanoTime() - start;
                        return new TrainingResult(network, TrainingStatus.DIVERGED, step + 1, step, loss,
                                Measures.UNKNOWN, List.copyOf(curve), trainNanos / 1e9,
                                medianMillis(stepNanos, step - resumedFrom), resumedFrom);
                    }
                    SirenPass.backward(network, ws, gradient, adjoints);
                    adam.applyUpdater(gradient.flat(), (int) step, epoch - 1);
                    network.parameters().subi(gradient.flat());
                    lossSum += loss;
                    long elapsed = System.nanoTime() - start;
                    trainNanos += elapsed;
                    if (step - resumedFrom < stepNanos.length) {
                        stepNanos[(int) (step - resumedFrom)] = elapsed;
                    }
                    step++;
                    progress.step(step, totalSteps);
                }
                epochLoss = lossSum / schedule.batches();
                if (config.samplesCurveAt(epoch) || epoch == untilEpoch) {
                    Measures measures = Measures.of(evaluator.render(image.height(), image.width()), image,
                            allTargets);
                    CurvePoint point = new CurvePoint(step, epoch, epochLoss, measures, trainNanos / 1e9);
                    curve.add(point);
                    progress.curve(point);
                }
                boolean pause = epoch == untilEpoch && untilEpoch < config.epochs();
                if (pause || (interval > 0 && epoch < untilEpoch && System.nanoTime() - lastSave >= interval)) {
                    checkpoints.save(new TrainingState(epoch, step, network.parameters().toFloatVector(),
                            adamState.toFloatVector(), curve, trainNanos));
                    lastSave = System.nanoTime();
                }
            }
            if (curve.isEmpty()) {
                throw new IllegalStateException("the saved state at epoch " + untilEpoch + " has no curve sample");
            }
            CurvePoint last = curve.get(curve.size() - 1);
            // A run that took no step (it continued from a state at its end) reports the mean step time saved.
            double msPerStep = step > resumedFrom ? medianMillis(stepNanos, step - resumedFrom) : trainNanos / 1e6 / step;
            return new TrainingResult(network, untilEpoch == config.epochs() ? TrainingStatus.OK
                    : TrainingStatus.STOPPED, -1, step, epochLoss, last.measures(), List.copyOf(curve),
                    trainNanos / 1e9, msPerStep, resumedFrom);
        }
    }

    /**
     * The bytes a training of {@code network} on {@code points} points takes beyond the heap: its workspace, the
     * evaluator's, and the parameters, gradient and Adam's two moments. Saturates rather than overflows, so a
     * trial far too large for any machine is refused by this number before anything is allocated.
     */
    public static long plannedBytes(SirenConfig network, TrainingConfig config, int points) {
        int batch = BatchSchedule.largestBatch(points, config.batchSize());
        long workspace = Workspace.bytesNeeded(network, Derivatives.of(config.supervision()), batch, DataType.FLOAT,
                true);
        long evaluator = Workspace.bytesNeeded(network, Derivatives.ALL, Math.min(points, Renderer.CHUNK),
                DataType.FLOAT, false);
        long parameterBuffers = Memory.product(network.parameterCount(), 4L * DataType.FLOAT.width());
        return Memory.sum(Memory.sum(workspace, evaluator), parameterBuffers);
    }

    /** Puts a saved state's parameters and Adam moments back, after checking it was saved by this network. */
    private static void restore(TrainingState state, Siren network, INDArray adamState) {
        if (state.parameters().length != network.parameters().length()) {
            throw new IllegalArgumentException("the saved training state has " + state.parameters().length
                    + " parameters, this network " + network.parameters().length());
        }
        network.parameters().assign(Nd4j.createFromArray(state.parameters()).reshape(network.parameters().shape()));
        adamState.assign(Nd4j.createFromArray(state.optimizerState()).reshape(adamState.shape()));
    }

    /** Copies one batch's coordinates and targets into the workspace (f-order: column j at offset j·rows). */
    private static void fill(Workspace ws, TrainingTargets targets, BatchSchedule schedule, int batch) {
        int rows = ws.rows();
        double[] xy = targets.coordinates();
        DataBuffer input = ws.input().data();
        for (int r = 0; r < rows; r++) {
            int p = schedule.point(batch, r);
            input.put(r, xy[p * 2]);
            input.put(rows + r, xy[p * 2 + 1]);
        }
        if (targets.values() != null) {
            fillColumns(ws.targetValues(), targets.values(), schedule, batch);
        }
        for (int axis = 0; targets.gradients() != null && axis < 2; axis++) {
            fillColumns(ws.targetGradient(axis), targets.gradients()[axis], schedule, batch);
        }
        if (targets.laplacians() != null) {
            fillColumns(ws.targetLaplacian(), targets.laplacians(), schedule, batch);
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
