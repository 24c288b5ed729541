package org.sirensweep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A {@code siren-sweep} command as the tests run it: in this JVM with its exit code and output captured, or in a
 * new JVM (this one's options and class path) that a test can kill.
 */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code args} in this JVM. */
    public static CliRun here(String... args) {
        CommandLine cli = SirenSweep.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Starts {@code args} in a new JVM, its output (both streams) going to {@code log}. */
    public static Process inNewJvm(List<String> args, Path log) throws IOException {
        return inNewJvm(args, log, java.util.Map.of());
    }

    /** As {@link #inNewJvm(List, Path)}, with {@code environment} added to this process's. */
    public static Process inNewJvm(List<String> args, Path log, java.util.Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = newJvm(args).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Starts {@code args} in a new JVM, its stdout going to {@code out} and its stderr to {@code err}. */
    public static Process inNewJvm(List<String> args, Path out, Path err) throws IOException {
        return newJvm(args)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    /** The command that runs {@code args} in a JVM started as this one was, with its classpath. */
    private static ProcessBuilder newJvm(List<String> args) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SirenSweep.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
