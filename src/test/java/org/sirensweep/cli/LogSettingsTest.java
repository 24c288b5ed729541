package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log settings the launcher runs with ({@code log4j2.properties}): a warning of Spark's or Hadoop's is one line on
 * stderr, its exception as class and message with the error log named, and the stack trace in the error log; {@code
 * --verbose} puts the trace on stderr too. Each case loads the settings into a logger context of its own.
 */
class LogSettingsTest {
    @TempDir
    Path dir;

    /** What one warning with a cause left on stderr, and in the error log. */
    private record Logged(String stderr, String errorLog) {}

    private Logged warn(String stderrTrace) throws IOException, URISyntaxException {
        Path errorLog = dir.resolve("error.log");
        System.setProperty("sirensweep.errorLog", errorLog.toString());
        // Set or cleared every time: a --verbose command run earlier in this JVM sets it.
        if (stderrTrace == null) {
            System.clearProperty("sirensweep.stderrTrace");
        } else {
            System.setProperty("sirensweep.stderrTrace", stderrTrace);
        }
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext(
                "log-settings",
                null,
                getClass().getResource("/log4j2.properties").toURI());
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.start();
            context.getLogger("org.apache.spark.storage.BlockManager")
                    .warn(
                            "Failed to write block",
                            new IOException("Connection refused", new IllegalStateException("store down")));
            context.getLogger("org.apache.hadoop.fs.s3a.S3AInstrumentation")
                    .warn("Closing output stream statistics\ncounters=((a=1)\n" + "(b=2) ".repeat(200));
            context.getLogger("org.apache.spark.SparkContext").info("not shown: below WARN");
        } finally {
            context.stop();
            System.setErr(stderr);
            System.clearProperty("sirensweep.errorLog");
            System.clearProperty("sirensweep.stderrTrace");
        }
        return new Logged(
                captured.toString(StandardCharsets.UTF_8), Files.exists(errorLog) ? Files.readString(errorLog) : "");
    }

    @Test
    void aWarningIsOneLineOnStderrWithItsTraceInTheErrorLog() throws Exception {
        Logged logged = warn(null);
        List<String> lines = logged.stderr().lines().toList();
        assertEquals(2, lines.size(), logged.stderr());
        String line = lines.get(0);
        assertTrue(
                line.endsWith("WARN BlockManager: Failed to write block; java.io.IOException: Connection refused"
                        + " (stack trace: " + dir.resolve("error.log") + ")"),
                line);
        assertTrue(logged.errorLog().contains("WARN org.apache.spark.storage.BlockManager: Failed to write block"));
        assertTrue(logged.errorLog().contains("\tat org.sirensweep.cli.LogSettingsTest"), logged.errorLog());
        assertTrue(logged.errorLog().contains("Caused by: java.lang.IllegalStateException: store down"));
        assertFalse(logged.errorLog().contains("not shown"), logged.errorLog());

        // A message of many lines (Hadoop's statistics) is one line too, cut short; the error log has it whole.
        String statistics = lines.get(1);
        assertTrue(
                statistics.contains("WARN S3AInstrumentation: Closing output stream statistics counters=((a=1) (b=2)"),
                statistics);
        assertTrue(statistics.length() < 400, statistics);
        assertTrue(logged.errorLog().contains("(b=2) ".repeat(200).strip()), logged.errorLog());
    }

    @Test
    void verbosePrintsTheTraceOnStderrToo() throws Exception {
        Logged logged = warn("full");
        assertTrue(logged.stderr().contains("\tat org.sirensweep.cli.LogSettingsTest"), logged.stderr());
        assertTrue(logged.stderr().contains("Caused by: java.lang.IllegalStateException: store down"));
        assertEquals(
                1,
                logged.stderr()
                        .lines()
                        .filter(l -> l.contains("Failed to write block"))
                        .count(),
                logged.stderr());
    }
}
