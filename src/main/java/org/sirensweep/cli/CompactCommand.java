package org.sirensweep.cli;

import java.util.concurrent.Callable;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep compact}: one Parquet file of every row without its images and weights, which pandas, DuckDB
 * and Spark read in one go where a dataset of very many one-row files is slow to open.
 */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = "Write every row of a dataset, without images and weights, into one Parquet file.")
public final class CompactCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetParameter input;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "The Parquet file to write " + "(replaced if it exists), e.g. runs/quickstart.parquet.")
    String out;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        Location dataset = input.folder(cli);
        Location file = input.store.location(cli, "--out", out);
        OutputFile.check(cli, "--out", file);
        long start = System.nanoTime();
        int rows = ResultTable.compact(dataset, file);
        cli.getOut()
                .printf(
                        "%s: %d rows without images and weights, %.2f MB, in %.1f s%n",
                        file, rows, file.length() / 1e6, (System.nanoTime() - start) / 1e9);
        cli.getOut().flush();
        return 0;
    }
}
