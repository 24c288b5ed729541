package org.sirensweep.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a trial stands, the one list of statuses for trainings, rows and tasks. A training ends {@code OK} (it ran all
 * its epochs), {@code DIVERGED} (its loss became NaN or infinite and it was stopped) or {@code STOPPED} (asked to end
 * before its last epoch: a trial stopped by successive halving at a rung, whose row holds the network there). A
 * trial whose training threw on its last attempt is {@code FAILED} (its row holds the error), and one left at a rung
 * with its state in its checkpoint, to continue or stop there, is {@code PAUSED} (it has no row yet).
 */
public enum TrialStatus {
    OK,
    DIVERGED,
    STOPPED,
    FAILED,
    PAUSED;

    /** The lower-case name rows, footers and tables use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a row can hold this status (every status but {@code PAUSED}). */
    public boolean inRows() {
        return this != PAUSED;
    }

    /** Parses {@link #id()}; the error names the accepted values. */
    public static TrialStatus parse(String text) {
        for (TrialStatus s : values()) {
            if (s.id().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + text + "' (expected one of "
                + Arrays.stream(values()).map(TrialStatus::id).collect(Collectors.joining(", ")) + ")");
    }
}
