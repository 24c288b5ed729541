package org.sirensweep.train;

import java.util.Locale;

/** How a training ended: it ran all its epochs, or its loss became NaN or infinite and it was stopped. */
public enum TrainingStatus {
    OK,
    DIVERGED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
