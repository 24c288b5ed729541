package org.sirensweep.sweep;

/**
 * One piece of work for a trial: train it (from its checkpoint, if it has one) to the end of epoch {@code
 * untilEpoch}, then either commit its row there ({@code commit}: status ok at its last epoch, stopped before) or keep
 * its state in its checkpoint for a later stage to continue (a successive-halving rung, waiting for the others).
 * Without early stopping every stage trains a trial to its end and commits it.
 */
public record TrialStage(Trial trial, int untilEpoch, boolean commit) implements java.io.Serializable {
    public TrialStage {
        if (untilEpoch < 1
                || untilEpoch > trial.settings().epochs()
                || (!commit && untilEpoch == trial.settings().epochs())) {
            throw new IllegalArgumentException(
                    "trial " + trial.id() + " of " + trial.settings().epochs() + " epochs cannot "
                            + (commit ? "end" : "pause") + " at epoch " + untilEpoch);
        }
    }

    /** The whole training: the trial to its last epoch, committed. */
    public static TrialStage whole(Trial trial) {
        return new TrialStage(trial, trial.settings().epochs(), true);
    }

    /** The optimiser steps from the trial's start to the end of this stage (a stage continuing a checkpoint counts those it saved as done). */
    public long steps() {
        return trial.settings().cost().stepsUntil(untilEpoch);
    }
}
