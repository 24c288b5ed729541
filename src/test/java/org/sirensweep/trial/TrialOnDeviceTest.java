package org.sirensweep.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sirensweep.cuda.HostDevice;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.TrainingProgress;

/**
 * A trial on a GPU trains, measures and draws there: on the stand-in device ({@link HostDevice}, the CPU engine's
 * bits) its outcome is the CPU's, every picture and upscale score included, and names the device it ran on.
 */
class TrialOnDeviceTest {
    @Test
    void aTrialOnTheDeviceHasTheCpuOutcomeAndPictures() throws Exception {
        TrialSettings settings = new TrialSettings(Map.of(Setting.IMAGE,
                Path.of("data/astronaut.png").toAbsolutePath().toString(), Setting.RESOLUTION, 16, Setting.SUPERVISION,
                "laplacian", Setting.EPOCHS, 6, Setting.LR, 1e-3, Setting.DEPTH, 1, Setting.WIDTH, 12, Setting.OMEGA0, 10.0,
                Setting.SEED, 3L), 3, List.of(24, 8), List.of());
        TrialOutcome cpu = TrialRunner.prepare(settings).run(1, TrainingProgress.NONE, Checkpoints.NONE);
        TrialOutcome gpu;
        try (HostDevice device = new HostDevice()) {
            gpu = TrialRunner.prepare(settings).run(1, TrainingProgress.NONE, Checkpoints.NONE, device);
            assertEquals(device.describe(), gpu.device());
            assertEquals(0, device.allocated(), "every device buffer is freed");
        }
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
