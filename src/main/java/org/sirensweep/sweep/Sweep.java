package org.sirensweep.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated sweep: its name, the file it came from, the keys its grid varies (in the file's order), its trials
 * (the grid's cartesian product, last key fastest) and the bytes of every image it trains on, keyed by the absolute
 * path in {@link org.sirensweep.trial.TrialSettings#image()}, so trials can run where the files are not, and their
 * channel counts by the same key. {@code
 * checkpointMinutes} is the file's {@code checkpoint_minutes}, or null where it leaves the choice to {@code run};
 * {@code earlyStopping} its successive-halving schedule, or null; {@code pack} its trials per task ({@link
 * TrialPacks}: {@link TrialPacks#AUTO}, 1 = off, or at most K); {@code taskMemoryBytes} what one executor can give
 * a task (every trial was checked against it, and packs are bounded by it; {@code Long.MAX_VALUE}: no bound).
 */
public record Sweep(
        String name,
        String description,
        Path source,
        List<String> gridKeys,
        List<Trial> trials,
        Map<String, byte[]> images,
        Map<String, Integer> imageChannels,
        Double checkpointMinutes,
        EarlyStopping earlyStopping,
        int pack,
        long taskMemoryBytes) {

    public Sweep {
        gridKeys = List.copyOf(gridKeys);
        trials = List.copyOf(trials);
        images = Map.copyOf(images);
        imageChannels = Map.copyOf(imageChannels);
    }

    /** The channels of {@code trial}'s image (1 gray, 3 RGB). */
    public int channels(Trial trial) {
        return imageChannels.get(trial.settings().image());
    }

    /**
     * The bytes a pack of {@code size} trials shaped like {@code trial} takes ({@link org.sirensweep.trial.TrialCost#plannedBytes}).
     */
    public long packBytes(Trial trial, int size) {
        return trial.settings().cost().plannedBytes(channels(trial), size);
    }

    /** Optimiser steps over all trials trained to their end: the work of the sweep without early stopping. */
    public long totalSteps() {
        return trials.stream().mapToLong(t -> t.settings().cost().totalSteps()).sum();
    }
}
