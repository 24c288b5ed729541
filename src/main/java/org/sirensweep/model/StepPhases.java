package org.sirensweep.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where a training's step time goes: each phase's nanoseconds, summed over the steps after the first {@code skipped}
 * (the warm-up, whose first touches of the buffers are not a step's cost), with the rest of each step's time (the
 * output bias, the workspace's views, the books) as {@link Phase#OTHER}. {@code bench} gives a training one; a
 * training without one times nothing. One training fills it, on its own thread.
 *
 * <p>For CPU steps only: a GPU runs its work asynchronously, so a host clock around a call would time its launch.
 */
public final class StepPhases {
    /** A step's phases, in the order a step runs them. */
    public enum Phase {
        /** Copying the batch's coordinates and targets into the workspace. */
        BATCH,
        /** The BLAS products, forward and reverse (weights, adjoints, weight and bias gradients). */
        PRODUCTS,
        /** The sine activation (sine and cosine of every pre-activation). */
        ACTIVATION,
        /** The derivative streams' elementwise arithmetic, forward and reverse. */
        STREAMS,
        /** The loss and its output adjoints. */
        LOSS,
        /** Adam's update. */
        OPTIMIZER,
        /** Everything else in the step. */
        OTHER
    }

    private static final Phase[] PHASES = Phase.values();

    private final int skipped;
    private final long[] current = new long[PHASES.length];
    private final long[] total = new long[PHASES.length];
    private long seen;
    private long counted;

    /** Times the steps after the first {@code skipped}. */
    public StepPhases(int skipped) {
        if (skipped < 0) {
            throw new IllegalArgumentException("cannot skip " + skipped + " steps");
        }
        this.skipped = skipped;
    }

    /** Adds {@code nanos} to {@code phase} in the step under way. */
    public void add(Phase phase, long nanos) {
        current[phase.ordinal()] += nanos;
    }

    /** Ends the step under way, which took {@code stepNanos} in all. */
    public void endStep(long stepNanos) {
        long timed = 0;
        for (Phase phase : PHASES) {
            timed += phase == Phase.OTHER ? 0 : current[phase.ordinal()];
        }
        current[Phase.OTHER.ordinal()] = Math.max(0, stepNanos - timed);
        if (seen++ >= skipped) {
            for (int i = 0; i < PHASES.length; i++) {
                total[i] += current[i];
            }
            counted++;
        }
        Arrays.fill(current, 0);
    }

    /** Each phase's mean milliseconds per timed step (NaN before one), in step order. */
    public Map<Phase, Double> msPerStep() {
        Map<Phase, Double> ms = new EnumMap<>(Phase.class);
        for (Phase phase : PHASES) {
            ms.put(phase, counted == 0 ? Double.NaN : total[phase.ordinal()] / 1e6 / counted);
        }
        return Collections.unmodifiableMap(ms);
    }
}
