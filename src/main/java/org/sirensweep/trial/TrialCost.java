package org.sirensweep.trial;

import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Memory;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.Workspace;
import org.sirensweep.train.Batches;
import org.sirensweep.train.Renderer;
import org.sirensweep.train.Trainer;

/**
 * What a trial costs, from its settings alone (the driver plans with it before anything is trained): its optimiser
 * steps, its work relative to other trials (to start the longest first), and the memory it needs beyond the heap
 * (to refuse what no executor could hold, and to size packs).
 *
 * @param settings the trial's settings
 */
public record TrialCost(TrialSettings settings) {
    /** Optimiser steps of the whole training: epochs × batches per epoch. */
    public long totalSteps() {
        return stepsUntil(settings.epochs());
    }

    /** Optimiser steps from the start to the end of {@code epoch}. */
    public long stepsUntil(int epoch) {
        return (long) Batches.count(points(), settings.batchSize()) * epoch;
    }

    private long points() {
        return (long) settings.resolution() * settings.resolution();
    }

    /**
     * A trial's work relative to others, for scheduling: points trained on (steps × points per step) times one
     * point's multiply-adds, times what its derivative streams cost over a value step (about 1, 2.8 and 4 for
     * vanilla, gradient and Laplacian steps: {@code siren-sweep bench}). Not a time: only comparisons mean anything.
     */
    public double relativeWork() {
        int width = settings.width();
        double perPoint = 2.0 * width + (double) settings.depth() * width * width + width;
        double streams = switch (settings.supervision()) {
            case VANILLA -> 1;
            case GRADIENT, COMBINED -> 2.8;
            case LAPLACIAN -> 4;
        };
        return totalSteps() * (double) Batches.largest(points(), settings.batchSize()) * perPoint * streams;
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
        SirenConfig network = settings.sirenConfig(channels);
        long training = Trainer.plannedBytes(
                network, settings.trainingConfig(), (int) Math.min(points(), Integer.MAX_VALUE), pack);
        // The renders come after the training has freed its buffers, one trial at a time; only the parameters are
        // held by both.
        long rendering = Memory.sum(
                Workspace.bytesNeeded(network, Derivatives.ALL, Renderer.CHUNK, DataType.FLOAT, false),
                Memory.product(Memory.product(network.parameterCount(), DataType.FLOAT.width()), pack));
        return Math.max(training, rendering);
    }
}
