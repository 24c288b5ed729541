package org.sirensweep.trial;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Memory;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.Workspace;
import org.sirensweep.train.Renderer;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingConfig;

/**
 * Everything that defines one training of one SIREN on one image: the value of every {@link Setting} (the image and
 * its training resolution, the network's shape, the optimiser's settings, ...), how the learning curve is sampled,
 * at which extra sizes the trained network is rendered, and the successive-halving rungs it may stop at. Invalid
 * values are refused here, so a settings object is always runnable.
 *
 * @param values        every setting's canonical value ({@link Setting.Kind}); a missing one takes its default
 * @param curveInterval epochs between learning-curve samples
 * @param renderSizes   square sizes (px) at which the trained network is also rendered, e.g. 512 for the upscale test
 * @param rungs         the epochs before the last where successive halving compares this trial with others (empty
 *                      without early stopping): the curve has a sample at each, and the trial may stop at one
 */
public record TrialSettings(Map<Setting, Object> values, int curveInterval, List<Integer> renderSizes,
                            List<Integer> rungs) implements java.io.Serializable {

    /** Injected fault: every attempt throws. */
    public static final String FAULT_ALWAYS = "always";
    /** Injected fault: the first attempt throws, a retry succeeds. */
    public static final String FAULT_FIRST_ATTEMPT = "first-attempt";
    /** Largest render size: a 16384² RGB rendering is already 3 GB of doubles. */
    public static final int MAX_RENDER_SIZE = 8192;

    public TrialSettings {
        Map<Setting, Object> complete = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            Object value = values.containsKey(setting) ? values.get(setting) : setting.defaultValue();
            try {
                setting.check(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting.key() + " " + e.getMessage(), e);
            }
            if (value != null) {
                complete.put(setting, value);
            }
        }
        values = Collections.unmodifiableMap(complete);
        int resolution = (Integer) values.get(Setting.RESOLUTION);
        int batchSize = (Integer) values.get(Setting.BATCH_SIZE);
        int epochs = (Integer) values.get(Setting.EPOCHS);
        if (batchSize > (long) resolution * resolution) {
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the " + resolution * resolution
                    + " pixels of a " + resolution + "x" + resolution + " image");
        }
        renderSizes = List.copyOf(renderSizes);
        for (int size : renderSizes) {
            if (size < 1 || size > MAX_RENDER_SIZE) {
                throw new IllegalArgumentException("render size must be between 1 and " + MAX_RENDER_SIZE + ", got " + size
                        + " (a fixed limit: an " + MAX_RENDER_SIZE + "² render's planes already take 3 GB of heap)");
            }
        }
        Object fault = values.get(Setting.INJECT_FAULT);
        if (fault != null && !fault.equals(FAULT_ALWAYS) && !fault.equals(FAULT_FIRST_ATTEMPT)) {
            throw new IllegalArgumentException("injected fault must be '" + FAULT_ALWAYS + "' or '"
                    + FAULT_FIRST_ATTEMPT + "', got '" + fault + "'");
        }
        rungs = List.copyOf(rungs);
        for (int i = 0; i < rungs.size(); i++) {
            if (rungs.get(i) < 1 || rungs.get(i) >= epochs || (i > 0 && rungs.get(i) <= rungs.get(i - 1))) {
                throw new IllegalArgumentException("rungs must rise from 1 to below the " + epochs + " epochs, got "
                        + rungs);
            }
        }
        // The optimiser and network records hold the remaining rules; build them once to apply them.
        new TrainingConfig(Supervision.parse((String) values.get(Setting.SUPERVISION)), epochs, batchSize,
                (Boolean) values.get(Setting.SHUFFLE), (Double) values.get(Setting.LR), (Long) values.get(Setting.SEED),
                curveInterval);
        SirenConfig.forImage(1, (Integer) values.get(Setting.WIDTH), (Integer) values.get(Setting.DEPTH),
                (Double) values.get(Setting.OMEGA0));
    }

    /** The value of {@code setting}, null where it is absent (an optional setting left out). */
    public Object get(Setting setting) {
        return values.get(setting);
    }

    /** The path of the PNG (gray or RGB) to fit. */
    public String image() {
        return (String) values.get(Setting.IMAGE);
    }

    /** The training resolution: the image is resized to a square of this side. */
    public int resolution() {
        return (Integer) values.get(Setting.RESOLUTION);
    }

    public Supervision supervision() {
        return Supervision.parse((String) values.get(Setting.SUPERVISION));
    }

    public int epochs() {
        return (Integer) values.get(Setting.EPOCHS);
    }

    /** Points per step; 0: the full batch. */
    public int batchSize() {
        return (Integer) values.get(Setting.BATCH_SIZE);
    }

    public boolean shuffle() {
        return (Boolean) values.get(Setting.SHUFFLE);
    }

    public double learningRate() {
        return (Double) values.get(Setting.LR);
    }

    public int depth() {
        return (Integer) values.get(Setting.DEPTH);
    }

    public int width() {
        return (Integer) values.get(Setting.WIDTH);
    }

    public double omega0() {
        return (Double) values.get(Setting.OMEGA0);
    }

    public long seed() {
        return (Long) values.get(Setting.SEED);
    }

    /** For tests of failure handling only: null, or {@link #FAULT_ALWAYS} / {@link #FAULT_FIRST_ATTEMPT}. */
    public String injectedFault() {
        return (String) values.get(Setting.INJECT_FAULT);
    }

    /** The resolution {@code omega0} is meant for (null: use it as it is); see {@link #effectiveOmega0()}. */
    public Integer omega0Resolution() {
        return (Integer) values.get(Setting.OMEGA0_RESOLUTION);
    }

    /** The resolution Siren-Jax's derivative target factors are meant for (null: as they are). */
    public Integer targetResolution() {
        return (Integer) values.get(Setting.TARGET_RESOLUTION);
    }

    /**
     * The ω0 the network uses: {@code omega0}, or, with {@code omega0Resolution} R, {@code omega0 · (n − 1)/(R − 1)}
     * at resolution n, so that the sines put as many periods between two pixels as at R (coordinates span [-1, 1],
     * so a pixel is 2/(n − 1) wide).
     */
    public double effectiveOmega0() {
        return omega0Resolution() == null ? omega0() : omega0() * (resolution() - 1.0) / (omega0Resolution() - 1.0);
    }

    /** The derivative targets' factors: Siren-Jax's, or carried from {@code targetResolution} to this resolution. */
    public TargetScales targetScales() {
        return targetResolution() == null ? TargetScales.SIREN_JAX
                : TargetScales.forResolution(resolution(), targetResolution());
    }

    /** The curve interval that gives about 50 samples over {@code epochs}. */
    public static int defaultCurveInterval(int epochs) {
        return Math.max(1, epochs / 50);
    }

    /** Optimiser steps of the whole training: epochs × batches per epoch (batches never exceed the batch size). */
    public long totalSteps() {
        return stepsUntil(epochs());
    }

    /** Optimiser steps from the start to the end of {@code epoch}. */
    public long stepsUntil(int epoch) {
        long points = (long) resolution() * resolution();
        long batches = batchSize() == 0 ? 1 : (points + batchSize() - 1) / batchSize();
        return batches * epoch;
    }

    /**
     * A trial's work relative to others, for scheduling: points trained on (steps × points per step) times one
     * point's multiply-adds, times what its derivative streams cost over a value step (about 1, 2.8 and 4 for
     * vanilla, gradient and Laplacian steps: {@code siren-sweep bench}). Not a time: only comparisons mean anything.
     */
    public double relativeWork() {
        long points = (long) resolution() * resolution();
        double pointsPerStep = batchSize() == 0 ? points : Math.min(batchSize(), points);
        double perPoint = 2.0 * width() + (double) depth() * width() * width() + width();
        double streams = switch (supervision()) {
            case VANILLA -> 1;
            case GRADIENT, COMBINED -> 2.8;
            case LAPLACIAN -> 4;
        };
        return totalSteps() * pointsPerStep * perPoint * streams;
    }

    /**
     * The bytes this trial takes beyond the heap at its peak for an image of {@code channels} channels: the larger
     * of its training ({@link Trainer#plannedBytes}) and its rendering (the renderer's chunk workspace and the
     * parameters), saturating rather than overflowing: what an executor must give for the trial to start.
     */
    public long plannedBytes(int channels) {
        return plannedBytes(channels, 1);
    }

    /**
     * As {@link #plannedBytes(int)} for a pack of {@code pack} trials of this shape trained side by side: their
     * training buffers together, or one render while every member's parameters are held.
     */
    public long plannedBytes(int channels, int pack) {
        SirenConfig network = sirenConfig(channels);
        long points = (long) resolution() * resolution();
        long training = Trainer.plannedBytes(network, trainingConfig(), (int) Math.min(points, Integer.MAX_VALUE),
                pack);
        // The renders come after the training has freed its buffers, one trial at a time; only the parameters are
        // held by both.
        long rendering = Memory.sum(Workspace.bytesNeeded(network, Derivatives.ALL, Renderer.CHUNK, DataType.FLOAT,
                false), Memory.product(Memory.product(network.parameterCount(), DataType.FLOAT.width()), pack));
        return Math.max(training, rendering);
    }

    public TrainingConfig trainingConfig() {
        return new TrainingConfig(supervision(), epochs(), batchSize(), shuffle(), learningRate(), seed(),
                curveInterval, targetScales(), rungs);
    }

    public SirenConfig sirenConfig(int channels) {
        return SirenConfig.forImage(channels, width(), depth(), effectiveOmega0());
    }
}
