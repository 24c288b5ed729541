package org.sirensweep.train;

import java.util.List;

/**
 * Everything a training needs to continue exactly where it stopped, taken at the end of an epoch: the epochs and
 * optimiser steps done, the parameters and Adam's moments (its step count is {@code step}), the learning curve so
 * far and the training time so far. The batch order needs no state of its own: each epoch's permutation is drawn
 * from the seed and the epoch number (see {@link BatchSchedule}). The arrays are the state itself, not copies to
 * protect: a state is made to be written once and read once.
 *
 * @param optimizerState Adam's first and second moments, {@code [m, v]} over the flat parameters
 */
public record TrainingState(
        int epoch, long step, float[] parameters, float[] optimizerState, List<CurvePoint> curve, long trainNanos) {
    public TrainingState {
        if (epoch < 1
                || step < 1
                || parameters.length == 0
                || optimizerState.length != 2 * parameters.length
                || trainNanos < 0) {
            throw new IllegalArgumentException("inconsistent training state: epoch " + epoch + ", step " + step + ", "
                    + parameters.length + " parameters, " + optimizerState.length + " optimiser values");
        }
        curve = List.copyOf(curve);
    }
}
