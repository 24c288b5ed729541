package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sirensweep.trial.TrialSettings;

/**
 * Which stages run together as one pack in one Spark task: stages whose trials compute arrays of the same shapes
 * (image and resolution, supervision, epochs, batch size, width, depth, ω0, target factors, and the same stage:
 * epoch and commit) train side by side in one batched step, each with its own seed, learning rate, batch order,
 * curve, checkpoint and row (the same bits as alone).
 *
 * <p>A sweep file's {@code pack:} is {@code off} (one trial a task), a number K (packs of up to K), or {@code auto}
 * (the default): packs of up to {@value #AUTO_SIZE} where a step has at most {@value #AUTO_MAX_POINTS} points
 * and the network is at most {@value #AUTO_MAX_WIDTH} wide, none otherwise. Packing pays where a step's fixed costs outweigh its arithmetic: at 64 points a pack of 16 made a
 * gradient step 1.4× and a Laplacian step 1.55× cheaper per trial (a value step 1.1×), while at 1,024 points packs
 * of 16 were 7–21 % slower per trial than single trials (bench --pack, 64², width 64, one core, 2026-11-26).
 *
 * <p>Every pack, {@code auto} or K, is bounded by memory: it holds all its members' buffers, so it is cut to the
 * largest size whose planned bytes ({@link Sweep#packBytes}) fit what an executor gives a task. A trial alone
 * always fits (the sweep refused any that does not).
 */
public final class TrialPacks {
    /** The {@code pack:} value that lets the sweep choose. */
    public static final int AUTO = 0;
    /** Largest automatic pack. */
    static final int AUTO_SIZE = 16;
    /** Most points per step at which an automatic pack forms. */
    static final int AUTO_MAX_POINTS = 256;
    /**
     * Widest network an automatic pack takes: wider ones spend their step in arithmetic, which packing does not
     * share, and a pack holds all its members' buffers (16 Laplacian trials of width 256 at 256 points: 0.2 GB).
     */
    static final int AUTO_MAX_WIDTH = 256;

    private TrialPacks() {
    }

    /**
     * {@code stages} (of {@code sweep}'s trials) grouped into packs for the sweep file's {@code pack} ({@link
     * #AUTO}, 1 = off, or K), each within the sweep's task memory.
     */
    public static List<List<TrialStage>> form(List<TrialStage> stages, Sweep sweep) {
        int pack = sweep.pack();
        Map<List<Object>, List<TrialStage>> groups = new LinkedHashMap<>();
        for (TrialStage stage : stages) {
            groups.computeIfAbsent(key(stage), k -> new ArrayList<>()).add(stage);
        }
        List<List<TrialStage>> packs = new ArrayList<>();
        for (List<TrialStage> group : groups.values()) {
            Trial first = group.get(0).trial();
            int size = fitting(sweep, first, pack == AUTO ? autoSize(first.settings()) : pack);
            for (int start = 0; start < group.size(); start += size) {
                packs.add(List.copyOf(group.subList(start, Math.min(group.size(), start + size))));
            }
        }
        return packs;
    }

    /** What must be equal for stages to share a step. */
    private static List<Object> key(TrialStage stage) {
        TrialSettings s = stage.trial().settings();
        return List.of(s.image(), s.resolution(), s.supervision(), s.epochs(), s.batchSize(), s.width(), s.depth(),
                s.effectiveOmega0(), s.targetScales(), stage.untilEpoch(), stage.commit());
    }

    /** The largest pack size up to {@code wanted} whose buffers fit the sweep's task memory (at least 1). */
    private static int fitting(Sweep sweep, Trial trial, int wanted) {
        int size = wanted;
        while (size > 1 && sweep.packBytes(trial, size) > sweep.taskMemoryBytes()) {
            size--;
        }
        return size;
    }

    /** Up to {@value #AUTO_SIZE} for small steps of networks up to {@value #AUTO_MAX_WIDTH} wide, else 1. */
    private static int autoSize(TrialSettings s) {
        long points = (long) s.resolution() * s.resolution();
        long perStep = s.batchSize() == 0 ? points : Math.min(s.batchSize(), points);
        return perStep <= AUTO_MAX_POINTS && s.width() <= AUTO_MAX_WIDTH ? AUTO_SIZE : 1;
    }
}
