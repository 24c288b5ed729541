package org.sirensweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sirensweep.cli.CliRun;
import org.sirensweep.cli.RunCommand;

/**
 * A real dataset for the report's tests, made once per test class by a tiny sweep on Spark's local mode: 12 trials
 * of 16² at width 16 (vanilla, gradient and Laplacian, full batch and 64 points, half of them failing by an injected
 * fault), successive halving with a rung at epoch 10 (3 trials stop there, 3 go on to 20), renders at 32².
 */
final class ReportDatasets {
    static final int TRIALS = 12;
    static final int FAILED = 6;
    static final int STOPPED = 3;

    private ReportDatasets() {}

    /** Runs the sweep into {@code dir}/dataset; returns the sweep file (the dataset is beside it). */
    static Path make(Path dir) throws IOException {
        Path sweep = dir.resolve("report.yaml");
        Files.writeString(sweep, """
                name: report
                description: Statuses, rungs and upscale renders for the report's tests.
                settings: {image: CAMERA, resolution: 16, width: 16, depth: 1, omega0: 10, lr: 1e-2}
                grid: {supervision: [vanilla, gradient, laplacian], batch_size: [full, 64], inject_fault: [none, always]}
                evaluation: {render_sizes: [32], curve_interval: 5}
                early_stopping: {grace_epochs: 10, reduction_factor: 2, max_epochs: 20, by: [supervision]}
                """.replace(
                        "CAMERA", Path.of("data/camera.png").toAbsolutePath().toString()));
        CliRun run =
                CliRun.here("run", sweep.toString(), "--output", dataset(dir).toString(), "--master", "local[2]");
        assertEquals(RunCommand.SOME_FAILED, run.exit(), run.out() + run.err());
        return sweep;
    }

    static Path dataset(Path dir) {
        return dir.resolve("dataset");
    }

    /** The data a report page draws from: the JSON inlined in it. */
    static JsonNode data(Path page) throws IOException {
        String html = Files.readString(page);
        String open = "<script type=\"application/json\" id=\"report-data\">";
        int start = html.indexOf(open) + open.length();
        return new ObjectMapper().readTree(html.substring(start, html.indexOf("</script>", start)));
    }

    /** Copies dataset {@code from} (its marker and rows) to {@code to}, leaving out {@code leftOut}'s row. */
    static void copy(Path from, Path to, String leftOut) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".parquet") && !name.startsWith(leftOut) || name.equals("_sweep.json")) {
                    Files.copy(file, to.resolve(name));
                }
            }
        }
    }
}
