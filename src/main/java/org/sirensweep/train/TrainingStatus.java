package org.sirensweep.train;

import java.util.Locale;

/**
 * How a training ended: it ran all its epochs ({@code OK}), its loss became NaN or infinite and it was stopped
 * ({@code DIVERGED}), or it was asked to end before its last epoch ({@code STOPPED}: early stopping, or a pause at a
 * successive-halving rung with its state kept to continue).
 */
public enum TrainingStatus {
    OK,
    DIVERGED,
    STOPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
