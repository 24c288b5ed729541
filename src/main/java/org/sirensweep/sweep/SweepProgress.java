package org.sirensweep.sweep;

import java.time.Duration;
import java.util.List;

/**
 * Where one Spark job of a sweep stands, as the progress line shows it: trials done by how they ended, the trials
 * running now, time spent and the estimate of time left ({@code null} before any step is done and once finished).
 */
public record SweepProgress(
        String title,
        int trials,
        long ok,
        long diverged,
        long failed,
        long stopped,
        long paused,
        List<String> running,
        Duration elapsed,
        Duration eta,
        boolean finished) {

    public SweepProgress {
        running = List.copyOf(running);
    }

    /** Trials that ended in this job, however they ended. */
    public long done() {
        return ok + diverged + failed + stopped + paused;
    }
}
