package org.sirensweep.spark;

import java.io.Serializable;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;

/**
 * What a task tells the driver about its trial, for the closing table (the row itself is in the dataset): the row's
 * status, or {@link TrialStatus#PAUSED} for a trial left at a rung with no row yet.
 */
public record TaskReport(
        String trialId, TrialStatus status, Measures measures, double seconds, String error, String device)
        implements Serializable {}
