package org.sirensweep.spark;

import java.io.Serializable;
import org.sirensweep.train.Measures;

/**
 * What a task tells the driver about its trial, for the closing table (the row itself is in the dataset): the row's
 * status, or {@link #PAUSED} for a trial left at a rung with no row yet.
 */
public record TaskReport(String trialId, String status, Measures measures, double seconds, String error,
                         String device)
        implements Serializable {
    /** The status of a stage that left its trial at a successive-halving rung, to continue or stop there. */
    public static final String PAUSED = "paused";
}
