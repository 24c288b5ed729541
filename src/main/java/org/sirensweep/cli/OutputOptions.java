package org.sirensweep.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The {@code --out} and {@code --overwrite} options of commands that write one output folder. */
final class OutputOptions {
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the output folder if it already holds results.")
    boolean overwrite;

    /** Checks the folder and opens its staging area; bad paths are a one-line parameter error. */
    OutputFolder prepare(CommandLine cli) {
        return OutputFolder.prepare(cli, "--out", out, overwrite);
    }
}
