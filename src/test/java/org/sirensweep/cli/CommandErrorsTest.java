package org.sirensweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every command's errors are one line on stderr: bad arguments with exit code 2 and the command named once; anything
 * else with exit code 1, what went wrong in a person's words, and its stack trace in the error log (printed too with
 * {@code --verbose}).
 */
class CommandErrorsTest {
    /** A command that fails as a disk would: a file that cannot be written, behind an unchecked wrapper. */
    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new UncheckedIOException(new AccessDeniedException("/data/runs/x.parquet"));
        }
    }

    private record Result(int exit, String err) {}

    private static Result run(String... args) {
        CommandLine cli = SirenSweep.commandLine();
        cli.addSubcommand("failing", new Failing());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        return new Result(cli.execute(args), err.toString());
    }

    @Test
    void anUnknownCommandNamesTheProgramOnce() {
        Result r = run("bogus");
        assertEquals(SirenSweep.BAD_INPUT, r.exit());
        assertEquals(
                "siren-sweep: Unmatched argument at index 0: 'bogus' (see --help)",
                r.err().trim());
    }

    @Test
    void aFailureIsOneLineWithItsTraceInTheErrorLog() throws Exception {
        Result r = run("failing");
        assertEquals(SirenSweep.FAILED, r.exit());
        String line = r.err().trim();
        assertFalse(line.contains("\n"), line);
        assertEquals(
                "siren-sweep failing: permission denied: /data/runs/x.parquet (stack trace: " + SirenSweep.errorLog()
                        + ")",
                line);
        assertTrue(Files.readString(SirenSweep.errorLog()).contains("at org.sirensweep.cli.CommandErrorsTest$Failing"));

        Result verbose = run("failing", "--verbose");
        assertTrue(verbose.err().startsWith("siren-sweep failing: permission denied"), verbose.err());
        assertTrue(verbose.err().contains("java.nio.file.AccessDeniedException: /data/runs/x.parquet"), verbose.err());
    }

    @Test
    void errorsReadAsWords() {
        assertEquals("no such file or folder: /a/b", SirenSweep.describe(new NoSuchFileException("/a/b")));
        assertEquals(
                "IllegalStateException: the master went away (IOException: connection reset)",
                SirenSweep.describe(new IllegalStateException(
                        "the master went away", new java.io.IOException("connection reset"))));
        assertEquals("IllegalStateException: two lines", SirenSweep.describe(new IllegalStateException("two\nlines")));
    }
}
