package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import org.sirensweep.train.CurvePoint;

/**
 * Which stages a sweep runs next, from what its dataset holds: its rows and its checkpoints' curves, nothing else.
 * The whole schedule is worked out again from the start each time, so a driver killed at any point (mid-rung, or
 * between a decision and the rows it implies) takes up where it was, and, the trainings being exact, decides as an
 * uninterrupted run would.
 *
 * <p>Without early stopping, every trial without a row runs whole. With it ({@link EarlyStopping}), rung by rung:
 * the trials still in the running train to the rung and pause; once all of them have reached it (or ended before
 * it), each group keeps its best {@code max(1, ⌊n / factor⌋)} by the metric at that epoch, ties broken by trial id,
 * and the others commit a {@code stopped} row there. The trials left after the last rung train to the end.
 */
public final class SuccessiveHalving {
    private SuccessiveHalving() {
    }

    /**
     * What the dataset holds of a trial: whether it has a row (its training has ended: ok, stopped, diverged, or
     * failed for good) and its learning curve so far (the row's, or its checkpoint's; empty if neither).
     */
    public record Standing(boolean ended, List<CurvePoint> curve) {
        public static final Standing NEW = new Standing(false, List.of());

        public Standing {
            curve = List.copyOf(curve);
        }
    }

    /** One rung's decision: its epoch, the trials that reached it, and those that go on. */
    public record Decision(int epoch, int reached, int promoted) {
    }

    /**
     * The stages to run next (empty: the sweep is complete), the rung they work towards (its epoch, the trials' full
     * length for the final stretch, 0 without early stopping), and the decisions taken at the rungs before it.
     */
    public record Plan(List<TrialStage> stages, int towardsEpoch, List<Decision> decisions) {
        public Plan {
            stages = List.copyOf(stages);
            decisions = List.copyOf(decisions);
        }
    }

    /** The next stages of {@code sweep}, given each trial's standing by id (missing: {@link Standing#NEW}). */
    public static Plan next(Sweep sweep, Map<String, Standing> standings) {
        EarlyStopping rule = sweep.earlyStopping();
        if (rule == null) {
            List<TrialStage> stages = sweep.trials().stream().filter(t -> !standing(standings, t).ended())
                    .map(TrialStage::whole).toList();
            return new Plan(stages, 0, List.of());
        }
        List<TrialStage> stages = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        List<Trial> running = sweep.trials();
        for (int epoch : rule.rungs()) {
            List<Trial> reached = new ArrayList<>();
            List<TrialStage> pending = new ArrayList<>();
            for (Trial t : running) {
                Standing s = standing(standings, t);
                if (rule.valueAt(s.curve(), epoch, t.settings().supervision()).isPresent()) {
                    reached.add(t);
                } else if (!s.ended()) {
                    pending.add(new TrialStage(t, epoch, false));
                } // else it ended before this rung (diverged or failed): out of the running
            }
            if (!pending.isEmpty()) {
                stages.addAll(pending);
                return new Plan(stages, epoch, decisions);
            }
            Set<Trial> promoted = promote(rule, reached, epoch, standings);
            for (Trial t : reached) {
                if (!promoted.contains(t) && !standing(standings, t).ended()) {
                    stages.add(new TrialStage(t, epoch, true));
                }
            }
            decisions.add(new Decision(epoch, reached.size(), promoted.size()));
            running = running.stream().filter(promoted::contains).toList();
        }
        running.stream().filter(t -> !standing(standings, t).ended()).forEach(t -> stages.add(TrialStage.whole(t)));
        return new Plan(stages, rule.maxEpochs(), decisions);
    }

    /** The trials of {@code reached} that go on past rung {@code epoch}: each group's best share by the metric. */
    static Set<Trial> promote(EarlyStopping rule, List<Trial> reached, int epoch, Map<String, Standing> standings) {
        Comparator<Trial> best = Comparator.comparingDouble((Trial t) -> rank(rule, t, epoch, standings))
                .thenComparing(Trial::id);
        return groups(rule, reached).stream().flatMap(group -> group.stream().sorted(best)
                        .limit(Math.max(1, group.size() / rule.reductionFactor())))
                .collect(Collectors.toSet());
    }

    /** A sort key where smaller is better: the metric, negated when higher is better; NaN (unmeasurable) last. */
    private static double rank(EarlyStopping rule, Trial t, int epoch, Map<String, Standing> standings) {
        OptionalDouble value = rule.valueAt(standing(standings, t).curve(), epoch, t.settings().supervision());
        double v = value.orElse(Double.NaN);
        if (Double.isNaN(v)) {
            return Double.POSITIVE_INFINITY;
        }
        return rule.lowerIsBetter() ? v : -v;
    }

    /** {@code trials} by the values of the schedule's {@code by} settings, in order of first appearance. */
    private static Collection<List<Trial>> groups(EarlyStopping rule, List<Trial> trials) {
        return trials.stream().collect(Collectors.groupingBy(t -> rule.by().stream().map(k -> t.values().get(k))
                .toList(), LinkedHashMap::new, Collectors.toList())).values();
    }

    private static Standing standing(Map<String, Standing> standings, Trial t) {
        return standings.getOrDefault(t.id(), Standing.NEW);
    }

    /**
     * The optimiser steps successive halving takes if no trial diverges: in each group, the trials that reach each
     * rung times the steps between rungs (of the group's mean trial). Without early stopping, the sweep's total.
     */
    public static long expectedSteps(Sweep sweep) {
        EarlyStopping rule = sweep.earlyStopping();
        if (rule == null) {
            return sweep.totalSteps();
        }
        double steps = 0;
        for (List<Trial> group : groups(rule, sweep.trials())) {
            double stepsPerEpoch = group.stream().mapToDouble(t -> t.settings().stepsUntil(1)).average().orElse(0);
            int trials = group.size();
            int from = 0;
            for (int epoch : rule.rungs()) {
                steps += (double) trials * (epoch - from) * stepsPerEpoch;
                trials = Math.max(1, trials / rule.reductionFactor());
                from = epoch;
            }
            steps += (double) trials * (rule.maxEpochs() - from) * stepsPerEpoch;
        }
        return Math.round(steps);
    }
}
