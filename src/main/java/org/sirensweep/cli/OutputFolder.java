package org.sirensweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A command's output folder, written in a hidden sibling staging folder and moved into place only when complete, so
 * a failed or interrupted command leaves nothing half-written: a failure removes the staging folder, and so does a
 * shutdown hook when the command is stopped (Ctrl-C, SIGTERM) before the folder is complete. Checked before any work
 * starts.
 */
final class OutputFolder {
    private final Path target;
    private final Path staging;
    private final Thread discardAtShutdown;

    private OutputFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
        this.discardAtShutdown = new Thread(this::discard, "discard " + staging.getFileName());
        Runtime.getRuntime().addShutdownHook(discardAtShutdown);
    }

    /** Validates {@code target} (for option {@code option}) and creates the staging folder. */
    static OutputFolder prepare(CommandLine cli, String option, Path target, boolean overwrite) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new CommandLine.ParameterException(cli, option + " " + target + " is a file, not a folder");
        }
        if (isNonEmptyFolder(absolute) && !overwrite) {
            throw new CommandLine.ParameterException(
                    cli, option + " " + target + " already holds results (pass --overwrite to replace them)");
        }
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
            String prefix = "." + absolute.getFileName() + ".partial-";
            removeAbandoned(parent, prefix);
            Path staging = Files.createTempDirectory(
                    parent, prefix + ProcessHandle.current().pid() + "-");
            return new OutputFolder(absolute, staging);
        } catch (IOException | SecurityException e) {
            throw new CommandLine.ParameterException(cli, option + " " + target + " cannot be written: " + e);
        }
    }

    /**
     * Deletes staging folders of this output left by processes that no longer run (killed with SIGKILL, which runs
     * no shutdown hook); the process id is in the folder's name.
     */
    private static void removeAbandoned(Path parent, String prefix) throws IOException {
        List<Path> abandoned;
        try (Stream<Path> siblings = Files.list(parent)) {
            abandoned = siblings.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> {
                        String owner = p.getFileName()
                                .toString()
                                .substring(prefix.length())
                                .split("-", 2)[0];
                        try {
                            return ProcessHandle.of(Long.parseLong(owner)).isEmpty();
                        } catch (NumberFormatException e) {
                            return false; // not one of ours
                        }
                    })
                    .toList();
        }
        for (Path folder : abandoned) {
            delete(folder);
        }
    }

    private static boolean isNonEmptyFolder(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Computes and writes a folder's contents, returning what the command reports about them. */
    interface Contents<T> {
        T writeTo(OutputFolder folder) throws IOException;
    }

    /** Stages {@code contents} and moves them into place; on any failure, removes the staging folder and rethrows. */
    <T> T write(Contents<T> contents) throws IOException {
        try {
            T result = contents.writeTo(this);
            commit();
            return result;
        } catch (IOException | RuntimeException | Error e) {
            discard();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(discardAtShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds nothing left to remove
            }
        }
    }

    /** The folder the contents appear in. */
    Path target() {
        return target;
    }

    /** Where to write a file now; it appears in the target folder at {@link #commit}. */
    Path file(String name) {
        return staging.resolve(name);
    }

    /** Replaces the target folder with the staged one. */
    private void commit() throws IOException {
        if (Files.exists(target)) {
            Path old = target.resolveSibling("." + target.getFileName() + ".old-"
                    + ProcessHandle.current().pid());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            delete(old);
        } else {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Removes the staging folder (after a failure). */
    private void discard() {
        try {
            delete(staging);
        } catch (IOException e) {
            System.err.println("could not remove " + staging + ": " + e.getMessage());
        }
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
