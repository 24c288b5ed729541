package org.sirensweep.train;

/**
 * How an epoch splits into batches, the one place that says it: a batch size of 0 is the full batch (every point in
 * one step), and any other splits the points as {@code numpy.array_split(points, ceil(points / batchSize))} does, as
 * Siren-Jax: near-equal batches, none larger than the batch size (a batch size at or above the point count is the
 * full batch too).
 */
public final class Batches {
    /** The batch size that means the full batch. */
    public static final int FULL = 0;

    private Batches() {}

    /** The batches of an epoch over {@code points} points in batches of {@code batchSize}. */
    public static int count(long points, int batchSize) {
        return batchSize == FULL || batchSize >= points ? 1 : (int) ((points + batchSize - 1) / batchSize);
    }

    /** The points of an epoch's largest batch (the points a step trains on at most). */
    public static int largest(long points, int batchSize) {
        long batches = count(points, batchSize);
        return (int) (points / batches + (points % batches == 0 ? 0 : 1));
    }

    /** A batch size as a person reads it: "full batch" or "batches of N". */
    public static String describe(int batchSize) {
        return batchSize == FULL ? "full batch" : "batches of " + batchSize;
    }
}
