package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;

/** Training reaches a PSNR well above a constant image's, per supervision type, and is reproducible from its seed. */
class TrainerTest {
    private static PixelImage camera;
    private static PixelImage blob;

    @BeforeAll
    static void loadImages() throws Exception {
        camera = TrainingImage.load(Path.of("data/camera.png"), 32);
        // A smooth blob on a flat background: the Laplacian determines it up to an offset (a harmonic ramp, which
        // the affine fit cannot remove, would be the only other freedom, and the flat border leaves none).
        int n = 32;
        double[] plane = new double[n * n];
        double[] xy = org.sirensweep.image.TrainingTargets.coordinates(n, n);
        for (int p = 0; p < plane.length; p++) {
            double r2 = xy[2 * p] * xy[2 * p] + xy[2 * p + 1] * xy[2 * p + 1];
            plane[p] = 0.2 + 0.6 * Math.exp(-r2 / (2 * 0.3 * 0.3));
        }
        blob = PixelImage.ofChannels(n, n, plane);
    }

    /** PSNR of the best constant image (the mean): what "learned nothing" scores. */
    private static double constantPsnr(PixelImage image) {
        double mean = java.util.Arrays.stream(image.samples()).average().orElseThrow();
        double mse = java.util.Arrays.stream(image.samples())
                .map(s -> (s - mean) * (s - mean))
                .average()
                .orElseThrow();
        return Evaluation.psnr(mse);
    }

    private static TrainingResult train(
            PixelImage image,
            Supervision supervision,
            int epochs,
            int batchSize,
            boolean shuffle,
            double lr,
            double omega0,
            long seed) {
        // Small images need a lower omega0 than the paper's 30 (tuned for 256 px) or derivative supervision aliases.
        Siren net = Siren.initialise(SirenConfig.forImage(1, 64, 3, omega0), seed, DataType.FLOAT);
        return Trainer.train(
                net,
                image,
                new TrainingConfig(supervision, epochs, batchSize, shuffle, lr, seed, Math.max(1, epochs / 5)),
                TrainingProgress.NONE);
    }

    private static TrainingResult train(
            Supervision supervision, int epochs, int batchSize, boolean shuffle, double lr, long seed) {
        return train(camera, supervision, epochs, batchSize, shuffle, lr, 30, seed);
    }

    @ParameterizedTest
    @CsvSource({
        "VANILLA, camera, 300, 10, 18",
        "GRADIENT, camera, 300, 5, 10",
        "COMBINED, camera, 300, 5, 10",
        "LAPLACIAN, blob, 300, 5, 5"
    })
    void eachSupervisionLearnsTheImage(
            Supervision supervision, String imageName, int epochs, double omega0, double marginDb) {
        PixelImage image = imageName.equals("blob") ? blob : camera;
        TrainingResult result = train(image, supervision, epochs, 0, false, 1e-3, omega0, 0);
        assertEquals(TrialStatus.OK, result.status());
        double psnr = supervision.needsValues() && supervision != Supervision.COMBINED
                ? result.measures().psnr()
                : result.measures().psnrAffine();
        double floor = constantPsnr(image);
        assertTrue(psnr > floor + marginDb, supervision + ": PSNR " + psnr + " dB vs constant image " + floor + " dB");
        assertTrue(result.finalLoss() < result.curve().get(0).loss(), "loss kept falling after the first curve sample");
        // The derivative the supervision trains on comes closer to its target along the curve.
        Measures first = result.curve().get(0).measures();
        Measures last = result.measures();
        if (supervision.needsGradient()) {
            assertTrue(last.gradientError() < first.gradientError(), first + " -> " + last);
        }
        if (supervision.needsLaplacian()) {
            assertTrue(last.laplacianError() < first.laplacianError(), first + " -> " + last);
        }
    }

    @Test
    void sameSeedGivesTheSameBitsAndAnotherSeedDoesNot() {
        TrainingResult a = train(Supervision.VANILLA, 6, 1000, true, 1e-4, 7);
        TrainingResult b = train(Supervision.VANILLA, 6, 1000, true, 1e-4, 7);
        TrainingResult c = train(Supervision.VANILLA, 6, 1000, true, 1e-4, 8);
        assertEquals(
                a.curve().stream().map(CurvePoint::loss).toList(),
                b.curve().stream().map(CurvePoint::loss).toList());
        // assertArrayEquals on floats compares bits; INDArray.equals would allow a tolerance
        assertArrayEquals(
                a.network().parameters().toFloatVector(),
                b.network().parameters().toFloatVector());
        assertNotEquals(a.curve().get(0).loss(), c.curve().get(0).loss());
    }

    /**
     * Checkpoints kept in memory, saving at every epoch (or, with a zero interval, only when the trainer must);
     * "kills" the training (throws) after saving epoch {@code killAt}.
     */
    static final class MemoryCheckpoints implements Checkpoints {
        private final int killAt;
        private final Duration interval;
        TrainingState saved;
        private int saves;

        MemoryCheckpoints(int killAt) {
            this(killAt, Duration.ofNanos(1));
        }

        MemoryCheckpoints(int killAt, Duration interval) {
            this.killAt = killAt;
            this.interval = interval;
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public Optional<TrainingState> load() {
            return Optional.ofNullable(saved);
        }

        @Override
        public void save(TrainingState state) {
            saved = state;
            saves++;
            if (state.epoch() == killAt) {
                throw new IllegalStateException("killed after epoch " + killAt);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"GRADIENT, 128, true", "VANILLA, 0, false", "LAPLACIAN, 300, false"})
    void aTrainingResumedFromItsCheckpointEndsBitForBitAsOneThatNeverStopped(
            Supervision supervision, int batchSize, boolean shuffle) {
        int epochs = 9;
        TrainingConfig config = new TrainingConfig(supervision, epochs, batchSize, shuffle, 1e-3, 5, 2);
        SirenConfig shape = SirenConfig.forImage(1, 32, 2, 10);
        TrainingResult whole =
                Trainer.train(Siren.initialise(shape, 5, DataType.FLOAT), camera, config, TrainingProgress.NONE);

        MemoryCheckpoints checkpoints = new MemoryCheckpoints(4);
        assertThrows(
                IllegalStateException.class,
                () -> Trainer.train(
                        Siren.initialise(shape, 5, DataType.FLOAT),
                        camera,
                        config,
                        TrainingProgress.NONE,
                        checkpoints));
        assertEquals(4, checkpoints.saves);
        long savedStep = checkpoints.saved.step();
        TrainingResult resumed = Trainer.train(
                Siren.initialise(shape, 5, DataType.FLOAT), camera, config, TrainingProgress.NONE, checkpoints);

        assertEquals(savedStep, resumed.resumedFromStep());
        assertEquals(0, whole.resumedFromStep());
        assertEquals(whole.steps(), resumed.steps());
        assertArrayEquals(
                whole.network().parameters().toFloatVector(),
                resumed.network().parameters().toFloatVector());
        assertEquals(
                whole.curve().stream()
                        .map(p -> List.of(p.step(), p.epoch(), p.loss(), p.measures()))
                        .toList(),
                resumed.curve().stream()
                        .map(p -> List.of(p.step(), p.epoch(), p.loss(), p.measures()))
                        .toList());
        assertEquals(whole.finalLoss(), resumed.finalLoss());
        assertEquals(8, checkpoints.saves, "a save after every epoch but the last");
    }

    @Test
    void aTrainingPausedAtRungsAndContinuedEndsBitForBitAsOneInOneGo() {
        // Rungs at epochs 3 and 6 (samples there whatever the interval of 4), batches of 200 shuffled.
        TrainingConfig config = new TrainingConfig(
                Supervision.GRADIENT, 9, 200, true, 1e-3, 7, 4, TargetScales.SIREN_JAX, List.of(3, 6));
        SirenConfig shape = SirenConfig.forImage(1, 16, 2, 10);
        TrainingResult whole =
                Trainer.train(Siren.initialise(shape, 7, DataType.FLOAT), camera, config, TrainingProgress.NONE);
        assertEquals(
                List.of(3, 4, 6, 8, 9),
                whole.curve().stream().map(CurvePoint::epoch).toList());

        MemoryCheckpoints checkpoints = new MemoryCheckpoints(-1, Duration.ZERO); // no periodic saves
        TrainingResult atThree = Trainer.train(
                Siren.initialise(shape, 7, DataType.FLOAT), camera, config, TrainingProgress.NONE, checkpoints, 3);
        assertEquals(TrialStatus.STOPPED, atThree.status());
        assertEquals(1, checkpoints.saves, "a pause saves its state whatever the interval");
        assertEquals(3, checkpoints.saved.epoch());
        assertEquals(3, atThree.curve().get(atThree.curve().size() - 1).epoch());
        // Asked again to end at 3 (a trial stopped at its rung): no epoch runs, the network is the saved one.
        TrainingResult stoppedThere = Trainer.train(
                Siren.initialise(shape, 7, DataType.FLOAT), camera, config, TrainingProgress.NONE, checkpoints, 3);
        assertEquals(TrialStatus.STOPPED, stoppedThere.status());
        assertEquals(atThree.steps(), stoppedThere.steps());
        assertEquals(atThree.finalLoss(), stoppedThere.finalLoss());
        assertArrayEquals(
                atThree.network().parameters().toFloatVector(),
                stoppedThere.network().parameters().toFloatVector());
        assertEquals(1, checkpoints.saves, "nothing new to save");

        Trainer.train(
                Siren.initialise(shape, 7, DataType.FLOAT), camera, config, TrainingProgress.NONE, checkpoints, 6);
        TrainingResult end = Trainer.train(
                Siren.initialise(shape, 7, DataType.FLOAT), camera, config, TrainingProgress.NONE, checkpoints, 9);
        assertEquals(TrialStatus.OK, end.status());
        assertEquals(2, checkpoints.saves, "the end is not a pause");
        assertArrayEquals(
                whole.network().parameters().toFloatVector(),
                end.network().parameters().toFloatVector());
        assertEquals(
                whole.curve().stream()
                        .map(p -> List.of(p.step(), p.epoch(), p.loss(), p.measures()))
                        .toList(),
                end.curve().stream()
                        .map(p -> List.of(p.step(), p.epoch(), p.loss(), p.measures()))
                        .toList());
        assertEquals(6, checkpoints.saved.epoch());
        assertThrows(
                IllegalStateException.class,
                () -> Trainer.train(
                        Siren.initialise(shape, 7, DataType.FLOAT),
                        camera,
                        config,
                        TrainingProgress.NONE,
                        checkpoints,
                        3),
                "a saved state past the end asked for");
    }

    @Test
    void aShuffledEpochsBatchesDependOnlyOnTheSeedAndTheEpoch() {
        BatchSchedule running = new BatchSchedule(50, 8, true, 3);
        for (int epoch = 1; epoch <= 4; epoch++) {
            running.beginEpoch(epoch);
        }
        BatchSchedule fresh = new BatchSchedule(50, 8, true, 3);
        fresh.beginEpoch(4);
        BatchSchedule previous = new BatchSchedule(50, 8, true, 3);
        previous.beginEpoch(3);
        int[] a = order(running);
        assertArrayEquals(a, order(fresh));
        assertFalse(java.util.Arrays.equals(a, order(previous)), "epochs 3 and 4 drew the same permutation");
    }

    private static int[] order(BatchSchedule schedule) {
        int[] order = new int[50];
        int k = 0;
        for (int b = 0; b < schedule.batches(); b++) {
            for (int i = 0; i < schedule.batchSize(b); i++) {
                order[k++] = schedule.point(b, i);
            }
        }
        return order;
    }

    @Test
    void minibatchesFollowArraySplitAndCoverEveryPointOncePerEpoch() {
        BatchSchedule schedule = new BatchSchedule(10, 4, true, 1);
        assertEquals(3, schedule.batches()); // array_split(10, 3) -> 4, 3, 3
        assertEquals(4, schedule.batchSize(0));
        assertEquals(3, schedule.batchSize(2));
        schedule.beginEpoch(1);
        boolean[] seen = new boolean[10];
        for (int b = 0; b < schedule.batches(); b++) {
            for (int i = 0; i < schedule.batchSize(b); i++) {
                int p = schedule.point(b, i);
                assertTrue(!seen[p], "point " + p + " twice");
                seen[p] = true;
            }
        }
        BatchSchedule contiguous = new BatchSchedule(10, 4, false, 1);
        contiguous.beginEpoch(1);
        assertEquals(4, contiguous.point(1, 0));
    }

    /**
     * A pack of three Laplacian trainings of {@code epochs} at batches of 256, each with its own learning rate, seed
     * and shuffle; the third diverges (as in the test below); curve samples every 4 epochs and at 10.
     */
    static TrainingConfig[] packWithOneDiverging(int epochs) {
        return new TrainingConfig[] {
            new TrainingConfig(
                    Supervision.LAPLACIAN, epochs, 256, true, 1e-3, 3, 4, TargetScales.SIREN_JAX, List.of(10)),
            new TrainingConfig(
                    Supervision.LAPLACIAN, epochs, 256, false, 3e-4, 4, 4, TargetScales.SIREN_JAX, List.of(10)),
            new TrainingConfig(
                    Supervision.LAPLACIAN, epochs, 256, true, 1e3, 5, 4, TargetScales.SIREN_JAX, List.of(10)),
        };
    }

    @Test
    void aPackTrainsEachMemberBitForBitAsAloneAndOneThatDivergesEndsWithoutTheOthers() {
        SirenConfig shape = SirenConfig.forImage(1, 16, 2, 10);
        int epochs = 30;
        TrainingConfig[] configs = packWithOneDiverging(epochs);
        List<TrainingResult> alone = new java.util.ArrayList<>();
        for (int p = 0; p < configs.length; p++) {
            alone.add(Trainer.train(
                    Siren.initialise(shape, 10 + p, DataType.FLOAT), camera, configs[p], TrainingProgress.NONE));
        }
        assertEquals(TrialStatus.DIVERGED, alone.get(2).status());

        List<TrainingResult> packed =
                Trainer.trainPack(members(shape, configs, Checkpoints.NONE, null), camera, epochs);
        assertSameTrainings(alone, packed);

        // Paused as a pack at epoch 10 and continued to the end: the same bits.
        MemoryCheckpoints[] saved = new MemoryCheckpoints[configs.length];
        List<TrainingResult> paused = Trainer.trainPack(members(shape, configs, null, saved), camera, 10);
        assertEquals(TrialStatus.STOPPED, paused.get(0).status());
        assertEquals(10, saved[0].saved.epoch());
        assertSameTrainings(alone, Trainer.trainPack(members(shape, configs, null, saved), camera, epochs));

        // States of different epochs (one member's checkpoint lost): the pack starts over, with the same result.
        MemoryCheckpoints[] uneven = new MemoryCheckpoints[configs.length];
        Trainer.trainPack(members(shape, configs, null, uneven), camera, 10);
        uneven[1].saved = null;
        List<TrainingResult> restarted = Trainer.trainPack(members(shape, configs, null, uneven), camera, epochs);
        assertEquals(0, restarted.get(0).resumedFromStep());
        assertSameTrainings(alone, restarted);
    }

    /**
     * Fresh networks (seeds 10, 11, ...) for {@code configs}, with {@code checkpoints} for all, or else each with a
     * {@link MemoryCheckpoints} kept in {@code kept} (made on first use, reused after).
     */
    static List<Trainer.Member> members(
            SirenConfig shape, TrainingConfig[] configs, Checkpoints checkpoints, MemoryCheckpoints[] kept) {
        List<Trainer.Member> members = new java.util.ArrayList<>();
        for (int p = 0; p < configs.length; p++) {
            if (kept != null && kept[p] == null) {
                kept[p] = new MemoryCheckpoints(-1, Duration.ZERO);
            }
            members.add(new Trainer.Member(
                    Siren.initialise(shape, 10 + p, DataType.FLOAT),
                    configs[p],
                    TrainingProgress.NONE,
                    kept != null ? kept[p] : checkpoints));
        }
        return members;
    }

    private static void assertSameTrainings(List<TrainingResult> expected, List<TrainingResult> actual) {
        assertSameTrainings(expected, actual, 0);
    }

    /**
     * The same trainings bit for bit (weights, statuses, steps, curve measures), their losses to within {@code
     * lossTolerance} relative (0: exactly).
     */
    static void assertSameTrainings(List<TrainingResult> expected, List<TrainingResult> actual, double lossTolerance) {
        assertEquals(expected.size(), actual.size());
        for (int p = 0; p < expected.size(); p++) {
            TrainingResult a = expected.get(p);
            TrainingResult b = actual.get(p);
            String what = "member " + p;
            assertEquals(a.status(), b.status(), what);
            assertEquals(a.steps(), b.steps(), what);
            assertEquals(a.divergedAtStep(), b.divergedAtStep(), what);
            assertClose(a.finalLoss(), b.finalLoss(), lossTolerance, what + ": final loss");
            assertArrayEquals(
                    a.network().parameters().toFloatVector(),
                    b.network().parameters().toFloatVector(),
                    what);
            assertEquals(a.curve().size(), b.curve().size(), what);
            for (int i = 0; i < a.curve().size(); i++) {
                CurvePoint x = a.curve().get(i);
                CurvePoint y = b.curve().get(i);
                assertEquals(
                        List.of(x.step(), x.epoch(), x.measures()),
                        List.of(y.step(), y.epoch(), y.measures()),
                        what + ", curve sample " + i);
                assertClose(x.loss(), y.loss(), lossTolerance, what + ", curve sample " + i);
            }
        }
    }

    private static void assertClose(double expected, double actual, double tolerance, String what) {
        if (tolerance == 0 || !Double.isFinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, Math.abs(expected) * tolerance, what);
        }
    }

    @Test
    void aDivergingTrainingStopsWithItsStepRecorded() {
        TrainingResult result = train(Supervision.LAPLACIAN, 200, 0, false, 1e3, 0);
        assertEquals(TrialStatus.DIVERGED, result.status());
        assertTrue(result.divergedAtStep() >= 1 && result.divergedAtStep() <= 200, "step " + result.divergedAtStep());
        assertEquals(result.divergedAtStep() - 1, result.steps());
    }
}
