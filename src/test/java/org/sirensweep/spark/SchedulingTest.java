package org.sirensweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.Trial;
import org.sirensweep.sweep.TrialStage;

/** A sweep's tasks start with the most work: the slow trials are not the ones left running at the end. */
class SchedulingTest {
    @TempDir
    Path dir;

    @Test
    void tasksStartLongestFirst() throws Exception {
        Path file = dir.resolve("mixed.yaml");
        Files.writeString(file, """
                name: mixed
                settings: {image: IMG, resolution: 16, epochs: 10}
                grid: {supervision: [vanilla, laplacian, gradient], width: [8, 32], batch_size: [full, 64]}
                """.replace(
                        "IMG", Path.of("data/camera.png").toAbsolutePath().toString()));
        Sweep sweep = SweepFile.read(file, 100);
        List<Trial> order =
                SweepPlan.longestFirst(sweep.trials().stream()
                                .map(t -> List.of(TrialStage.whole(t)))
                                .toList())
                        .stream()
                        .map(pack -> pack.get(0).trial())
                        .toList();
        // Batches of 64 at 16² are 4 steps an epoch over the same points: the same work as the full batch.
        assertEquals(
                List.of(
                        "laplacian/32",
                        "laplacian/32",
                        "gradient/32",
                        "gradient/32",
                        "vanilla/32",
                        "vanilla/32",
                        "laplacian/8",
                        "laplacian/8",
                        "gradient/8",
                        "gradient/8",
                        "vanilla/8",
                        "vanilla/8"),
                order.stream()
                        .map(t -> t.settings().supervision().id() + "/"
                                + t.settings().width())
                        .toList());
    }
}
