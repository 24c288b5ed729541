package org.sirensweep.train;

import java.util.SplittableRandom;

/**
 * Which points each step of an epoch trains on, in the batches {@link Batches} says. A shuffled epoch's
 * permutation depends only on the seed and the epoch number, so a training resumed at any epoch draws the same
 * batches as one that never stopped.
 */
final class BatchSchedule {
    /** Mixes the epoch number into the seed (SplittableRandom's golden-ratio increment). */
    private static final long EPOCH_STRIDE = 0x9E3779B97F4A7C15L;

    private final int points;
    private final int[] starts;
    private final int[] order;
    private final boolean shuffle;
    private final long seed;

    BatchSchedule(int points, int batchSize, boolean shuffle, long seed) {
        this.points = points;
        int batches = Batches.count(points, batchSize);
        starts = new int[batches + 1];
        int base = points / batches;
        int extra = points % batches;
        for (int b = 0; b < batches; b++) {
            starts[b + 1] = starts[b] + base + (b < extra ? 1 : 0);
        }
        this.shuffle = shuffle && batches > 1;
        this.seed = seed;
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

    /** True when each epoch draws a fresh order of the points (shuffled, and more than one batch). */
    boolean shuffles() {
        return shuffle;
    }

    /** True when every epoch trains on the same points in the same batch (nothing to refill between steps). */
    boolean isStatic() {
        return batches() == 1;
    }

    /**
     * Starts epoch {@code epoch} (from 1): when shuffling, a fresh permutation of the points in their natural order
     * (Fisher–Yates), drawn from a generator seeded by the trial's seed and the epoch alone.
     */
    void beginEpoch(int epoch) {
        if (!shuffle) {
            return;
        }
        // A hash of (seed, epoch), so that neighbouring epochs' generators share no stretch of their streams.
        SplittableRandom random = new SplittableRandom(new SplittableRandom(seed + epoch * EPOCH_STRIDE).nextLong());
        for (int i = 0; i < points; i++) {
            order[i] = i;
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
