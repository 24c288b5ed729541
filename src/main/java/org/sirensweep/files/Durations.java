package org.sirensweep.files;

import java.time.Duration;

/**
 * Durations as people give and read them: the minutes of a command-line option or sweep-file key, checked against
 * one fixed limit, and a duration written as {@code 45s}, {@code 1m13s} or {@code 2h05m} on the progress lines.
 */
public final class Durations {
    /** The longest any minutes setting may be: a week. */
    public static final double MAX_MINUTES = 7 * 24 * 60;

    private Durations() {}

    /**
     * {@code minutes}, where 0 means none; throws {@link IllegalArgumentException}, whose message completes the
     * setting's name ("--checkpoint-minutes ..."), for a value outside 0 to {@link #MAX_MINUTES}.
     */
    public static Duration minutesOrNone(double minutes) {
        if (!(minutes >= 0 && minutes <= MAX_MINUTES)) {
            throw new IllegalArgumentException(
                    "must be between 0 (none) and 10080 (a week, a fixed limit), got " + minutes);
        }
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    /**
     * {@code minutes}, more than none; throws {@link IllegalArgumentException}, whose message completes the
     * setting's name ("--store-outage-minutes ..."), for a value outside (0, {@link #MAX_MINUTES}].
     */
    public static Duration positiveMinutes(double minutes) {
        if (!(minutes > 0 && minutes <= MAX_MINUTES)) {
            throw new IllegalArgumentException(
                    "must be more than 0 and at most 10080 (a week, a fixed limit), got " + minutes);
        }
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    /** "45s", "1m13s", "2h05m": whole seconds, for a person. */
    public static String describe(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
