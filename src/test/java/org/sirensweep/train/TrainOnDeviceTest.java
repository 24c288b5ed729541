package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.FakeCuda;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;

/**
 * The GPU check's training ({@link Trainer#trainOnDevice}: no host networks, ND4J unused) gives each member the loss
 * per epoch that the CPU engine's curve records, on the stand-in CUDA, and times its steps.
 */
class TrainOnDeviceTest {
    @Test
    void epochLossesAreTheCpuEnginesCurveLosses() throws Exception {
        PixelImage image = TrainingImage.load(Path.of("data/camera.png"), 16);
        SirenConfig net = SirenConfig.forImage(1, 12, 2, 10);
        for (Supervision s : new Supervision[] {Supervision.VANILLA, Supervision.LAPLACIAN}) {
            List<float[]> initial = new ArrayList<>();
            List<TrainingConfig> configs = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                initial.add(Siren.initialFloats(net, p));
                configs.add(new TrainingConfig(s, 9, 64, p == 1, 1e-3, p, 3));
            }
            Trainer.DeviceTraining run;
            try (CudaDevice device = FakeCuda.open()) {
                run = Trainer.trainOnDevice(device, net, initial, configs, image, 9, 2);
                assertEquals(CudaDevice.WORKSPACE_BYTES, FakeCuda.allocatedBytes(), "every training buffer is freed");
            }
            assertEquals(0, FakeCuda.liveObjects(), "the device leaves nothing behind");
            assertTrue(run.millisPerStep() > 0);
            for (int p = 0; p < 3; p++) {
                TrainingResult result = Trainer.train(
                        Siren.initialise(net, p, DataType.FLOAT), image, configs.get(p), TrainingProgress.NONE);
                for (CurvePoint point : result.curve()) {
                    double expected = point.loss();
                    assertEquals(
                            expected,
                            run.epochLosses()[p][point.epoch() - 1],
                            Math.abs(expected) * 1e-12,
                            s + ", trial " + p + ", epoch " + point.epoch());
                }
            }
        }
    }
}
