package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sirensweep.train.TrainerTest.assertSameTrainings;
import static org.sirensweep.train.TrainerTest.members;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.FakeCuda;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.train.TrainerTest.MemoryCheckpoints;

/**
 * The GPU's training path ({@link DevicePackSteps}: device arrays, strided-batched products, the kernels, the loss
 * and Adam on the device, the step recorded as a graph and replayed, or launched call by call without graphs, the
 * losses read back once a run) through the real binding on the stand-in CUDA, which runs the kernels built for the
 * CPU and makes each product as the CPU engine does ({@link FakeCuda}): it must end every training with the CPU
 * engine's bits (weights, curve measures, divergence), its losses equal to float64 rounding (its sums run in another
 * fixed order). What a real GPU changes is only its products' rounding.
 */
class DeviceTrainingTest {
    /** The losses' sums run in another fixed order on the device: float64 rounding apart. */
    private static final double LOSS_ROUNDING = 1e-12;

    private static PixelImage camera;
    private static PixelImage astronaut;

    @BeforeAll
    static void loadImages() throws Exception {
        camera = TrainingImage.load(Path.of("data/camera.png"), 32);
        astronaut = TrainingImage.load(Path.of("data/astronaut.png"), 20);
    }

    @ParameterizedTest(name = "{0}, batches of {1}, shuffled {2}, {3}, graphs {4}")
    @CsvSource({
        "VANILLA, 0, false, camera, true",
        "VANILLA, 200, true, astronaut, true",
        "GRADIENT, 200, false, camera, true",
        "GRADIENT, 100, true, astronaut, false",
        "LAPLACIAN, 0, false, camera, true",
        "LAPLACIAN, 256, true, camera, false",
        "COMBINED, 150, true, astronaut, true"
    })
    void aTrainingOnTheDeviceEndsWithTheCpuEnginesBits(
            Supervision supervision, int batchSize, boolean shuffle, String imageName, boolean graphs) {
        PixelImage image = imageName.equals("camera") ? camera : astronaut;
        SirenConfig shape = SirenConfig.forImage(image.channels(), 16, 2, 10);
        TrainingConfig[] configs = {new TrainingConfig(supervision, 12, batchSize, shuffle, 1e-3, 7, 5)};
        List<TrainingResult> cpu = Trainer.trainPack(members(shape, configs, Checkpoints.NONE, null), image, 12);
        long graphsBefore = FakeCuda.graphs();
        try (CudaDevice device = FakeCuda.open(graphs)) {
            List<TrainingResult> gpu =
                    Trainer.trainPack(members(shape, configs, Checkpoints.NONE, null), image, 12, device);
            assertSameTrainings(cpu, gpu, LOSS_ROUNDING);
            assertEquals(CudaDevice.WORKSPACE_BYTES, FakeCuda.allocatedBytes(), "every training buffer is freed");
        }
        assertEquals(0, FakeCuda.liveObjects(), "the device leaves nothing behind");
        int points = image.height() * image.width();
        int batchSizes = batchSize == 0 || points % batchSize == 0 ? 1 : 2;
        assertEquals(
                graphs ? batchSizes : 0,
                FakeCuda.graphs() - graphsBefore,
                "one graph per batch size (a last, smaller batch has its own), none without graphs");
    }

    @Test
    void aPackOnTheDeviceKeepsEachMembersBitsAndStopsTheOneThatDiverges() {
        SirenConfig shape = SirenConfig.forImage(1, 16, 2, 10);
        int epochs = 30;
        TrainingConfig[] configs = TrainerTest.packWithOneDiverging(epochs);
        List<TrainingResult> cpu = Trainer.trainPack(members(shape, configs, Checkpoints.NONE, null), camera, epochs);
        assertEquals(TrialStatus.DIVERGED, cpu.get(2).status());
        long graphsBefore = FakeCuda.graphs();
        long launchesBefore = FakeCuda.launches();
        try (CudaDevice device = FakeCuda.open()) {
            List<TrainingResult> gpu =
                    Trainer.trainPack(members(shape, configs, Checkpoints.NONE, null), camera, epochs, device);
            assertSameTrainings(cpu, gpu, LOSS_ROUNDING);
            assertEquals(1, FakeCuda.graphs() - graphsBefore, "one batch size, one recorded step");
            // 4 batches an epoch; the steps replay the graph rather than launching one by one.
            long launches = FakeCuda.launches() - launchesBefore;
            assertTrue(launches > 30 * 4 * 50, launches + " launches");

            // The two that do not diverge, paused on the device at epoch 10 and continued there: the same bits; and
            // their states saved by the CPU engine continue on the device as well.
            TrainingConfig[] healthy = {configs[0], configs[1]};
            List<TrainingResult> whole = cpu.subList(0, 2);
            MemoryCheckpoints[] paused = new MemoryCheckpoints[healthy.length];
            Trainer.trainPack(members(shape, healthy, null, paused), camera, 10, device);
            assertEquals(10, paused[0].saved.epoch());
            List<TrainingResult> continued =
                    Trainer.trainPack(members(shape, healthy, null, paused), camera, epochs, device);
            assertEquals(40, continued.get(0).resumedFromStep());
            assertSameTrainings(whole, continued, LOSS_ROUNDING);
            MemoryCheckpoints[] onCpu = new MemoryCheckpoints[healthy.length];
            Trainer.trainPack(members(shape, healthy, null, onCpu), camera, 10);
            List<TrainingResult> moved =
                    Trainer.trainPack(members(shape, healthy, null, onCpu), camera, epochs, device);
            assertEquals(40, moved.get(1).resumedFromStep());
            assertSameTrainings(whole, moved, LOSS_ROUNDING);
            assertEquals(CudaDevice.WORKSPACE_BYTES, FakeCuda.allocatedBytes(), "every training buffer is freed");
        }
        assertEquals(0, FakeCuda.liveObjects(), "the device leaves nothing behind");
    }
}
