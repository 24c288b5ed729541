package org.sirensweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.sirensweep.spark.SparkLine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code siren-sweep} command line. Bad arguments give one line on stderr and exit code {@value #BAD_INPUT};
 * anything else that goes wrong (a file that cannot be written, a failure of Spark) gives one line and exit code
 * {@value #FAILED}, its stack trace appended to {@link #errorLog()} (and printed too with {@code --verbose}). Spark's
 * and Hadoop's own warnings are one line each on stderr, their stack traces in the same log.
 */
@Command(
        name = "siren-sweep",
        mixinStandardHelpOptions = true,
        version = "siren-sweep 0.1.0",
        description = "SIREN trainings and hyperparameter sweeps.",
        subcommands = {
            RunCommand.class,
            VerifyCommand.class,
            ReportCommand.class,
            BestCommand.class,
            CompactCommand.class,
            TrainCommand.class,
            RenderCommand.class,
            BenchCommand.class
        })
public final class SirenSweep {
    /** Exit code for invalid input (arguments, files). */
    public static final int BAD_INPUT = 2;
    /** Exit code for an error that is not the input's: one line, the trace in the error log. */
    public static final int FAILED = 1;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "On an error, and on Spark's or Hadoop's warnings, print the stack trace too "
                    + "(it always goes to the error log named in the line).")
    boolean verbose;

    public static void main(String[] args) {
        // Read once, when Spark or Hadoop first logs: log4j2.properties sends their stack traces to this process's
        // error log.
        System.setProperty("sirensweep.errorLog", errorLog().toString());
        String otherLine = SparkLine.mismatchHere();
        if (otherLine != null) {
            System.err.println("siren-sweep: " + otherLine);
            System.exit(BAD_INPUT);
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SirenSweep());
        TrainCommand.declareSettings(cli.getSubcommands().get("train").getCommandSpec());
        cli.setParameterExceptionHandler((ex, arguments) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(prefix(ex.getCommandLine()) + ": " + ex.getMessage() + " (see --help)");
            err.flush();
            return BAD_INPUT;
        });
        cli.setExecutionStrategy(parseResult -> {
            if (verbose(parseResult)) {
                // Before anything logs: log4j2.properties then prints Spark's and Hadoop's stack traces on stderr too.
                System.setProperty("sirensweep.stderrTrace", "full");
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler((ex, command, parseResult) -> {
            PrintWriter err = command.getErr();
            err.println(prefix(command) + ": " + describe(ex) + logged(ex));
            if (verbose(parseResult)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        return cli;
    }

    /** "siren-sweep run", or "siren-sweep" for the top command. */
    private static String prefix(CommandLine command) {
        return command.getParent() == null ? command.getCommandName() : "siren-sweep " + command.getCommandName();
    }

    private static boolean verbose(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Where the stack traces of errors go: a file in the temporary folder, one per process. */
    static Path errorLog() {
        return Path.of(
                System.getProperty("java.io.tmpdir"),
                "siren-sweep-error-" + ProcessHandle.current().pid() + ".log");
    }

    /** Appends the trace to the error log; " (stack trace: FILE)", or "" where the log cannot be written. */
    private static String logged(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        try {
            Files.writeString(
                    errorLog(), Instant.now() + "\n" + trace, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return " (stack trace: " + errorLog() + ")";
        } catch (IOException | RuntimeException unwritable) {
            return "";
        }
    }

    /** One line for a person: what went wrong, with the file it concerns, and the causes' words. */
    static String describe(Throwable e) {
        Throwable shown = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        StringBuilder text = new StringBuilder(words(shown));
        for (Throwable cause = shown.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String more = words(cause);
            if (!text.toString().contains(more)) {
                text.append(" (").append(more).append(')');
            }
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String words(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": "
                    + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        }
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }
}
