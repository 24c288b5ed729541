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

/**
 * Successive halving (Ray Tune's ASHA, promoted in rounds), rung by rung: the trials still in the running train to
 * the rung and pause; once all of them have reached it (or ended before it), each group keeps its best {@code max(1,
 * ⌊n / factor⌋)} by the metric at that epoch, ties broken by trial id, and the others commit a {@code stopped} row
 * there. The trials left after the last rung train to the end. Worked out afresh from the standings at every plan
 * (see {@link Scheduler}).
 */
public final class SuccessiveHalving implements Scheduler {
    private final Sweep sweep;
    private final EarlyStopping rule;

    /** The schedule of {@code sweep}, which must have an early-stopping rule. */
    public SuccessiveHalving(Sweep sweep) {
        this.sweep = sweep;
        this.rule = java.util.Objects.requireNonNull(sweep.earlyStopping(), "a sweep without early stopping");
    }

    @Override
    public Plan next(Map<String, Standing> standings) {
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
        return groups(rule, reached).stream()
                .flatMap(group -> group.stream().sorted(best).limit(Math.max(1, group.size() / rule.reductionFactor())))
                .collect(Collectors.toSet());
    }

    /** A sort key where smaller is better: the metric, negated when higher is better; NaN (unmeasurable) last. */
    private static double rank(EarlyStopping rule, Trial t, int epoch, Map<String, Standing> standings) {
        OptionalDouble value =
                rule.valueAt(standing(standings, t).curve(), epoch, t.settings().supervision());
        double v = value.orElse(Double.NaN);
        if (Double.isNaN(v)) {
            return Double.POSITIVE_INFINITY;
        }
        return rule.lowerIsBetter() ? v : -v;
    }

    /** {@code trials} by the values of the schedule's {@code by} settings, in order of first appearance. */
    private static Collection<List<Trial>> groups(EarlyStopping rule, List<Trial> trials) {
        return trials.stream()
                .collect(Collectors.groupingBy(
                        t -> rule.by().stream().map(k -> t.values().get(k)).toList(),
                        LinkedHashMap::new,
                        Collectors.toList()))
                .values();
    }

    private static Standing standing(Map<String, Standing> standings, Trial t) {
        return standings.getOrDefault(t.id(), Standing.NEW);
    }

    /**
     * The optimiser steps successive halving takes if no trial diverges: in each group, the trials that reach each
     * rung times the steps between rungs (of the group's mean trial).
     */
    @Override
    public long expectedSteps() {
        double steps = 0;
        for (List<Trial> group : groups(rule, sweep.trials())) {
            double stepsPerEpoch = group.stream()
                    .mapToDouble(t -> t.settings().cost().stepsUntil(1))
                    .average()
                    .orElse(0);
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
