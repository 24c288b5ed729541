package org.sirensweep.train;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a training keeps its {@link TrainingState} so that a killed or retried run continues instead of starting
 * over: {@link Trainer} asks for a saved state before its first step and hands over a new one at the end of an epoch
 * whenever {@link #interval()} has passed since the last.
 */
public interface Checkpoints {
    /** No checkpoints: start fresh, save nothing. */
    Checkpoints NONE = new Checkpoints() {
        @Override
        public Duration interval() {
            return Duration.ZERO;
        }

        @Override
        public Optional<TrainingState> load() {
            return Optional.empty();
        }

        @Override
        public void save(TrainingState state) {}
    };

    /** Training time between saves; zero saves none. */
    Duration interval();

    /** The state to continue from, if one was saved for this very training; a damaged one is not returned. */
    Optional<TrainingState> load();

    /** Keeps {@code state}, replacing the previous one, all at once (a crash mid-save keeps the previous one). */
    void save(TrainingState state);
}
