package org.sirensweep.cli;

import java.io.IOException;
import org.sirensweep.files.Location;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The DATASET parameter of the commands that read a sweep's output folder, with the settings of the store it is on
 * (a picocli mixin).
 */
final class DatasetParameter {
    @Parameters(
            index = "0",
            paramLabel = "DATASET",
            description = "A sweep's output folder, e.g. runs/quickstart " + "or hdfs://namenode/runs/quickstart.")
    String dataset;

    @Mixin
    StoreOptions store;

    /** The folder; one line of bad input if it is not one. */
    Location folder(CommandLine cli) {
        Location folder = store.location(cli, "DATASET", dataset);
        try {
            if (!folder.isFolder()) {
                throw new CommandLine.ParameterException(cli, "DATASET " + dataset + " is not a folder");
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(
                    cli,
                    "DATASET " + dataset + " cannot be reached: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        return folder;
    }
}
