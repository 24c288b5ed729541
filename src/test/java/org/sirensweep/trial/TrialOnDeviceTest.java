package org.sirensweep.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.FakeCuda;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.TrainingProgress;

/**
 * A trial on a GPU trains, measures and draws there: on the stand-in CUDA ({@link FakeCuda}, the CPU engine's bits)
 * its outcome is the CPU's, every picture and upscale score included, and names the GPU it ran on.
 */
class TrialOnDeviceTest {
    @Test
    void aTrialOnTheDeviceHasTheCpuOutcomeAndPictures() throws Exception {
        TrialSettings settings = new TrialSettings(
                Map.of(
                        Setting.IMAGE,
                        Path.of("data/astronaut.png").toAbsolutePath().toString(),
                        Setting.RESOLUTION,
                        16,
                        Setting.SUPERVISION,
                        "laplacian",
                        Setting.EPOCHS,
                        6,
                        Setting.LR,
                        1e-3,
                        Setting.DEPTH,
                        1,
                        Setting.WIDTH,
                        12,
                        Setting.OMEGA0,
                        10.0,
                        Setting.SEED,
                        3L),
                3,
                List.of(24, 8),
                List.of());
        TrialOutcome cpu = TrialEngine.prepare(settings).run(1, TrainingProgress.NONE, Checkpoints.NONE);
        TrialOutcome gpu;
        try (CudaDevice device = FakeCuda.open()) {
            gpu = TrialEngine.prepare(settings).run(1, TrainingProgress.NONE, Checkpoints.NONE, device);
            assertEquals("cuda:0", gpu.device());
            assertEquals(CudaDevice.WORKSPACE_BYTES, FakeCuda.allocatedBytes(), "every trial buffer is freed");
        }
        assertEquals(0, FakeCuda.liveObjects(), "the device leaves nothing behind");
        assertEquals("cpu", cpu.device());
        assertArrayEquals(cpu.weightsNpz(), gpu.weightsNpz());
        assertEquals(cpu.measures(), gpu.measures());
        assertEquals(cpu.upscale(), gpu.upscale());
        assertEquals(cpu.images().size(), gpu.images().size());
        for (int i = 0; i < cpu.images().size(); i++) {
            TrialImage a = cpu.images().get(i);
            TrialImage b = gpu.images().get(i);
            assertEquals(List.of(a.kind(), a.size()), List.of(b.kind(), b.size()));
            assertArrayEquals(a.png(), b.png(), a.kind() + " at " + a.size());
        }
    }
}
