package org.sirensweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sirensweep.cli.SirenSweep;
import picocli.CommandLine;

/** The ci sweep for real, then every analysis notebook executed against its dataset (notebooks/execute.py). */
class NotebooksIT {
    @Test
    void everyNotebookRunsTopToBottomOnTheCiSweepWithNonEmptyFigures() throws Exception {
        Path dataset = Path.of("target/ci-dataset").toAbsolutePath();
        // A fresh dataset: rows an earlier build left would be resumed, not remade.
        if (Files.exists(dataset)) {
            try (Stream<Path> walk = Files.walk(dataset)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        CommandLine cli = SirenSweep.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("run", "sweeps/ci.yaml", "--output", dataset.toString(), "--master", "local[2]");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("(18 rows;"), out.toString());

        Process python = new ProcessBuilder(
                        TestPython.executable(),
                        "notebooks/execute.py",
                        dataset.toString(),
                        "--save-executed",
                        "target/executed-notebooks")
                .redirectErrorStream(true)
                .start();
        String log = new String(python.getInputStream().readAllBytes());
        assertEquals(0, python.waitFor(), log);
        for (String notebook : new String[] {"batch_effect", "upscale", "sweep_overview"}) {
            assertTrue(log.contains("ok " + notebook + ".ipynb"), log);
        }
    }
}
