package org.sirensweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which trials share a task: equal shapes only, the sizes {@code pack:} asks for ({@code auto}: where packing pays
 * on the backend), and never more than memory allows.
 */
public class TrialPacksTest {
    @TempDir
    Path dir;

    private static final String CAMERA =
            Path.of("data/camera.png").toAbsolutePath().toString();

    /** 2 supervision types × {@code batchSizes} × 5 seeds at 32², width 32, with {@code pack} and a memory bound. */
    private Sweep sweep(String batchSizes, String pack, long taskBytes) throws IOException, SweepFileException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(
                file, """
                name: packs
                settings: {image: CAMERA, resolution: 32, epochs: 2, width: 32}
                grid:
                  supervision: [vanilla, laplacian]
                  batch_size: BATCHES
                  seed: [0, 1, 2, 3, 4]
                pack: PACK
                """.replace("CAMERA", CAMERA).replace("PACK", pack).replace("BATCHES", batchSizes));
        return SweepFile.read(file, 100, taskBytes, "test");
    }

    /** The packs of the sweep's first stages, for one GPU task at a time. */
    private static List<List<TrialStage>> packs(Sweep sweep) {
        return packs(sweep, true);
    }

    private static List<List<TrialStage>> packs(Sweep sweep, boolean gpu) {
        return packs(sweep, new TaskSlots(gpu, 1));
    }

    private static List<List<TrialStage>> packs(Sweep sweep, TaskSlots slots) {
        return TrialPacks.form(Scheduler.of(sweep).next(Map.of()).stages(), sweep, slots);
    }

    private static List<Integer> sizes(List<List<TrialStage>> packs) {
        return packs.stream().map(List::size).toList();
    }

    @Test
    void autoPacksSmallStepsOfEqualShapeOnlyOnAGpu() throws Exception {
        List<List<TrialStage>> packs = packs(sweep("[64, full]", "auto", Long.MAX_VALUE));
        // 64-point steps pack (5 seeds each); full batches (1,024 points) run alone.
        assertEquals(List.of(5, 1, 1, 1, 1, 1, 5, 1, 1, 1, 1, 1), sizes(packs));
        for (List<TrialStage> pack : packs) {
            var first = pack.get(0).trial().settings();
            for (TrialStage stage : pack) {
                assertEquals(first.supervision(), stage.trial().settings().supervision());
                assertEquals(first.batchSize(), stage.trial().settings().batchSize());
            }
        }
        assertEquals(20, packs.stream().mapToInt(List::size).sum(), "every trial exactly once");
    }

    @Test
    void autoPacksOnlySmallValueStepsOnACpu() throws Exception {
        Sweep sweep = sweep("[64, full]", "auto", Long.MAX_VALUE);
        // Vanilla at 64 points packs; vanilla full batches and every Laplacian trial run alone.
        assertEquals(List.of(5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), sizes(packs(sweep, false)));
        assertEquals(
                "vanilla",
                packs(sweep, false)
                        .get(0)
                        .get(0)
                        .trial()
                        .settings()
                        .supervision()
                        .id());
    }

    @Test
    void aGivenSizeIsAnUpperBoundAndOffRunsEachAlone() throws Exception {
        for (boolean gpu : new boolean[] {true, false}) {
            assertEquals(
                    List.of(2, 2, 1, 2, 2, 1, 2, 2, 1, 2, 2, 1),
                    sizes(packs(sweep("[64, full]", "2", Long.MAX_VALUE), gpu)));
            assertEquals(
                    20, packs(sweep("[64, full]", "off", Long.MAX_VALUE), gpu).size());
        }
    }

    @Test
    void packsAreSplitUntilEveryTaskSlotHasOne() throws Exception {
        Sweep sweep = sweep("[64]", "auto", Long.MAX_VALUE);
        // On a GPU the two groups of 5 form two packs; with 4 slots the larger packs are halved until 4 exist.
        assertEquals(List.of(5, 5), sizes(packs(sweep, new TaskSlots(true, 2))));
        assertEquals(List.of(3, 2, 3, 2), sizes(packs(sweep, new TaskSlots(true, 4))));
        // On a CPU the vanilla trials pack and the Laplacian ones run alone: six tasks, enough for 2 slots; 7 slots
        // split the pack.
        assertEquals(List.of(5, 1, 1, 1, 1, 1), sizes(packs(sweep, new TaskSlots(false, 2))));
        assertEquals(List.of(3, 2, 1, 1, 1, 1, 1), sizes(packs(sweep, new TaskSlots(false, 7))));
        List<List<TrialStage>> many = packs(sweep("[64]", "5", Long.MAX_VALUE), new TaskSlots(false, 20));
        assertEquals(10, many.size(), "more slots than trials: every trial alone");
        for (int slots = 1; slots <= 12; slots++) {
            List<List<TrialStage>> packs = packs(sweep, new TaskSlots(true, slots));
            assertEquals(Math.max(2, Math.min(slots, 10)), packs.size(), slots + " slots");
            assertEquals(10, packs.stream().mapToInt(List::size).sum(), "every trial exactly once");
            for (List<TrialStage> pack : packs) {
                assertEquals(
                        1,
                        pack.stream()
                                .map(st -> st.trial().settings().supervision())
                                .distinct()
                                .count());
            }
        }
    }

    @Test
    void packsAreCutToWhatAnExecutorGivesATask() throws Exception {
        Sweep unbounded = sweep("[64]", "auto", Long.MAX_VALUE);
        Trial laplacian64 = unbounded.trials().stream()
                .filter(t -> t.settings().supervision().id().equals("laplacian")
                        && t.settings().batchSize() == 64)
                .findFirst()
                .orElseThrow();
        long three = unbounded.packBytes(laplacian64, 3);
        assertTrue(three < unbounded.packBytes(laplacian64, 4), "a pack's bytes grow with its size");
        assertTrue(unbounded.packBytes(laplacian64, 1) < three);

        // Room for exactly three Laplacian trials: the Laplacian pack of 5 splits 3 + 2, and the vanilla packs,
        // whose trials are smaller, may stay larger.
        Sweep bounded = sweep("[64]", "auto", three);
        List<List<TrialStage>> packs = packs(bounded);
        for (List<TrialStage> pack : packs) {
            assertTrue(bounded.packBytes(pack.get(0).trial(), pack.size()) <= three, "every pack fits");
        }
        List<Integer> laplacianSizes = packs.stream()
                .filter(p -> p.get(0).trial().settings().supervision().id().equals("laplacian")
                        && p.get(0).trial().settings().batchSize() == 64)
                .map(List::size)
                .toList();
        assertEquals(List.of(3, 2), laplacianSizes);
        assertEquals(10, packs.stream().mapToInt(List::size).sum(), "every trial exactly once");
    }
}
