package org.sirensweep.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.store.DatasetCheck;
import org.sirensweep.store.DatasetComparison;
import org.sirensweep.store.ResultDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siren-sweep verify}: checks a sweep's dataset folder and prints what it holds and anything wrong. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Check a dataset: one whole row per trial, the documented schema, statuses, decodable images, "
                + "no leftovers; with --against, also that every trial both datasets hold has the same results, bit "
                + "for bit. Exit code 0 when clean (and the same), 1 when problems or differences were found.")
public final class VerifyCommand implements Callable<Integer> {
    /** Exit code when the dataset has problems (each printed on its own line). */
    public static final int PROBLEMS = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetParameter input;

    @Option(names = "--threads", description = "Rows checked at once (default: one per core).")
    Integer threads;

    @Option(
            names = "--against",
            paramLabel = "DATASET",
            description = "Another dataset of the same trials (a re-run, "
                    + "another build or machine): compare every trial both hold, all of its row but timings, hosts and "
                    + "versions.")
    String against;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        Location dataset = input.folder(cli);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            throw new CommandLine.ParameterException(cli, "--threads must be at least 1, got " + workers);
        }
        Location other = against == null ? null : input.store.location(cli, "--against", against);
        if (other != null && !isDataset(other)) {
            throw new CommandLine.ParameterException(
                    cli,
                    "--against: " + against + " is not a siren-sweep dataset " + "(a folder with "
                            + ResultDataset.MARKER + ")");
        }
        DatasetCheck.Report report = DatasetCheck.of(dataset, workers, progressLine(System.err));
        PrintWriter out = cli.getOut();
        String statuses = report.rowsByStatus().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        out.printf(
                "%s (sweep '%s'): %d rows (%s), %d images decoded, %d problems%n",
                dataset,
                report.sweep(),
                report.rows(),
                statuses.isEmpty() ? "none" : statuses,
                report.images(),
                report.problems().size());
        if (!report.resumable().isEmpty()) {
            out.printf(
                    "%d unfinished trials have checkpoints; running the sweep again continues them:%n",
                    report.resumable().size());
            report.resumable().forEach(line -> out.println("  " + line));
        }
        report.problems().forEach(p -> out.println("problem: " + p));
        boolean same = other == null || compare(dataset, other, out);
        out.flush();
        return report.problems().isEmpty() && same ? 0 : PROBLEMS;
    }

    private static boolean isDataset(Location folder) {
        try {
            return folder.resolve(ResultDataset.MARKER).isFile();
        } catch (IOException e) {
            return false;
        }
    }

    /** Prints how the trials of {@code dataset} compare with those of {@code against}; whether all are the same. */
    private boolean compare(Location dataset, Location against, PrintWriter out) throws IOException {
        DatasetComparison.Report comparison = DatasetComparison.of(dataset, against);
        out.printf(
                "against %s: %d trials in both, %d the same bit for bit (all but timings, hosts and versions), "
                        + "%d differ; %d only here, %d only there%n",
                against,
                comparison.inBoth(),
                comparison.same(),
                comparison.differing().size(),
                comparison.onlyHere().size(),
                comparison.onlyThere().size());
        comparison.differing().forEach(line -> out.println("differs: " + line));
        return comparison.differing().isEmpty();
    }

    /** "verify: 1,200/5,696 rows" on stderr: rewritten in place on a terminal, a line every 10 s in a log. */
    private static DatasetCheck.Progress progressLine(PrintStream err) {
        boolean terminal = System.console() != null;
        long start = System.nanoTime();
        long[] last = {start};
        return (done, total) -> {
            long now = System.nanoTime();
            boolean end = done == total;
            if (now - last[0] < (terminal ? 200_000_000L : 10_000_000_000L) && !(end && terminal)) {
                return;
            }
            last[0] = now;
            String text = String.format("verify: %,d/%,d rows, %.0f s", done, total, (now - start) / 1e9);
            err.print(terminal ? "\r" + text + (end ? "\n" : "") : text + "\n");
            err.flush();
        };
    }
}
