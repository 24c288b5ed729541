package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sirensweep.image.Supervision;
import org.sirensweep.train.Batches;
import org.sirensweep.trial.TrialSettings;

/**
 * Which stages run together as one pack in one Spark task: stages whose trials compute arrays of the same shapes
 * (image and resolution, supervision, epochs, batch size, width, depth, ω0, target factors, and the same stage:
 * epoch and commit) train side by side in one batched step, each with its own seed, learning rate, batch order,
 * curve, checkpoint and row (the same bits as alone).
 *
 * <p>A sweep file's {@code pack:} is {@code off} (one trial a task), a number K (packs of up to K), or {@code auto}
 * (the default), which packs up to {@value #AUTO_SIZE} trials where packing pays, by where the tasks run ({@link
 * TaskSlots}, known from Spark's configuration: the driver loads no compute backend for it). Packing saves a step's
 * fixed costs, per op and per call, and costs cache: a pack's arrays are K times larger.
 * <ul>
 *   <li>On GPU executors small steps are launch-bound, so {@code auto} packs steps of at most
 *       {@value #AUTO_MAX_POINTS_GPU} points of networks at most {@value #AUTO_MAX_WIDTH} wide
 *       ({@code benchmarks/gpu_model.py --packs}: 1.6–1.8× more trial-steps per GPU at 64 points, on paper).</li>
 *   <li>On a CPU few fixed costs are left to share (the products go straight to BLAS and a layer's elementwise
 *       arithmetic is one pass), so {@code auto} packs only value steps of at most {@value #AUTO_MAX_POINTS_CPU}
 *       points, the one case packs measured faster: at 64 points packs of 6 took 0.165 ms per value trial-step
 *       against 0.205 alone, while gradient steps were even (0.324 against 0.339) and Laplacian steps slower
 *       (0.397 against 0.388; packs of 16 0.50), and at 256 points packs were 4 % faster for values and 12–16 %
 *       slower for derivatives (bench --pack, 64², width 64, one core, 2026-11-26).</li>
 * </ul>
 *
 * <p>Every pack, {@code auto} or K, is bounded by memory: it holds all its members' buffers, so it is cut to the
 * largest size whose planned bytes ({@link Sweep#packBytes}) fit what an executor gives a task. A trial alone
 * always fits (the sweep refused any that does not).
 *
 * <p>Packs never leave task slots idle: while there are fewer packs than slots, the largest pack is split in two. A
 * pack uses one slot, however large: 16 vanilla trials (64², width 64, batches of 64, 40 epochs) took 30.4 s as one
 * pack on 2 cores and 26.7 s alone; split into two packs of 8, 22.3 / 20.2 s against 22.6 / 21.4 s alone
 * (2026-12-02).
 */
public final class TrialPacks {
    /** The {@code pack:} value that lets the sweep choose. */
    public static final int AUTO = 0;
    /** Largest automatic pack. */
    static final int AUTO_SIZE = 16;
    /** Most points per step at which an automatic pack forms on a GPU. */
    static final int AUTO_MAX_POINTS_GPU = 256;
    /** Most points per step at which an automatic pack of value-supervised trials forms on a CPU. */
    static final int AUTO_MAX_POINTS_CPU = 64;
    /**
     * Widest network an automatic pack takes: wider ones spend their step in arithmetic, which packing does not
     * share, and a pack holds all its members' buffers (16 Laplacian trials of width 256 at 256 points: 0.2 GB).
     */
    static final int AUTO_MAX_WIDTH = 256;

    private TrialPacks() {}

    /**
     * {@code stages} (of {@code sweep}'s trials) grouped into packs for the sweep file's {@code pack} ({@link
     * #AUTO}, 1 = off, or K) and the tasks' {@code slots}: each within the sweep's task memory, and at least as many
     * packs as slots where there are that many trials.
     */
    public static List<List<TrialStage>> form(List<TrialStage> stages, Sweep sweep, TaskSlots slots) {
        int pack = sweep.pack();
        Map<List<Object>, List<TrialStage>> groups = new LinkedHashMap<>();
        for (TrialStage stage : stages) {
            groups.computeIfAbsent(key(stage), k -> new ArrayList<>()).add(stage);
        }
        List<List<TrialStage>> packs = new ArrayList<>();
        for (List<TrialStage> group : groups.values()) {
            Trial first = group.get(0).trial();
            int size = fitting(sweep, first, pack == AUTO ? autoSize(first.settings(), slots.gpu()) : pack);
            for (int start = 0; start < group.size(); start += size) {
                packs.add(List.copyOf(group.subList(start, Math.min(group.size(), start + size))));
            }
        }
        return fillSlots(packs, slots.count());
    }

    /**
     * {@code packs} with the largest split in two (its first half, rounded up, in its place and the rest right
     * after) while there are fewer than {@code slots} and one holds more than one stage.
     */
    private static List<List<TrialStage>> fillSlots(List<List<TrialStage>> packs, int slots) {
        List<List<TrialStage>> filled = new ArrayList<>(packs);
        while (filled.size() < slots) {
            int largest = 0;
            for (int i = 1; i < filled.size(); i++) {
                if (filled.get(i).size() > filled.get(largest).size()) {
                    largest = i;
                }
            }
            List<TrialStage> split = filled.get(largest);
            if (split.size() < 2) {
                break;
            }
            int half = (split.size() + 1) / 2;
            filled.set(largest, List.copyOf(split.subList(0, half)));
            filled.add(largest + 1, List.copyOf(split.subList(half, split.size())));
        }
        return filled;
    }

    /** What must be equal for stages to share a step: the trials' pack shape, and the stage. */
    private static List<Object> key(TrialStage stage) {
        List<Object> key = new ArrayList<>(stage.trial().settings().packShape());
        key.add(stage.untilEpoch());
        key.add(stage.commit());
        return key;
    }

    /** The largest pack size up to {@code wanted} whose buffers fit the sweep's task memory (at least 1). */
    private static int fitting(Sweep sweep, Trial trial, int wanted) {
        int size = wanted;
        while (size > 1 && sweep.packBytes(trial, size) > sweep.taskMemoryBytes()) {
            size--;
        }
        return size;
    }

    /** {@value #AUTO_SIZE} where packing pays on this backend (see the type's description), else 1. */
    private static int autoSize(TrialSettings s, boolean gpu) {
        int perStep = Batches.largest((long) s.resolution() * s.resolution(), s.batchSize());
        boolean pays = gpu
                ? perStep <= AUTO_MAX_POINTS_GPU && s.width() <= AUTO_MAX_WIDTH
                : perStep <= AUTO_MAX_POINTS_CPU && s.supervision() == Supervision.VANILLA;
        return pays ? AUTO_SIZE : 1;
    }
}
