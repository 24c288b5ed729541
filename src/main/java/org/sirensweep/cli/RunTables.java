package org.sirensweep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.model.Memory;
import org.sirensweep.spark.SweepController;
import org.sirensweep.spark.SweepPlan;
import org.sirensweep.spark.TaskReport;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.EarlyStopping;
import org.sirensweep.sweep.Scheduler;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.Trial;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;

/** What {@code run} prints of a sweep: its trials before, their results after, and what halving saved. */
final class RunTables {
    private RunTables() {}

    /** What {@code run} prints before it starts: the trials, those already done, where the report is. */
    static void printStart(Sweep sweep, long alreadyDone, Location folder, Location report, PrintWriter out) {
        out.printf(
                "sweep %s: %d trials, %d already in %s, %d to run%s%n",
                sweep.name(),
                sweep.trials().size(),
                alreadyDone,
                folder,
                sweep.trials().size() - alreadyDone,
                sweep.earlyStopping() == null
                        ? ""
                        : " with successive halving (" + describe(sweep.earlyStopping()) + ")");
        out.printf("report: %s (open it in a browser; it follows the run)%n", report);
        out.flush();
    }

    /** What {@code run} prints as it goes, besides the progress line: Spark's UI, each rung's decision. */
    static SweepController.Events events(PrintWriter out) {
        return new SweepController.Events() {
            @Override
            public void sparkStarted(String uiUrl) {
                out.println("Spark UI: " + (uiUrl.equals("off") ? "off (--spark-ui serves it)" : uiUrl));
                out.flush();
            }

            @Override
            public void decided(Scheduler.Decision d) {
                out.printf(
                        "rung at epoch %d: %d trials reached it, %d go on, %d stop there%n",
                        d.epoch(), d.reached(), d.promoted(), d.reached() - d.promoted());
                out.flush();
            }
        };
    }

    /** What {@code run --dry-run} prints: the trials, the first job's packs, and the work in all. */
    static void printDryRun(Sweep sweep, SweepPlan first, Location dataset, PrintWriter out) {
        printTrials(sweep, out);
        out.printf(
                "%d Spark tasks for the first %d trials (%s)%n",
                first.packs().size(),
                first.stages(),
                first.packSizes().stream().anyMatch(size -> size > 1)
                        ? "packs of "
                                + first.packSizes().stream()
                                        .map(String::valueOf)
                                        .collect(Collectors.joining(", ")) + " trials trained side by side; "
                                + "the largest pack needs " + Memory.describe(first.largestPackBytes(sweep))
                        : "one trial each");
        if (sweep.earlyStopping() == null) {
            out.printf(
                    "sweep %s: %d trials, %,d optimiser steps in all; results would go to %s%n",
                    sweep.name(), sweep.trials().size(), sweep.totalSteps(), dataset);
        } else {
            out.printf(
                    "sweep %s: %d trials with successive halving (%s): about %,d optimiser steps if none "
                            + "diverges, against %,d for the full grid; results would go to %s%n",
                    sweep.name(),
                    sweep.trials().size(),
                    describe(sweep.earlyStopping()),
                    Scheduler.of(sweep).expectedSteps(),
                    sweep.totalSteps(),
                    dataset);
        }
        out.flush();
    }

    /** How the dataset's readers open it: Python's and DuckDB's S3 clients name S3 {@code s3://}, not s3a. */
    static String howToRead(Location dataset) {
        String folder = dataset.toString();
        return switch (dataset.scheme()) {
            case "file" ->
                "pandas.read_parquet(\"" + folder + "\"), spark.read.parquet, or DuckDB '" + folder + "/*.parquet'";
            case "s3a" -> {
                String s3 = "s3" + folder.substring("s3a".length());
                yield "spark.read.parquet(\"" + folder + "\"), pandas.read_parquet(\"" + s3 + "\") with s3fs, or "
                        + "DuckDB '" + s3 + "/*.parquet' with httpfs";
            }
            default ->
                "spark.read.parquet(\"" + folder + "\"), or pandas.read_parquet(\"" + folder
                        + "\") where pyarrow reaches " + dataset.scheme() + ":";
        };
    }

    /**
     * The run's last lines: where the rows and the report are and how to read them, and what is missing or failed;
     * the exit code that goes with them ({@link RunCommand#INCOMPLETE}, {@link RunCommand#SOME_FAILED} or 0).
     */
    static int printEnding(
            Sweep sweep,
            Location folder,
            Map<String, ResultDataset.Row> rows,
            Location report,
            String jobError,
            PrintWriter out) {
        long failed = rows.values().stream()
                .filter(r -> r.status() == TrialStatus.FAILED)
                .count();
        long missing =
                sweep.trials().stream().filter(t -> !rows.containsKey(t.id())).count();
        out.printf("results: %s (%d rows; %s)%n", folder, rows.size(), howToRead(folder));
        out.printf("report: %s%n", report);
        if (jobError != null || missing > 0) {
            out.printf(
                    "incomplete: %d of %d trials have their rows, %d have none%s; run the same command again to "
                            + "resume%n",
                    sweep.trials().size() - missing,
                    sweep.trials().size(),
                    missing,
                    jobError == null ? "" : " (" + jobError + ")");
            out.flush();
            return RunCommand.INCOMPLETE;
        }
        if (failed > 0) {
            out.printf("%d trials failed (their rows hold the error); --retry-failed runs them again%n", failed);
        }
        out.flush();
        return failed > 0 ? RunCommand.SOME_FAILED : 0;
    }

    /** A successive-halving rule as the run prints it. */
    static String describe(EarlyStopping rule) {
        return "rungs at epochs " + rule.rungs().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + " of " + rule.maxEpochs() + ", keeping the best 1/" + rule.reductionFactor() + " by "
                + rule.metric() + (rule.by().isEmpty() ? "" : " per " + String.join(", ", rule.by()));
    }

    /** The optimiser steps the trials took (to their last curve sample), against the full grid's. */
    static void printSaving(Sweep sweep, Map<String, Scheduler.Standing> standings, PrintWriter out) {
        long taken = standings.values().stream()
                .filter(st -> !st.curve().isEmpty())
                .mapToLong(st -> st.curve().get(st.curve().size() - 1).step())
                .sum();
        out.printf(
                "successive halving: %,d optimiser steps taken, %.0f%% of the %,d the full grid takes%n",
                taken, 100.0 * taken / sweep.totalSteps(), sweep.totalSteps());
    }

    /** The trials, each with the settings the sweep varies, its steps and its planned memory. */
    static void printTrials(Sweep sweep, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("trial_id"));
        header.addAll(sweep.gridKeys());
        header.addAll(List.of("steps", "memory"));
        List<List<String>> table = new ArrayList<>();
        for (Trial t : sweep.trials()) {
            List<String> row = new ArrayList<>(List.of(t.id()));
            sweep.gridKeys().forEach(k -> row.add(display(t.values().get(k))));
            row.add(String.format("%,d", t.settings().cost().totalSteps()));
            row.add(Memory.describe(t.settings().cost().plannedBytes(sweep.channels(t))));
            table.add(row);
        }
        Tables.print(header, table, out);
    }

    /** The trials with their status and measures (from this run's reports; rows of an earlier run say so). */
    static void printResults(
            Sweep sweep, Map<String, ResultDataset.Row> rows, Map<String, TaskReport> reports, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("trial_id"));
        header.addAll(sweep.gridKeys());
        header.addAll(List.of("status", "psnr", "psnr_fit", "grad_err", "lap_err", "seconds"));
        List<List<String>> table = new ArrayList<>();
        for (Trial t : sweep.trials()) {
            List<String> row = new ArrayList<>(List.of(t.id()));
            sweep.gridKeys().forEach(k -> row.add(display(t.values().get(k))));
            ResultDataset.Row stored = rows.get(t.id());
            TaskReport report = reports.get(t.id());
            row.add(stored == null ? "missing" : stored.status().id());
            Measures m = report == null ? null : report.measures();
            row.add(report == null ? (stored == null ? "" : "(earlier run)") : String.format("%.2f", m.psnr()));
            row.add(
                    m == null
                            ? ""
                            : String.format("%.2f", m.determined(t.settings().supervision())));
            row.add(m == null ? "" : String.format("%.3f", m.gradientError()));
            row.add(m == null ? "" : String.format("%.3f", m.laplacianError()));
            row.add(report == null ? "" : String.format("%.1f", report.seconds()));
            table.add(row);
        }
        Tables.print(header, table, out);
    }

    /** A setting as a person writes it: 0.0001 rather than 1.0E-4, and a drawn 0.000318447503 as 0.0003184. */
    private static String display(Object value) {
        if (!(value instanceof Double d)) {
            return String.valueOf(value);
        }
        java.math.BigDecimal exact = java.math.BigDecimal.valueOf(d).stripTrailingZeros();
        return (exact.precision() > 6 ? exact.round(new java.math.MathContext(4)) : exact)
                .stripTrailingZeros()
                .toPlainString();
    }
}
