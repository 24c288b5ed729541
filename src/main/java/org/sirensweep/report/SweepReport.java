package org.sirensweep.report;

import java.io.IOException;
import java.util.List;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;

/** Writes a finished dataset's report page ({@code siren-sweep report}). */
public final class SweepReport {
    /** What was written: the page, the trials it shows and its size. */
    public record Written(Location file, int trials, long bytes) {}

    private SweepReport() {}

    /**
     * Writes the report of dataset {@code folder} to {@code out}, carrying {@code images}. A folder that is not a
     * dataset, holds no rows, or holds a damaged row is refused (one line naming it) and nothing is written.
     */
    public static Written write(Location folder, Location out, ImageSelection images)
            throws ResultDataset.DatasetException, IOException {
        ResultDataset.About about = ResultDataset.about(folder);
        List<ReportedTrial> trials = new DatasetRows(folder, images != ImageSelection.NONE).read();
        if (trials.isEmpty()) {
            throw new ResultDataset.DatasetException(folder + " holds no rows yet: nothing to report");
        }
        ReportModel.Context context = new ReportModel.Context(about.sweep(), folder, about.sweepFile(), images);
        long bytes = ReportPage.write(ReportModel.of(trials, context, null, new PictureStore()), out);
        return new Written(out, trials.size(), bytes);
    }
}
