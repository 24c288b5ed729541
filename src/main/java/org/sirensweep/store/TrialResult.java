package org.sirensweep.store;

import java.time.Instant;
import org.sirensweep.sweep.Trial;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.TrialOutcome;

/**
 * One row of a sweep's dataset: the trial, what it produced ({@code outcome} is null when it failed), and where and
 * when it ran. {@link ResultFiles} stores it as one Parquet file.
 */
public record TrialResult(
        String sweep,
        Trial trial,
        TrialOutcome outcome,
        String error,
        TaskPlace place,
        Instant startedAt,
        Instant finishedAt) {

    public TrialResult {
        if ((outcome == null) == (error == null)) {
            throw new IllegalArgumentException("a result has either an outcome or an error");
        }
    }

    /** {@link TrialStatus#FAILED} without an outcome, else the outcome's. */
    public TrialStatus status() {
        return outcome == null ? TrialStatus.FAILED : outcome.status();
    }
}
