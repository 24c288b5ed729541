package org.sirensweep.train;

/** Receives a training's progress, for progress bars and logs. Called on the training thread. */
public interface TrainingProgress {
    TrainingProgress NONE = new TrainingProgress() {};

    /** After each optimiser step. */
    default void step(long done, long total) {}

    /** After each learning-curve sample. */
    default void curve(CurvePoint point) {}
}
