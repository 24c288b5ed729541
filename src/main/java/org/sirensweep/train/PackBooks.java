package org.sirensweep.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.TrainingTargets;

/**
 * The trainer's books over a pack's steps, epoch range by epoch range: the steps run to the next epoch where a
 * member samples its curve (or the end), then each member's books take the curve sample and the checkpoint due
 * there. {@link PackSteps} report each step's losses, which the members' books add up.
 */
final class PackBooks implements PackSteps.Listener {
    /** Steps whose times are kept for the median (a longer run's later steps are like its first). */
    private static final int TIMED_STEPS = 1 << 16;

    private final List<MemberBooks> members = new ArrayList<>();
    private final PackSteps steps;
    private final PixelImage image;
    private final int untilEpoch;
    private final int batches;
    private final int pack;
    private final TrainingConfig shape;
    /** What every curve sample is measured against: all targets, whatever the supervision trains on. */
    private final TrainingTargets allTargets;

    private final long totalSteps;
    /** The pack's step times (a step trains every member), from the first step this run took. */
    private final long[] stepNanos;

    private long resumedFrom;
    private long step;
    private int running;

    PackBooks(List<Trainer.Member> members, PackSteps steps, PixelImage image, int untilEpoch, BatchSchedule batches) {
        this.steps = steps;
        this.image = image;
        this.untilEpoch = untilEpoch;
        this.batches = batches.batches();
        this.pack = members.size();
        this.shape = members.get(0).config();
        this.allTargets = TrainingTargets.all(image, shape.targetScales());
        for (int p = 0; p < pack; p++) {
            this.members.add(new MemberBooks(p, members.get(p)));
        }
        totalSteps = (long) untilEpoch * this.batches;
        stepNanos = new long[(int) Math.min(totalSteps, TIMED_STEPS)];
        running = pack;
    }

    List<TrainingResult> train() {
        int epoch = resume();
        while (epoch <= untilEpoch && running > 0) {
            int last = steps.runEnd(epoch, nextStop(epoch));
            steps.run(epoch, last, step, this);
            boolean pause = last == untilEpoch && untilEpoch < shape.epochs();
            for (MemberBooks m : members) {
                if (m.result == null) {
                    m.endOfRange(last, pause);
                }
            }
            epoch = last + 1;
        }
        return members.stream()
                .map(m -> m.result != null ? m.result : m.finish())
                .toList();
    }

    /** Continues from the members' saved states where all have one; returns the first epoch to train. */
    private int resume() {
        int firstEpoch = 1;
        TrainingState[] resumed = resumable(members.stream().map(m -> m.member).toList(), untilEpoch);
        if (resumed != null) {
            for (MemberBooks m : members) {
                m.restore(resumed[m.index]);
            }
            step = resumed[0].step();
            firstEpoch = resumed[0].epoch() + 1;
        }
        resumedFrom = step;
        long now = System.nanoTime();
        members.forEach(m -> m.lastSave = now); // checkpoint intervals count from here
        return firstEpoch;
    }

    /** The first epoch from {@code epoch} on where a member samples its curve, or {@code untilEpoch}. */
    private int nextStop(int epoch) {
        for (int e = epoch; e < untilEpoch; e++) {
            for (MemberBooks m : members) {
                if (m.member.config().samplesCurveAt(e)) {
                    return e;
                }
            }
        }
        return untilEpoch;
    }

    @Override
    public boolean step(long index, double[] losses, long nanos) {
        for (MemberBooks m : members) {
            if (m.result == null && !Double.isFinite(losses[m.index])) {
                m.diverge(index, losses[m.index], nanos);
                running--;
            }
        }
        if (running == 0) {
            return false;
        }
        if (index - resumedFrom < stepNanos.length) {
            stepNanos[(int) (index - resumedFrom)] = nanos;
        }
        step = index + 1;
        for (MemberBooks m : members) {
            if (m.result == null) {
                m.addStep(losses[m.index], nanos);
            }
        }
        return true;
    }

    @Override
    public void epochEnd(int epoch) {
        for (MemberBooks m : members) {
            if (m.result == null) {
                m.epochLoss = m.lossSum / batches;
                m.lossSum = 0;
            }
        }
    }

    /** One member's books: its curve, training time, losses, last checkpoint, and its result once it has one. */
    private final class MemberBooks {
        private final int index;
        private final Trainer.Member member;
        private final List<CurvePoint> curve = new ArrayList<>();
        private long trainNanos;
        private double lossSum;
        /** The last epoch's mean loss; a state saved at untilEpoch runs no epoch: its last sample holds it. */
        private double epochLoss = Double.NaN;

        private long lastSave;
        private TrainingResult result;

        MemberBooks(int index, Trainer.Member member) {
            this.index = index;
            this.member = member;
        }

        void restore(TrainingState state) {
            steps.restore(index, state.parameters(), state.optimizerState());
            curve.addAll(state.curve());
            trainNanos = state.trainNanos();
            member.progress().step(state.step(), totalSteps);
            epochLoss =
                    curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).loss();
        }

        void addStep(double loss, long nanos) {
            lossSum += loss;
            trainNanos += nanos / pack;
            member.progress().step(step, totalSteps);
        }

        void diverge(long index, double loss, long nanos) {
            trainNanos += nanos / pack;
            result = new TrainingResult(
                    steps.network(this.index),
                    TrialStatus.DIVERGED,
                    index + 1,
                    index,
                    loss,
                    Measures.UNKNOWN,
                    List.copyOf(curve),
                    trainNanos / 1e9,
                    medianMillis(stepNanos, index - resumedFrom) / pack,
                    resumedFrom);
        }

        /** At the end of an epoch range: the curve sample and the checkpoint due at {@code epoch}. */
        void endOfRange(int epoch, boolean pause) {
            if (member.config().samplesCurveAt(epoch) || epoch == untilEpoch) {
                Measures measures = Measures.of(steps.render(index, image.height(), image.width()), image, allTargets);
                CurvePoint point = new CurvePoint(step, epoch, epochLoss, measures, trainNanos / 1e9);
                curve.add(point);
                member.progress().curve(point);
            }
            long interval = member.checkpoints().interval().toNanos();
            if (pause || (interval > 0 && epoch < untilEpoch && System.nanoTime() - lastSave >= interval)) {
                member.checkpoints()
                        .save(new TrainingState(
                                epoch, step, steps.parameters(index), steps.optimizerState(index), curve, trainNanos));
                lastSave = System.nanoTime();
            }
        }

        /** The result of a member that trained to {@code untilEpoch}. */
        TrainingResult finish() {
            if (curve.isEmpty()) {
                throw new IllegalStateException("the saved state at epoch " + untilEpoch + " has no curve sample");
            }
            // A run that took no step (it continued from a state at its end) reports the mean step time saved.
            double msPerStep =
                    step > resumedFrom ? medianMillis(stepNanos, step - resumedFrom) / pack : trainNanos / 1e6 / step;
            return new TrainingResult(
                    steps.network(index),
                    untilEpoch == shape.epochs() ? TrialStatus.OK : TrialStatus.STOPPED,
                    -1,
                    step,
                    epochLoss,
                    curve.get(curve.size() - 1).measures(),
                    List.copyOf(curve),
                    trainNanos / 1e9,
                    msPerStep,
                    resumedFrom);
        }
    }

    /**
     * The members' saved states if all have one of the same epoch (none past {@code untilEpoch}), else null: a pack
     * continues together or starts over together.
     */
    private static TrainingState[] resumable(List<Trainer.Member> members, int untilEpoch) {
        TrainingState[] states = new TrainingState[members.size()];
        boolean all = true;
        for (int p = 0; p < states.length; p++) {
            states[p] = members.get(p).checkpoints().load().orElse(null);
            if (states[p] != null && states[p].epoch() > untilEpoch) {
                throw new IllegalStateException("the saved state is at epoch " + states[p].epoch() + ", past epoch "
                        + untilEpoch + " where this training is to end");
            }
            all &= states[0] != null
                    && states[p] != null
                    && states[p].epoch() == states[0].epoch()
                    && states[p].step() == states[0].step();
        }
        return all ? states : null;
    }

    /** Median step time in ms, leaving out the warm-up steps when there are enough steps to spare them. */
    private static double medianMillis(long[] nanos, long steps) {
        int n = (int) Math.min(steps, nanos.length);
        if (n == 0) {
            return Double.NaN;
        }
        int from = n > 2 * Trainer.WARM_UP_STEPS ? Trainer.WARM_UP_STEPS : 0;
        long[] kept = Arrays.copyOfRange(nanos, from, n);
        Arrays.sort(kept);
        int m = kept.length;
        double median = m % 2 == 1 ? kept[m / 2] : (kept[m / 2 - 1] + kept[m / 2]) / 2.0;
        return median / 1e6;
    }
}
