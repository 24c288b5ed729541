package org.sirensweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sirensweep.files.Location;
import picocli.CommandLine;

/** The check of an {@code --out FILE} option before any work: a file in an existing folder this user can write. */
final class OutputFile {
    private OutputFile() {}

    /** One line of bad input naming {@code option} unless {@code out} can be written. */
    static void check(CommandLine cli, String option, Location out) {
        boolean writable;
        try {
            writable = !out.isFolder()
                    && out.parent().isFolder()
                    && out.localPath()
                            .map(local -> canCreateIn(local.getParent()))
                            .orElse(out.parent().mayWrite());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(
                    cli,
                    option + " " + out + " cannot be reached: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!writable) {
            throw new CommandLine.ParameterException(
                    cli,
                    option + " " + out + " cannot be written (it must be a " + "file in an existing, writable folder)");
        }
    }

    /** Whether a file can be made in {@code folder} (tried: permissions say too little, e.g. for root or /proc). */
    private static boolean canCreateIn(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, ".out-probe", ".tmp"));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
