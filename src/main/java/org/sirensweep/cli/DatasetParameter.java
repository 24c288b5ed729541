package org.sirensweep.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Parameters;

/** The DATASET parameter of the commands that read a sweep's output folder (a picocli mixin). */
final class DatasetParameter {
    @Parameters(index = "0", paramLabel = "DATASET", description = "A sweep's output folder, e.g. runs/quickstart.")
    Path dataset;

    /** The folder; one line of bad input if it is not one. */
    Path folder(CommandLine cli) {
        LocalPath.check(cli, "DATASET", dataset);
        if (!Files.isDirectory(dataset)) {
            throw new CommandLine.ParameterException(cli, "DATASET " + dataset + " is not a folder");
        }
        return dataset;
    }
}
