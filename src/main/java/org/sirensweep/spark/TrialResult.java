package org.sirensweep.spark;

import java.time.Instant;
import org.sirensweep.sweep.Trial;
import org.sirensweep.trial.TrialOutcome;

/**
 * One row of a sweep's dataset: the trial, what it produced ({@code outcome} is null when it failed), and where and
 * when it ran. {@link ResultFiles} stores it as one Parquet file.
 */
public record TrialResult(String sweep, Trial trial, TrialOutcome outcome, String error, TaskPlace place,
                          Instant startedAt, Instant finishedAt) {

    /** Row statuses. */
    public static final String OK = "ok";
    public static final String DIVERGED = "diverged";
    public static final String FAILED = "failed";
    /** Stopped early by successive halving at a rung: the row holds the network and curve at that epoch. */
    public static final String STOPPED = "stopped";

    public TrialResult {
        if ((outcome == null) == (error == null)) {
            throw new IllegalArgumentException("a result has either an outcome or an error");
        }
    }

    public String status() {
        return outcome == null ? FAILED : outcome.status().id();
    }
}
