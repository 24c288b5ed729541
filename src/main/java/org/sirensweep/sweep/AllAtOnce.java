package org.sirensweep.sweep;

import java.util.List;
import java.util.Map;

/** The plain schedule: every trial without a row trains whole, all in one job. */
public record AllAtOnce(Sweep sweep) implements Scheduler {

    @Override
    public Plan next(Map<String, Standing> standings) {
        List<TrialStage> stages = sweep.trials().stream()
                .filter(t -> !standings.getOrDefault(t.id(), Standing.NEW).ended())
                .map(TrialStage::whole)
                .toList();
        return new Plan(stages, 0, List.of());
    }

    @Override
    public long expectedSteps() {
        return sweep.totalSteps();
    }
}
