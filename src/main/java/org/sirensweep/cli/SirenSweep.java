package org.sirensweep.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code siren-sweep} command line: bad arguments give one line on stderr and exit code 2. */
@Command(name = "siren-sweep", mixinStandardHelpOptions = true, version = "siren-sweep 0.1.0",
        description = "SIREN trainings and hyperparameter sweeps.",
        subcommands = {RunCommand.class, VerifyCommand.class, BestCommand.class, CompactCommand.class,
                TrainCommand.class, RenderCommand.class, BenchCommand.class})
public final class SirenSweep {
    /** Exit code for invalid input (arguments, files). */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SirenSweep());
        cli.setParameterExceptionHandler((ex, arguments) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("siren-sweep " + ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
                    + " (see --help)");
            err.flush();
            return BAD_INPUT;
        });
        return cli;
    }
}
