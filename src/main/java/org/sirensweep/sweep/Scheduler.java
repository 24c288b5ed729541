package org.sirensweep.sweep;

import java.util.List;
import java.util.Map;
import org.sirensweep.train.CurvePoint;

/**
 * Which trials of a sweep run next, and how far (Ray Tune's trial scheduler): {@link AllAtOnce}, or {@link
 * SuccessiveHalving} for a sweep with early stopping. A scheduler keeps no state between plans: it works the schedule
 * out from what the dataset holds alone (each trial's {@link Standing}), so a driver killed at any point takes up
 * where it was and, the trainings being exact, decides as an uninterrupted run would.
 */
public interface Scheduler {

    /**
     * What the dataset holds of a trial: whether it has a row (its training has ended: ok, stopped, diverged, or
     * failed for good) and its learning curve so far (the row's, or its checkpoint's; empty if neither).
     */
    record Standing(boolean ended, List<CurvePoint> curve) {
        public static final Standing NEW = new Standing(false, List.of());

        public Standing {
            curve = List.copyOf(curve);
        }
    }

    /** One rung's decision: its epoch, the trials that reached it, and those that go on. */
    record Decision(int epoch, int reached, int promoted) {}

    /**
     * The stages to run next (empty: the sweep is complete), the rung they work towards (its epoch, the trials' full
     * length for the final stretch, 0 without early stopping), and the decisions taken at the rungs before it.
     */
    record Plan(List<TrialStage> stages, int towardsEpoch, List<Decision> decisions) {
        public Plan {
            stages = List.copyOf(stages);
            decisions = List.copyOf(decisions);
        }
    }

    /** The next stages, given each trial's standing by id (missing: {@link Standing#NEW}). */
    Plan next(Map<String, Standing> standings);

    /** The optimiser steps the whole schedule takes if no trial diverges or fails. */
    long expectedSteps();

    /** The scheduler {@code sweep} asks for: successive halving with an early-stopping rule, else all at once. */
    static Scheduler of(Sweep sweep) {
        return sweep.earlyStopping() == null ? new AllAtOnce(sweep) : new SuccessiveHalving(sweep);
    }
}
