package org.sirensweep.train;

import org.sirensweep.model.Siren;

/**
 * A pack's optimiser steps on one backend: the batches, the forward and reverse passes, the loss and Adam, for every
 * member still alive (a member whose loss is not finite stops updating from that step on, its network as it was).
 * The {@link Trainer} drives it epoch range by epoch range and keeps the books (curve, divergence, checkpoints,
 * times) from what it reports: the CPU's runs one epoch at a time, step by step; a GPU's replays a recorded step
 * over a range of epochs and reports the steps when the range is done.
 */
interface PackSteps extends AutoCloseable {
    /** What the trainer does with each step and each epoch's end, in order. */
    interface Listener {
        /**
         * Step {@code step} (counted over the whole training from 0) took {@code nanos} and gave member p the loss
         * {@code losses[p]} (what it means for a member that died before is unspecified). Returns false when no
         * member is left alive: the run ends there.
         */
        boolean step(long step, double[] losses, long nanos);

        /** The end of {@code epoch}, after its last step. */
        void epochEnd(int epoch);
    }

    /**
     * The last epoch of a run that starts at {@code epoch} and must end by {@code limit} (the next epoch where the
     * trainer samples the curve or may stop): {@code epoch} itself on the CPU, up to {@code limit} on a GPU.
     */
    int runEnd(int epoch, int limit);

    /** Runs epochs {@code first..last}, whose first step is step {@code firstStep}, telling {@code listener}. */
    void run(int first, int last, long firstStep, Listener listener);

    /** Member p's parameters now (a copy). */
    float[] parameters(int p);

    /** Member p's Adam moments now, {@code [m, v]} (a copy). */
    float[] optimizerState(int p);

    /** Puts member p's saved parameters and Adam moments back. */
    void restore(int p, float[] parameters, float[] optimizerState);

    /** Member p's network evaluated on a {@code height × width} pixel grid, every stream rendered. */
    Rendering render(int p, int height, int width);

    /** Member p's network now, on the host (the trained network of its result). */
    Siren network(int p);

    @Override
    void close();
}
