package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.HostDevice;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;

/**
 * The GPU's training path ({@link DevicePackSteps}: device arrays, strided-batched products, the kernels, the loss
 * and Adam on the device, the step recorded as a graph and replayed, the losses read back once a run) on a stand-in
 * device that runs the kernels built for the CPU and makes each product as the CPU engine does ({@link HostDevice}):
 * it must end every training with the CPU engine's bits (weights, curve measures, divergence), its losses equal to
 * float64 rounding (its sums run in another fixed order). What a real GPU changes is only its products' rounding.
 */
class DeviceTrainingTest {
    private static PixelImage camera;
    private static PixelImage astronaut;

    @BeforeAll
    static void loadImages() throws Exception {
        camera = TrainingImage.load(Path.of("data/camera.png"), 32);
        astronaut = TrainingImage.load(Path.of("data/astronaut.png"), 20);
    }

    @ParameterizedTest(name = "{0}, batches of {1}, shuffled {2}, {3}")
    @CsvSource({"VANILLA, 0, false, camera", "VANILLA, 200, true, astronaut", "GRADIENT, 200, false, camera",
        "GRADIENT, 100, true, astronaut", "LAPLACIAN, 0, false, camera", "LAPLACIAN, 256, true, camera",
        "COMBINED, 150, true, astronaut"})
    void aTrainingOnTheDeviceEndsWithTheCpuEnginesBits(Supervision supervision, int batchSize, boolean shuffle,
                                                       String imageName) {
        PixelImage image = imageName.equals("camera") ? camera : astronaut;
        SirenConfig shape = SirenConfig.forImage(image.channels(), 16, 2, 10);
        TrainingConfig[] configs = {new TrainingConfig(supervision, 12, batchSize, shuffle, 1e-3, 7, 5)};
        List<TrainingResult> cpu = Trainer.trainPack(members(shape, configs, null), image, 12);
        try (HostDevice device = new HostDevice()) {
            List<TrainingResult> gpu = Trainer.trainPack(members(shape, configs, null), image, 12, device);
            assertSameTrainings(cpu, gpu);
            assertEquals(0, device.allocated(), "every device buffer is freed");
        }
    }

    @Test
    void aPackOnTheDeviceKeepsEachMembersBitsAndStopsTheOneThatDiverges() {
        SirenConfig shape = SirenConfig.forImage(1, 16, 2, 10);
        int epochs = 30;
        // Own learning rates, seeds and shuffles; the third diverges (as in TrainerTest).
        TrainingConfig[] configs = {
            new TrainingConfig(Supervision.LAPLACIAN, epochs, 256, true, 1e-3, 3, 4, TargetScales.SIREN_JAX,
                    List.of(10)),
            new TrainingConfig(Supervision.LAPLACIAN, epochs, 256, false, 3e-4, 4, 4, TargetScales.SIREN_JAX,
                    List.of(10)),
            new TrainingConfig(Supervision.LAPLACIAN, epochs, 256, true, 1e3, 5, 4, TargetScales.SIREN_JAX,
                    List.of(10)),
        };
        List<TrainingResult> cpu = Trainer.trainPack(members(shape, configs, null), camera, epochs);
        assertEquals(TrainingStatus.DIVERGED, cpu.get(2).status());
        try (HostDevice device = new HostDevice()) {
            List<TrainingResult> gpu = Trainer.trainPack(members(shape, configs, null), camera, epochs, device);
            assertSameTrainings(cpu, gpu);
            assertEquals(1, device.graphs(), "one batch size, one recorded step");
            // 4 batches an epoch; the steps replay the graph rather than launching one by one.
            assertTrue(device.launches() > 30 * 4 * 50, device.launches() + " launches");

            // The two that do not diverge, paused on the device at epoch 10 and continued there: the same bits; and
            // their states saved by the CPU engine continue on the device as well.
            TrainingConfig[] healthy = {configs[0], configs[1]};
            List<TrainingResult> whole = cpu.subList(0, 2);
            Saved[] paused = new Saved[healthy.length];
            Trainer.trainPack(members(shape, healthy, paused), camera, 10, device);
            assertEquals(10, paused[0].state.epoch());
            List<TrainingResult> continued = Trainer.trainPack(members(shape, healthy, paused), camera, epochs, device);
            assertEquals(40, continued.get(0).resumedFromStep());
            assertSameTrainings(whole, continued);
            Saved[] onCpu = new Saved[healthy.length];
            Trainer.trainPack(members(shape, healthy, onCpu), camera, 10);
            List<TrainingResult> moved = Trainer.trainPack(members(shape, healthy, onCpu), camera, epochs, device);
            assertEquals(40, moved.get(1).resumedFromStep());
            assertSameTrainings(whole, moved);
            assertEquals(0, device.allocated(), "every device buffer is freed");
        }
    }

    /** A member's state, kept in memory when the trainer must save it (at a pause). */
    private static final class Saved implements Checkpoints {
        private TrainingState state;

        @Override
        public Duration interval() {
            return Duration.ZERO;
        }

        @Override
        public Optional<TrainingState> load() {
            return Optional.ofNullable(state);
        }

        @Override
        public void save(TrainingState saved) {
            state = saved;
        }
    }

    /** Fresh networks (seeds 10, 11, ...) for {@code configs}, each with the checkpoints kept in {@code kept}. */
    private static List<Trainer.Member> members(SirenConfig shape, TrainingConfig[] configs, Saved[] kept) {
        List<Trainer.Member> members = new ArrayList<>();
        for (int p = 0; p < configs.length; p++) {
            if (kept != null && kept[p] == null) {
                kept[p] = new Saved();
            }
            members.add(new Trainer.Member(Siren.initialise(shape, 10 + p, DataType.FLOAT), configs[p],
                    TrainingProgress.NONE, kept != null ? kept[p] : Checkpoints.NONE));
        }
        return members;
    }

    /** Bit for bit but the losses, which must agree to float64 rounding. */
    private static void assertSameTrainings(List<TrainingResult> expected, List<TrainingResult> actual) {
        assertEquals(expected.size(), actual.size());
        for (int p = 0; p < expected.size(); p++) {
            TrainingResult a = expected.get(p);
            TrainingResult b = actual.get(p);
            String what = "member " + p;
            assertEquals(a.status(), b.status(), what);
            assertEquals(a.steps(), b.steps(), what);
            assertEquals(a.divergedAtStep(), b.divergedAtStep(), what);
            assertClose(a.finalLoss(), b.finalLoss(), what + ": final loss");
            assertArrayEquals(a.network().parameters().toFloatVector(), b.network().parameters().toFloatVector(), what);
            assertEquals(a.curve().size(), b.curve().size(), what);
            for (int i = 0; i < a.curve().size(); i++) {
                CurvePoint x = a.curve().get(i);
                CurvePoint y = b.curve().get(i);
                assertEquals(List.of(x.step(), x.epoch(), x.measures()), List.of(y.step(), y.epoch(), y.measures()),
                        what + ", curve sample " + i);
                assertClose(x.loss(), y.loss(), what + ", curve sample " + i);
            }
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        if (Double.isFinite(expected)) {
            assertEquals(expected, actual, Math.abs(expected) * 1e-12, what);
        } else {
            assertEquals(expected, actual, what);
        }
    }
}
