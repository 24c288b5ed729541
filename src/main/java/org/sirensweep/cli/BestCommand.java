package org.sirensweep.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultTable;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siren-sweep best}: the best trials of a dataset by one measure, overall or per value of some settings, with
 * the settings the sweep varied.
 */
@Command(
        name = "best",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Print the best trials of a dataset by a measure, overall or per group of settings.")
public final class BestCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetParameter input;

    @Option(
            names = "--metric",
            defaultValue = "psnr_determined",
            description = "A numeric column of the rows, e.g. "
                    + "psnr_determined, psnr, gradient_error, final_loss. Default: ${DEFAULT-VALUE}.")
    String metric;

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
        List<Map<String, Object>> rows = ResultTable.scalars(dataset);
        if (rows.isEmpty()) {
            throw new CommandLine.ParameterException(cli, "DATASET " + dataset + " holds no rows");
        }
        Map<String, Object> first = rows.get(0);
        if (!first.containsKey(metric) || first.get(metric) instanceof String || first.get(metric) instanceof Boolean) {
            throw new CommandLine.ParameterException(
                    cli,
                    "--metric: '" + metric + "' is not a numeric column (try "
                            + "psnr_determined, psnr, psnr_affine, psnr_harmonic, gradient_error, laplacian_error, final_loss)");
        }
        for (String setting : by) {
            if (!first.containsKey(setting)) {
                throw new CommandLine.ParameterException(
                        cli,
                        "--by: '" + setting + "' is not a column (settings: " + String.join(", ", ResultTable.SETTINGS)
                                + ")");
            }
        }
        boolean lowerIsBetter = lowest || Measures.lowerIsBetter(metric);
        List<Map<String, Object>> ranked = rows.stream()
                .filter(r -> TrialStatus.OK.id().equals(r.get("status"))
                        && r.get(metric) instanceof Number n
                        && Double.isFinite(n.doubleValue()))
                .toList();
        Comparator<Map<String, Object>> order = Comparator.comparingDouble(r -> ((Number) r.get(metric)).doubleValue());
        order = lowerIsBetter ? order : order.reversed();
        Map<List<Object>, List<Map<String, Object>>> groups = ranked.stream()
                .collect(Collectors.groupingBy(
                        r -> by.stream().map(r::get).toList(), LinkedHashMap::new, Collectors.toList()));
        List<String> varied = ResultTable.SETTINGS.stream()
                .filter(s -> !by.contains(s)
                        && first.containsKey(s)
                        && rows.stream().map(r -> r.get(s)).distinct().count() > 1)
                .toList();

        PrintWriter out = cli.getOut();
        out.printf(
                "%s: %d rows, %d ok; best by %s (%s is better)%s%n",
                dataset,
                rows.size(),
                ranked.size(),
                metric,
                lowerIsBetter ? "lower" : "higher",
                by.isEmpty() ? "" : ", per " + String.join(", ", by));
        List<String> header = new ArrayList<>(by);
        header.addAll(List.of("rank", metric, "trial_id"));
        header.addAll(varied);
        List<List<String>> table = new ArrayList<>();
        for (List<Map<String, Object>> group : groups.values()) {
            List<Map<String, Object>> winners =
                    group.stream().sorted(order).limit(top).toList();
            for (int i = 0; i < winners.size(); i++) {
                Map<String, Object> r = winners.get(i);
                List<String> line = new ArrayList<>(
                        by.stream().map(s -> Objects.toString(r.get(s))).toList());
                line.addAll(List.of(
                        String.valueOf(i + 1), String.format("%.4g", ((Number) r.get(metric)).doubleValue()), (String)
                                r.get("trial_id")));
                varied.forEach(s -> line.add(Objects.toString(r.get(s))));
                table.add(line);
            }
        }
        Tables.print(header, table, out);
        out.flush();
        return 0;
    }
}
