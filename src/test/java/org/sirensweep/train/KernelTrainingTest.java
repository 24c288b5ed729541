package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.cuda.HostKernels;

/**
 * The CUDA backend's kernels for Adam (with divergence: a trial whose loss is not finite stops updating) and for the
 * batch gather, built for this CPU ({@link HostKernels}), against {@link AdamOptimizer} and {@link BatchSchedule},
 * bit for bit, for a pack of trials each with its own learning rate, seed and batch order.
 */
class KernelTrainingTest {
    @Test
    void adamKernelGivesTheOptimizersBitsAndStopsADivergedTrial() {
        int n = 517;
        int pack = 3;
        int steps = 60;
        int divergesAt = 31;
        double[] rates = {1e-3, 3e-3, 1e-2};
        SplittableRandom random = new SplittableRandom(5);
        Memory theta = new Memory(4L * n * pack);
        Memory gradient = new Memory(4L * n * pack);
        Memory m = new Memory(4L * n * pack);
        Memory v = new Memory(4L * n * pack);
        m.clear();
        v.clear();
        Memory alphas = new Memory(4L * steps * pack);
        Memory losses = new Memory(8L * steps * pack);
        Memory alive = new Memory(4L * pack);
        Memory cursor = new Memory(4);
        INDArray[] parameters = new INDArray[pack];
        AdamOptimizer[] adams = new AdamOptimizer[pack];
        for (int p = 0; p < pack; p++) {
            float[] start = new float[n];
            for (int i = 0; i < n; i++) {
                start[i] = (float) random.nextDouble(-1, 1);
                theta.setFloat(4L * (p * n + i), start[i]);
            }
            parameters[p] = Nd4j.createFromArray(start).reshape(1, n);
            adams[p] = new AdamOptimizer(rates[p], n);
            alive.setInt(4L * p, 1);
        }
        for (int step = 0; step < steps; step++) {
            for (int p = 0; p < pack; p++) {
                alphas.setFloat(4L * (step * pack + p), AdamOptimizer.stepSize(rates[p], step));
                boolean diverged = p == 1 && step >= divergesAt;
                losses.setDouble(8L * (step * pack + p), diverged ? Double.NaN : random.nextDouble());
                float[] g = new float[n];
                for (int i = 0; i < n; i++) {
                    g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 3));
                    gradient.setFloat(4L * (p * n + i), g[i]);
                }
                if (!diverged) {
                    adams[p].update(parameters[p], Nd4j.createFromArray(g).reshape(1, n), step);
                }
            }
            cursor.setInt(0, step);
            HostKernels.get().launch("check_alive", (long) pack, address(losses), address(cursor), address(alive));
            HostKernels.get()
                    .launch(
                            "adam_update",
                            (long) n,
                            (long) pack,
                            address(theta),
                            address(gradient),
                            address(m),
                            address(v),
                            address(alphas),
                            address(cursor),
                            address(alive),
                            AdamOptimizer.BETA1,
                            AdamOptimizer.BETA2,
                            AdamOptimizer.ONE_MINUS_BETA1,
                            AdamOptimizer.ONE_MINUS_BETA2,
                            AdamOptimizer.EPSILON);
        }
        for (int p = 0; p < pack; p++) {
            assertArrayEquals(
                    bits(parameters[p].toFloatVector()),
                    bits(theta.getFloatArray(4L * p * n, n)),
                    "parameters of trial " + p);
            float[] moments = adams[p].state();
            float[] kernelMoments = new float[2 * n];
            System.arraycopy(m.getFloatArray(4L * p * n, n), 0, kernelMoments, 0, n);
            System.arraycopy(v.getFloatArray(4L * p * n, n), 0, kernelMoments, n, n);
            assertArrayEquals(bits(moments), bits(kernelMoments), "moments of trial " + p);
        }
        assertEquals(0, alive.getInt(4), "the diverged trial is marked");
        assertEquals(1, alive.getInt(0));
    }

    @Test
    void gatherKernelTakesEachTrialsBatchesInItsOrder() {
        int points = 50;
        int columns = 3;
        long[] seeds = {1, 2};
        int pack = seeds.length;
        int epochs = 2;
        int firstEpoch = 3;
        SplittableRandom random = new SplittableRandom(9);
        double[][] planes = new double[columns][points];
        Memory planeMemory = new Memory(4L * columns * points);
        for (int j = 0; j < columns; j++) {
            for (int i = 0; i < points; i++) {
                planes[j][i] = random.nextDouble(-1, 1);
                planeMemory.setFloat(4L * (j * points + i), (float) planes[j][i]);
            }
        }
        for (boolean shuffle : new boolean[] {true, false}) {
            BatchSchedule[] schedules = new BatchSchedule[pack];
            for (int p = 0; p < pack; p++) {
                schedules[p] = new BatchSchedule(points, 16, shuffle, seeds[p]);
            }
            int batches = schedules[0].batches();
            Memory starts = new Memory(4L * batches);
            for (int b = 0, start = 0; b < batches; start += schedules[0].batchSize(b), b++) {
                starts.setInt(4L * b, start);
            }
            Memory order = new Memory(4L * pack * epochs * points);
            for (int p = 0; p < pack; p++) {
                for (int e = 0; e < epochs; e++) {
                    schedules[p].beginEpoch(firstEpoch + e);
                    for (int b = 0, i = 0; b < batches; b++) {
                        for (int r = 0; r < schedules[p].batchSize(b); r++, i++) {
                            order.setInt(4L * ((p * epochs + e) * points + i), schedules[p].point(b, r));
                        }
                    }
                }
            }
            Memory cursor = new Memory(4);
            for (int step = 0; step < epochs * batches; step++) {
                int batch = step % batches;
                int rows = schedules[0].batchSize(batch);
                Memory dst = new Memory(4L * rows * columns * pack);
                cursor.setInt(0, step);
                HostKernels.get()
                        .launch(
                                "gather",
                                (long) rows,
                                (long) columns,
                                (long) pack,
                                (long) points,
                                (long) batches,
                                (long) epochs,
                                address(starts),
                                shuffle ? address(order) : 0L,
                                address(cursor),
                                address(planeMemory),
                                address(dst));
                for (int p = 0; p < pack; p++) {
                    schedules[p].beginEpoch(firstEpoch + step / batches);
                    for (int j = 0; j < columns; j++) {
                        for (int r = 0; r < rows; r++) {
                            float expected = (float) planes[j][schedules[p].point(batch, r)];
                            assertEquals(
                                    Float.floatToRawIntBits(expected),
                                    Float.floatToRawIntBits(dst.getFloat(4L * ((p * columns + j) * rows + r))),
                                    "trial " + p + ", step " + step + ", column " + j + ", row " + r);
                        }
                    }
                }
            }
        }
    }

    private static long address(Memory memory) {
        return Pointer.nativeValue(memory);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
