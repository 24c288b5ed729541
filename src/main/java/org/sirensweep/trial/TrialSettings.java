package org.sirensweep.trial;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.sirensweep.model.SirenConfig;
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
public record TrialSettings(
        Map<Setting, Object> values, int curveInterval, List<Integer> renderSizes, List<Integer> rungs)
        implements java.io.Serializable {

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
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the "
                    + resolution * resolution + " pixels of a " + resolution + "x" + resolution + " image");
        }
        renderSizes = List.copyOf(renderSizes);
        for (int size : renderSizes) {
            if (size < 1 || size > MAX_RENDER_SIZE) {
                throw new IllegalArgumentException("render size must be between 1 and " + MAX_RENDER_SIZE + ", got "
                        + size + " (a fixed limit: an " + MAX_RENDER_SIZE
                        + "² render's planes already take 3 GB of heap)");
            }
        }
        rungs = List.copyOf(rungs);
        for (int i = 0; i < rungs.size(); i++) {
            if (rungs.get(i) < 1 || rungs.get(i) >= epochs || (i > 0 && rungs.get(i) <= rungs.get(i - 1))) {
                throw new IllegalArgumentException(
                        "rungs must rise from 1 to below the " + epochs + " epochs, got " + rungs);
            }
        }
        // Each setting's own rules are its declaration's (Setting#check, above); these are the rules between them:
        // the curve's, and the network's, whose parameters must fit one array.
        if (curveInterval < 1) {
            throw new IllegalArgumentException("curve interval must be at least 1 epoch, got " + curveInterval);
        }
        SirenConfig.forImage(1, (Integer) values.get(Setting.WIDTH), (Integer) values.get(Setting.DEPTH), (Double)
                values.get(Setting.OMEGA0));
    }

    /**
     * What the trials of a pack share, by the settings' roles ({@link Setting.Role#IMAGE}, {@link
     * Setting.Role#SHAPE}): the image and every setting that shapes the network or the batches, in declaration
     * order (null for an optional one left out). Trials with equal shapes may train side by side.
     */
    public List<Object> packShape() {
        List<Object> shape = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (setting.role() == Setting.Role.IMAGE || setting.role() == Setting.Role.SHAPE) {
                shape.add(values.get(setting));
            }
        }
        return shape;
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
        return targetResolution() == null
                ? TargetScales.SIREN_JAX
                : TargetScales.forResolution(resolution(), targetResolution());
    }

    /** The curve interval that gives about 50 samples over {@code epochs}. */
    public static int defaultCurveInterval(int epochs) {
        return Math.max(1, epochs / 50);
    }

    /** What this trial costs: its optimiser steps, its work relative to others', the memory it plans for. */
    public TrialCost cost() {
        return new TrialCost(this);
    }

    public TrainingConfig trainingConfig() {
        return new TrainingConfig(
                supervision(),
                epochs(),
                batchSize(),
                shuffle(),
                learningRate(),
                seed(),
                curveInterval,
                targetScales(),
                rungs);
    }

    public SirenConfig sirenConfig(int channels) {
        return SirenConfig.forImage(channels, width(), depth(), effectiveOmega0());
    }
}
