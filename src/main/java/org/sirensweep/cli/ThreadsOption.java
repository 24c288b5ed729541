package org.sirensweep.cli;

import org.sirensweep.trial.Compute;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The {@code --threads} option of the commands that compute in this process (a picocli mixin). */
final class ThreadsOption {
    @Option(
            names = "--threads",
            description = "CPU threads for ND4J and BLAS (default: ND4J's choice, about one per core).")
    Integer threads;

    /** Limits ND4J's and BLAS's threads when the option was given; a value below 1 is bad input. */
    void apply(CommandLine cli) {
        if (threads == null) {
            return;
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(cli, "--threads must be at least 1, got " + threads);
        }
        Compute.limitThreads(threads);
    }
}
