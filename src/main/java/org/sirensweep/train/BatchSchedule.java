package org.sirensweep.train;

import java.util.SplittableRandom;

/**
 * Which points each step of an epoch trains on. Batches are split as {@code numpy.array_split(points,
 * ceil(n / batchSize))}, as Siren-Jax: near-equal sizes, none larger than the batch size.
 */
final class BatchSchedule {
    private final int points;
    private final int[] starts;
    private final int[] order;
    private final boolean shuffle;
    private final SplittableRandom random;

    BatchSchedule(int points, int batchSize, boolean shuffle, SplittableRandom random) {
        this.points = points;
        int batches = batchSize == 0 || batchSize >= points ? 1 : (points + batchSize - 1) / batchSize;
        starts = new int[batches + 1];
        int base = points / batches;
        int extra = points % batches;
        for (int b = 0; b < batches; b++) {
            starts[b + 1] = starts[b] + base + (b < extra ? 1 : 0);
        }
        this.shuffle = shuffle && batches > 1;
        this.random = random;
        order = new int[points];
        for (int i = 0; i < points; i++) {
            order[i] = i;
        }
    }

    int batches() {
        return starts.length - 1;
    }

    int largestBatch() {
        return starts[1] - starts[0];
    }

    /** True when every epoch trains on the same points in the same batch (nothing to refill between steps). */
    boolean isStatic() {
        return batches() == 1;
    }

    /** Starts an epoch: draws a fresh permutation when shuffling (Fisher–Yates from the trial's seed). */
    void beginEpoch() {
        if (!shuffle) {
            return;
        }
        for (int i = points - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    int batchSize(int batch) {
        return starts[batch + 1] - starts[batch];
    }

    /** The point index at position {@code i} of batch {@code batch}. */
    int point(int batch, int i) {
        return order[starts[batch] + i];
    }
}
