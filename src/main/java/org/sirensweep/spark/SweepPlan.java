package org.sirensweep.spark;

import java.util.Comparator;
import java.util.List;
import org.sirensweep.sweep.Scheduler;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.TaskSlots;
import org.sirensweep.sweep.TrialPacks;
import org.sirensweep.sweep.TrialStage;

/**
 * What one Spark job of a sweep runs: the scheduler's plan (its stages, and the decisions behind them) as packs, one
 * Spark task each, for the task slots the job has, in the order their tasks start. {@code run} makes one per job,
 * and {@code run --dry-run} the first, the same way.
 *
 * @param plan  the scheduler's plan
 * @param packs its stages in packs, the most work first
 */
public record SweepPlan(Scheduler.Plan plan, List<List<TrialStage>> packs) {
    public SweepPlan {
        packs = List.copyOf(packs);
    }

    /** {@code plan}'s stages of {@code sweep}'s trials in packs for {@code slots} ({@link TrialPacks#form}). */
    public static SweepPlan of(Sweep sweep, Scheduler.Plan plan, TaskSlots slots) {
        return new SweepPlan(plan, longestFirst(TrialPacks.form(plan.stages(), sweep, slots)));
    }

    /**
     * The packs in the order their tasks should start: the most work first, so that a mixed sweep does not end
     * with one core still on the Laplacian trials that happened to come last (Spark starts partitions in order).
     * A stage's work is its trial's, in proportion to the epochs it trains to; a pack's, its stages'.
     */
    static List<List<TrialStage>> longestFirst(List<List<TrialStage>> packs) {
        return packs.stream()
                .sorted(Comparator.comparingDouble(SweepPlan::work).reversed())
                .toList();
    }

    private static double work(List<TrialStage> pack) {
        return pack.stream()
                .mapToDouble(s -> s.trial().settings().cost().relativeWork()
                        * s.untilEpoch()
                        / s.trial().settings().epochs())
                .sum();
    }

    /** The stages this plan trains. */
    public int stages() {
        return plan.stages().size();
    }

    /** The packs' sizes, largest first, each once. */
    public List<Integer> packSizes() {
        return packs.stream()
                .map(List::size)
                .distinct()
                .sorted(Comparator.reverseOrder())
                .toList();
    }

    /** The memory the largest pack needs ({@link Sweep#packBytes}). */
    public long largestPackBytes(Sweep sweep) {
        return packs.stream()
                .mapToLong(p -> sweep.packBytes(p.get(0).trial(), p.size()))
                .max()
                .orElse(0);
    }
}
