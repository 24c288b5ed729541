package org.sirensweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.image.Supervision;
import org.sirensweep.sweep.Scheduler.Decision;
import org.sirensweep.sweep.Scheduler.Plan;
import org.sirensweep.sweep.Scheduler.Standing;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;

/**
 * Successive halving's schedule, from standings alone: who trains to each rung, who stops there, who goes on, and a
 * driver that comes back mid-rung (some rows and checkpoints written, others not) planning exactly what is missing.
 */
class SuccessiveHalvingTest {
    @TempDir
    Path dir;

    private Sweep sweep(String metric) throws IOException, SweepFileException {
        Path file = dir.resolve("sh.yaml");
        Files.writeString(file, """
                name: sh
                settings: {image: CAMERA, resolution: 16, width: 8, depth: 1}
                grid: {supervision: [vanilla, gradient]}
                sample:
                  trials: 7
                  lr: loguniform(1e-5, 1e-2)
                early_stopping: {metric: METRIC, grace_epochs: 10, reduction_factor: 3, max_epochs: 100,
                                 by: [supervision]}
                """.replace(
                "CAMERA", Path.of("data/camera.png").toAbsolutePath().toString()).replace("METRIC", metric));
        return SweepFile.read(file, 100);
    }

    /** A curve with a sample at each of {@code epochs} whose every measure is {@code value}. */
    private static List<CurvePoint> curve(double value, int... epochs) {
        List<CurvePoint> points = new ArrayList<>();
        for (int epoch : epochs) {
            points.add(new CurvePoint(epoch, epoch, value, new Measures(value, value, value, value, value), epoch));
        }
        return points;
    }

    private static Set<String> ids(List<TrialStage> stages, boolean commit, int epoch) {
        return stages.stream()
                .filter(s -> s.commit() == commit && s.untilEpoch() == epoch)
                .map(s -> s.trial().id())
                .collect(Collectors.toSet());
    }

    private static List<Trial> group(Sweep sweep, Supervision supervision) {
        return sweep.trials().stream()
                .filter(t -> t.settings().supervision() == supervision)
                .toList();
    }

    @Test
    void eachRungKeepsTheBestThirdPerGroupAndAComebackMidRungPlansOnlyWhatIsMissing() throws Exception {
        Sweep sweep = sweep("psnr_determined");
        assertEquals(List.of(10, 30, 90), sweep.earlyStopping().rungs());
        assertEquals(List.of(10, 30, 90), sweep.trials().get(0).settings().rungs());
        assertEquals(100, sweep.trials().get(0).settings().epochs(), "max_epochs sets the trials' epochs");

        Plan first = Scheduler.of(sweep).next(Map.of());
        assertEquals(14, first.stages().size());
        assertEquals(
                ids(first.stages(), false, 10),
                sweep.trials().stream().map(Trial::id).collect(Collectors.toSet()));
        assertEquals(10, first.towardsEpoch());

        // Every trial at rung 10; trial i of each group scores i (higher is better): 5 and 6 go on in each group.
        Map<String, Standing> standings = new HashMap<>();
        for (Supervision supervision : List.of(Supervision.VANILLA, Supervision.GRADIENT)) {
            List<Trial> group = group(sweep, supervision);
            for (int i = 0; i < group.size(); i++) {
                standings.put(group.get(i).id(), new Standing(false, curve(i, 5, 10)));
            }
        }
        Plan second = Scheduler.of(sweep).next(standings);
        assertEquals(List.of(new Decision(10, 14, 4)), second.decisions());
        Set<String> promoted = Set.of(
                group(sweep, Supervision.VANILLA).get(5).id(),
                group(sweep, Supervision.VANILLA).get(6).id(),
                group(sweep, Supervision.GRADIENT).get(5).id(),
                group(sweep, Supervision.GRADIENT).get(6).id());
        assertEquals(promoted, ids(second.stages(), false, 30), "the best two of seven per group train on to 30");
        assertEquals(10, ids(second.stages(), true, 10).size(), "the other ten stop at 10");
        assertTrue(ids(second.stages(), true, 10).stream().noneMatch(promoted::contains));
        assertEquals(14, second.stages().size());

        // The driver was killed mid-rung: three of the stopped trials have their rows, one promoted trial is at 30,
        // another is half-way (a checkpoint at 20), and a third diverged at 25 (a row whose curve ends at 20).
        List<String> losers = new ArrayList<>(ids(second.stages(), true, 10));
        losers.sort(Comparator.naturalOrder());
        for (String id : losers.subList(0, 3)) {
            standings.put(id, new Standing(true, standings.get(id).curve()));
        }
        Trial v5 = group(sweep, Supervision.VANILLA).get(5);
        Trial v6 = group(sweep, Supervision.VANILLA).get(6);
        Trial g5 = group(sweep, Supervision.GRADIENT).get(5);
        Trial g6 = group(sweep, Supervision.GRADIENT).get(6);
        standings.put(v5.id(), new Standing(false, curve(5, 5, 10, 30)));
        standings.put(v6.id(), new Standing(false, curve(6, 5, 10, 20)));
        standings.put(g5.id(), new Standing(true, curve(5, 5, 10, 20)));
        Plan comeback = Scheduler.of(sweep).next(standings);
        assertEquals(
                Set.copyOf(losers.subList(3, losers.size())),
                ids(comeback.stages(), true, 10),
                "only the stopped trials without a row yet commit");
        assertEquals(Set.of(v6.id(), g6.id()), ids(comeback.stages(), false, 30), "only the trials not yet at 30");
        assertEquals(7 + 2, comeback.stages().size());

        // All at 30: of vanilla's two the better goes on; gradient's diverged one is out, its other one goes on alone.
        losers.forEach(
                id -> standings.put(id, new Standing(true, standings.get(id).curve())));
        List<CurvePoint> v6Curve = new ArrayList<>(curve(6, 5, 10)); // as good as before at 10, worse by 30
        v6Curve.addAll(curve(1, 20, 30));
        standings.put(v6.id(), new Standing(false, v6Curve));
        standings.put(g6.id(), new Standing(false, curve(6, 5, 10, 20, 30)));
        Plan third = Scheduler.of(sweep).next(standings);
        assertEquals(List.of(new Decision(10, 14, 4), new Decision(30, 3, 2)), third.decisions());
        assertEquals(Set.of(v6.id()), ids(third.stages(), true, 30), "vanilla's worse one (now 1 against 5) stops");
        assertEquals(Set.of(v5.id(), g6.id()), ids(third.stages(), false, 90));

        // Both at 90, the last rung: a group of one keeps its one; they train to the end, then nothing is left.
        standings.put(v6.id(), new Standing(true, v6Curve));
        standings.put(v5.id(), new Standing(false, curve(5, 5, 10, 30, 90)));
        standings.put(g6.id(), new Standing(false, curve(6, 5, 10, 30, 90)));
        Plan last = Scheduler.of(sweep).next(standings);
        assertEquals(Set.of(v5.id(), g6.id()), ids(last.stages(), true, 100));
        assertEquals(100, last.towardsEpoch());
        standings.put(v5.id(), new Standing(true, curve(5, 5, 10, 30, 90, 100)));
        standings.put(g6.id(), new Standing(true, curve(6, 5, 10, 30, 90, 100)));
        assertTrue(Scheduler.of(sweep).next(standings).stages().isEmpty(), "the sweep is complete");
    }

    @Test
    void errorsRankLowestFirstUnmeasurableTrialsLastAndTiesByTrialId() throws Exception {
        Sweep sweep = sweep("gradient_error");
        List<Trial> vanilla = group(sweep, Supervision.VANILLA);
        Map<String, Standing> standings = new HashMap<>();
        sweep.trials().forEach(t -> standings.put(t.id(), new Standing(false, curve(0.5, 10))));
        standings.put(vanilla.get(3).id(), new Standing(false, curve(0.1, 10)));
        standings.put(vanilla.get(4).id(), new Standing(false, curve(Double.NaN, 10)));
        Set<String> goOn = ids(Scheduler.of(sweep).next(standings).stages(), false, 30);
        String tieWinner = vanilla.stream()
                .filter(t -> t != vanilla.get(3) && t != vanilla.get(4))
                .map(Trial::id)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        List<String> gradientByIds = group(sweep, Supervision.GRADIENT).stream()
                .map(Trial::id)
                .sorted()
                .toList();
        assertEquals(Set.of(vanilla.get(3).id(), tieWinner, gradientByIds.get(0), gradientByIds.get(1)), goOn);
    }

    @Test
    void theExpectedStepsCountEachRungsSurvivors() throws Exception {
        Sweep sweep = sweep("psnr");
        // 16² full batch: one step an epoch. Per group of 7: 7·10 + 2·20 + 1·60 + 1·10 epochs; two groups.
        assertEquals(2 * (7 * 10 + 2 * 20 + 60 + 10), Scheduler.of(sweep).expectedSteps());
        assertEquals(1400, sweep.totalSteps());
    }
}
