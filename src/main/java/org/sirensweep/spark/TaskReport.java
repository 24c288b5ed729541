package org.sirensweep.spark;

import java.io.Serializable;

/** What a task tells the driver about its trial, for the closing table (the row itself is in the dataset). */
public record TaskReport(String trialId, String status, double psnr, double psnrAffine, double seconds, String error,
                         String device)
        implements Serializable {
}
