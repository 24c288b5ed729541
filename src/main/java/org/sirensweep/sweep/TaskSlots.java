package org.sirensweep.sweep;

/**
 * Where a sweep's tasks run, as the driver knows it from Spark's configuration (no compute backend is loaded to find
 * it): whether each task trains on a GPU, and how many tasks run at once ({@code count}: executors' task slots, or
 * GPUs). Packs are formed for it ({@link TrialPacks}).
 */
public record TaskSlots(boolean gpu, int count) {
    public TaskSlots {
        if (count < 1) {
            throw new IllegalArgumentException("a sweep runs at least one task at a time, got " + count);
        }
    }

    /** One CPU task at a time: no pack is split to fill slots. */
    public static final TaskSlots ONE_CPU = new TaskSlots(false, 1);
}
