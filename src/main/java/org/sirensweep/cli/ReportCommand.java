package org.sirensweep.cli;

import java.util.concurrent.Callable;
import org.sirensweep.files.Location;
import org.sirensweep.report.ImageSelection;
import org.sirensweep.report.SweepReport;
import org.sirensweep.store.ResultDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep report}: a dataset's report page, one self-contained HTML file (table, parallel coordinates,
 * learning curves, gallery, analyses) that opens in any browser without a server or a network.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Write a dataset's report: one self-contained HTML page of its trials, curves and pictures.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetParameter input;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "The page to write (replaced if it exists; default: " + "DATASET/" + ResultDataset.REPORT
                    + ", which run keeps current while it works).")
    String out;

    @Option(
            names = "--images",
            defaultValue = "best",
            paramLabel = "all|best|none",
            description = "Pictures at full "
                    + "size: best (every trial's as thumbnails, the best " + "trials' at full size with their upscaled "
                    + "renders), all (every trial's at full size), none (no gallery; the smallest page). Default: "
                    + "${DEFAULT-VALUE}.")
    String images;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        Location dataset = input.folder(cli);
        ImageSelection selection;
        try {
            selection = ImageSelection.parse(images);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--images: " + e.getMessage());
        }
        Location page = out != null ? input.store.location(cli, "--out", out) : dataset.resolve(ResultDataset.REPORT);
        OutputFile.check(cli, "--out", page);
        long start = System.nanoTime();
        SweepReport.Written written;
        try {
            written = SweepReport.write(dataset, page, selection);
        } catch (ResultDataset.DatasetException e) {
            throw new CommandLine.ParameterException(cli, "DATASET " + e.getMessage());
        }
        cli.getOut()
                .printf(
                        "%s: %d trials, %.1f MB, in %.1f s%n",
                        written.file(), written.trials(), written.bytes() / 1e6, (System.nanoTime() - start) / 1e9);
        cli.getOut().flush();
        return 0;
    }
}
