package org.sirensweep.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.model.Workspace;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingConfig;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrainingResult;

/**
 * Times real training steps ({@link Trainer#train}, the same code a trial runs) for one supervision type and network
 * shape, and the memory they take.
 */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    /**
     * What one measurement ran.
     *
     * @param batchSize points per step; 0 = full batch
     */
    public record Case(Supervision supervision, int resolution, int width, int depth, int batchSize) {
        public Case {
            if (batchSize < 0 || (long) batchSize > (long) resolution * resolution) {
                throw new IllegalArgumentException("batch size must be 0 (full batch) or at most " + resolution * resolution
                        + " at resolution " + resolution + ", got " + batchSize);
            }
        }

        /** Points in one step. */
        public int rows() {
            return batchSize == 0 ? resolution * resolution : batchSize;
        }
    }

    /**
     * What it measured.
     *
     * @param msPerStep       median ms per step after the warm-up
     * @param gflopsPerStep   matmul work of a step ({@link StepFlops})
     * @param peakRssBytes    peak resident set during the case (-1 where unknown)
     * @param peakHeapBytes   peak heap use during the case
     * @param workspaceBytes  the training's preallocated ND4J buffers (its planned workspace)
     * @param earlyRssBytes   resident set after a tenth of the steps
     * @param endRssBytes     resident set after the last step (the training's buffers still held)
     * @param steps           steps run, warm-up included
     */
    public record Result(Case benchCase, double msPerStep, double gflopsPerStep, long peakRssBytes, long peakHeapBytes,
                         long workspaceBytes, long earlyRssBytes, long endRssBytes, long steps) {
        /** Achieved matmul rate. */
        public double gflopsPerSecond() {
            return gflopsPerStep / (msPerStep / 1e3);
        }
    }

    /** Trains a fresh network (seed 0, lr 1e-4) on {@code image} for at least {@code steps} measured steps. */
    public static Result run(PixelImage image, Case c, int steps) {
        if (image.height() != c.resolution() || image.width() != c.resolution()) {
            throw new IllegalArgumentException("image is " + image.height() + "x" + image.width() + ", case wants "
                    + c.resolution());
        }
        SirenConfig config = SirenConfig.forImage(image.channels(), c.width(), c.depth(), SirenConfig.DEFAULT_OMEGA0);
        Siren network = Siren.initialise(config, 0, DataType.FLOAT);
        int points = c.resolution() * c.resolution();
        int batches = (points + c.rows() - 1) / c.rows();
        // The trainer's warm-up steps are run in addition to the measured ones.
        int epochs = (steps + Trainer.WARM_UP_STEPS + batches - 1) / batches;
        TrainingConfig training = new TrainingConfig(c.supervision(), epochs, c.batchSize(), false, 1e-4, 0, epochs);
        long earlyStep = Math.max(1, (long) epochs * batches / 10);
        // Read inside the training: once it returns, its buffers are freed.
        long[] rss = {-1, -1};
        ProcessMemory.resetPeaks();
        TrainingResult result = Trainer.train(network, image, training, new TrainingProgress() {
            @Override
            public void step(long done, long total) {
                if (done == earlyStep) {
                    rss[0] = ProcessMemory.residentBytes();
                }
                if (done == total) {
                    rss[1] = ProcessMemory.residentBytes();
                }
            }
        });
        return new Result(c, result.msPerStep(), StepFlops.of(config, c.supervision(), c.rows()) / 1e9,
                ProcessMemory.peakResidentBytes(), ProcessMemory.peakHeapBytes(),
                Workspace.bytesNeeded(config, Derivatives.of(c.supervision()), c.rows(), network.dataType(), true),
                rss[0], rss[1], result.steps());
    }
}
