package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher a user types, {@code ./siren-sweep}, as the README's first command uses it (the build is there
 * already: this runs after {@code package}): its first {@code run} of a build trains and also saves the build's
 * class-data archive, and the next run maps it, silently, with the same result.
 */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void theFirstRunOfABuildSavesItsClassesAndTheNextUsesThem() throws Exception {
        Path archives = Path.of("target", "cds");
        if (Files.isDirectory(archives)) {
            try (Stream<Path> files = Files.list(archives)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Path sweep = dir.resolve("tiny.yaml");
        Files.writeString(
                sweep,
                "name: tiny\nsettings: {image: " + Path.of("data", "camera.png").toAbsolutePath()
                        + ", resolution: 16, width: 16, depth: 1, epochs: 2}\n");
        String first = launch(sweep, dir.resolve("first"));
        assertTrue(first.contains("first run of this build"), first);
        assertTrue(first.contains("ok"), first);
        try (Stream<Path> files = Files.list(archives)) {
            List<Path> saved = files.toList();
            assertEquals(1, saved.size(), saved.toString());
            assertTrue(saved.get(0).toString().endsWith(".jsa") && Files.size(saved.get(0)) > 0, saved.toString());
        }
        String next = launch(sweep, dir.resolve("next"));
        assertFalse(next.contains("first run of this build"), next);
        assertFalse(next.contains("cds"), "no word of the archive: " + next);
        assertTrue(next.contains("1 to run") && next.contains("results: "), next);
    }

    /** {@code ./siren-sweep run SWEEP --output OUT}: its output (both streams) once it exits with 0. */
    private static String launch(Path sweep, Path out) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("./siren-sweep", "run", sweep.toString(), "--output", out.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
