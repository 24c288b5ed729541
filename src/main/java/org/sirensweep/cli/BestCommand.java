package org.sirensweep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultTable;
import org.sirensweep.train.Measures;
import org.sirensweep.train.ParetoFront;
import org.sirensweep.train.TrialStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep best}: the best trials of a dataset by one measure, or the trials no other beats on several
 * measures at once (the Pareto front), overall or per value of some settings, with the settings the sweep varied.
 */
@Command(
        name = "best",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Print the best trials of a dataset by a measure, or the Pareto front of several, overall or per "
                + "group of settings.")
public final class BestCommand implements Callable<Integer> {
    private static final String NUMERIC_COLUMNS =
            "psnr_determined, psnr, psnr_affine, psnr_harmonic, gradient_error, laplacian_error, final_loss, train_s, "
                    + ResultTable.PARAMETERS;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetParameter input;

    @Option(
            names = "--metric",
            defaultValue = "psnr_determined",
            description = "A numeric column of the rows, e.g. "
                    + "psnr_determined, psnr, gradient_error, final_loss, parameters. Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(
            names = "--pareto",
            split = ",",
            paramLabel = "MEASURE",
            description =
                    "Instead of --metric: the trials no other beats on all of these measures at once, each in "
                            + "its usual direction, e.g. psnr_determined,train_s (training seconds) or psnr_determined,parameters.")
    List<String> pareto = new ArrayList<>();

    @Option(
            names = "--by",
            split = ",",
            paramLabel = "SETTING",
            description = "Rank within each value of these "
                    + "settings, e.g. supervision or supervision,batch_size (default: all trials together).")
    List<String> by = new ArrayList<>();

    @Option(names = "--top", defaultValue = "1", description = "Trials shown per group. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--lowest", description = "Lower is better (the default for *_error, final_loss and times).")
    boolean lowest;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        Location dataset = input.folder(cli);
        if (top < 1) {
            throw new CommandLine.ParameterException(cli, "--top must be at least 1, got " + top);
        }
        CommandLine.ParseResult given = cli.getParseResult();
        if (!pareto.isEmpty()) {
            for (String other : List.of("--metric", "--top", "--lowest")) {
                if (given.hasMatchedOption(other)) {
                    throw new CommandLine.ParameterException(
                            cli,
                            "--pareto prints a whole front, each measure in its own direction: leave out " + other);
                }
            }
            if (pareto.size() < 2 || new HashSet<>(pareto).size() != pareto.size()) {
                throw new CommandLine.ParameterException(
                        cli,
                        "--pareto needs two or more different measures, e.g. psnr_determined,train_s; got " + pareto);
            }
        }
        List<Map<String, Object>> rows = ResultTable.scalars(dataset).stream()
                .map(BestCommand::withParameters)
                .toList();
        if (rows.isEmpty()) {
            throw new CommandLine.ParameterException(cli, "DATASET " + dataset + " holds no rows");
        }
        Map<String, Object> first = rows.get(0);
        List<String> measures = pareto.isEmpty() ? List.of(metric) : pareto;
        for (String measure : measures) {
            if (!first.containsKey(measure)
                    || first.get(measure) instanceof String
                    || first.get(measure) instanceof Boolean) {
                throw new CommandLine.ParameterException(
                        cli,
                        (pareto.isEmpty() ? "--metric" : "--pareto") + ": '" + measure
                                + "' is not a numeric column (try " + NUMERIC_COLUMNS + ")");
            }
        }
        for (String setting : by) {
            if (!first.containsKey(setting)) {
                throw new CommandLine.ParameterException(
                        cli,
                        "--by: '" + setting + "' is not a column (settings: " + String.join(", ", ResultTable.SETTINGS)
                                + ")");
            }
        }
        List<Map<String, Object>> ranked = rows.stream()
                .filter(r -> TrialStatus.OK.id().equals(r.get("status"))
                        && measures.stream()
                                .allMatch(m -> r.get(m) instanceof Number n && Double.isFinite(n.doubleValue())))
                .toList();
        Map<List<Object>, List<Map<String, Object>>> groups = ranked.stream()
                .collect(Collectors.groupingBy(
                        r -> by.stream().map(r::get).toList(), LinkedHashMap::new, Collectors.toList()));
        List<String> varied = ResultTable.SETTINGS.stream()
                .filter(s -> !by.contains(s)
                        && first.containsKey(s)
                        && rows.stream().map(r -> r.get(s)).distinct().count() > 1)
                .toList();

        PrintWriter out = cli.getOut();
        List<String> header = new ArrayList<>(by);
        List<List<String>> table = new ArrayList<>();
        if (pareto.isEmpty()) {
            boolean lowerIsBetter = lowest || Measures.lowerIsBetter(metric);
            out.printf(
                    "%s: %d rows, %d ok; best by %s (%s is better)%s%n",
                    dataset, rows.size(), ranked.size(), metric, lowerIsBetter ? "lower" : "higher", per());
            header.addAll(List.of("rank", metric, "trial_id"));
            Comparator<Map<String, Object>> order = Comparator.comparingDouble(r -> value(r, metric));
            order = lowerIsBetter ? order : order.reversed();
            for (List<Map<String, Object>> group : groups.values()) {
                List<Map<String, Object>> winners =
                        group.stream().sorted(order).limit(top).toList();
                for (int i = 0; i < winners.size(); i++) {
                    table.add(line(winners.get(i), String.valueOf(i + 1), List.of(metric), varied));
                }
            }
        } else {
            List<ParetoFront.Measure<Map<String, Object>>> front = pareto.stream()
                    .map(m -> ParetoFront.Measure.<Map<String, Object>>of(m, r -> value(r, m)))
                    .toList();
            ParetoFront.Measure<Map<String, Object>> lead = front.get(0);
            Comparator<Map<String, Object>> order = Comparator.comparingDouble(r -> value(r, lead.name()));
            order = lead.lowerIsBetter() ? order : order.reversed();
            List<List<String>> lines = new ArrayList<>();
            for (List<Map<String, Object>> group : groups.values()) {
                List<Map<String, Object>> members =
                        ParetoFront.of(group, front).stream().sorted(order).toList();
                for (int i = 0; i < members.size(); i++) {
                    lines.add(line(members.get(i), String.valueOf(i + 1), pareto, varied));
                }
            }
            out.printf(
                    "%s: %d rows, %d ok; the Pareto front of %s%s: %d trials no other beats on all at once%n",
                    dataset,
                    rows.size(),
                    ranked.size(),
                    front.stream()
                            .map(m -> m.name() + " (" + (m.lowerIsBetter() ? "lower" : "higher") + " is better)")
                            .collect(Collectors.joining(", ")),
                    per(),
                    lines.size());
            header.add("#");
            header.addAll(pareto);
            header.add("trial_id");
            table = lines;
        }
        header.addAll(varied);
        Tables.print(header, table, out);
        out.flush();
        return 0;
    }

    private String per() {
        return by.isEmpty() ? "" : ", per " + String.join(", ", by);
    }

    /** A table line: the group's settings, the position, the measures' values, the trial and its varied settings. */
    private List<String> line(Map<String, Object> r, String position, List<String> measures, List<String> varied) {
        List<String> line =
                new ArrayList<>(by.stream().map(s -> Objects.toString(r.get(s))).toList());
        line.add(position);
        measures.forEach(m ->
                line.add(r.get(m) instanceof Long count ? String.valueOf(count) : String.format("%.4g", value(r, m))));
        line.add((String) r.get("trial_id"));
        varied.forEach(s -> line.add(Objects.toString(r.get(s))));
        return line;
    }

    private static double value(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).doubleValue();
    }

    /** The row with its network's parameter count as a column ({@link ResultTable#parameters}). */
    private static Map<String, Object> withParameters(Map<String, Object> row) {
        Map<String, Object> with = new LinkedHashMap<>(row);
        with.put(ResultTable.PARAMETERS, ResultTable.parameters(row));
        return with;
    }
}
