package org.sirensweep.spark;

import java.io.Serializable;
import org.sirensweep.train.Measures;

/** What a task tells the driver about its trial, for the closing table (the row itself is in the dataset). */
public record TaskReport(String trialId, String status, Measures measures, double seconds, String error,
                         String device)
        implements Serializable {
}
