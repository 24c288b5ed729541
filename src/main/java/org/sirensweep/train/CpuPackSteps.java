package org.sirensweep.train;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingTargets;
import org.sirensweep.model.CpuPassOps;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.ParameterViews;
import org.sirensweep.model.PassOps;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenPass;
import org.sirensweep.model.StepPhases;
import org.sirensweep.model.StepPhases.Phase;
import org.sirensweep.model.SupervisedLoss;
import org.sirensweep.model.TimedPassOps;
import org.sirensweep.model.Workspace;

/**
 * {@link PackSteps} on the CPU: ND4J workspaces, the networks updated in place, one epoch a run, step by step; each
 * step's phases timed into a {@link StepPhases} if it is given one.
 */
final class CpuPackSteps implements PackSteps {
    private final Siren[] nets;
    private final ParameterViews[] gradients;
    private final AdamOptimizer[] adams;
    private final BatchSchedule[] schedules;
    private final TrainingTargets targets;
    private final Supervision supervision;
    private final SirenPass.OutputAdjoints adjoints;
    private final Workspace capacity;
    private final Renderer evaluator;
    /** Where the step time goes, or null: nothing timed. */
    private final StepPhases phases;

    private final boolean[] alive;
    private int running;
    private boolean filled;

    CpuPackSteps(
            Siren[] nets,
            double[] learningRates,
            BatchSchedule[] schedules,
            TrainingTargets targets,
            Supervision supervision,
            StepPhases phases) {
        this.nets = nets;
        this.phases = phases;
        this.schedules = schedules;
        this.targets = targets;
        this.supervision = supervision;
        int pack = nets.length;
        long parameters = nets[0].config().parameterCount();
        gradients = new ParameterViews[pack];
        adams = new AdamOptimizer[pack];
        for (int p = 0; p < pack; p++) {
            gradients[p] = new ParameterViews(nets[p].config(), Nd4j.zeros(nets[p].dataType(), 1, parameters));
            adams[p] = new AdamOptimizer(learningRates[p], Math.toIntExact(parameters));
        }
        adjoints = SupervisedLoss.adjoints(supervision);
        capacity = Workspace.allocate(
                nets[0].config(),
                Derivatives.of(supervision),
                schedules[0].largestBatch(),
                nets[0].dataType(),
                true,
                pack);
        evaluator = new Renderer(nets[0], Derivatives.ALL);
        alive = new boolean[pack];
        Arrays.fill(alive, true);
        running = pack;
    }

    @Override
    public int runEnd(int epoch, int limit) {
        return epoch;
    }

    @Override
    public void run(int first, int last, long firstStep, Listener listener) {
        long step = firstStep;
        BatchSchedule batches = schedules[0]; // every member's batches have the same sizes
        for (int epoch = first; epoch <= last; epoch++) {
            for (BatchSchedule schedule : schedules) {
                schedule.beginEpoch(epoch);
            }
            for (int batch = 0; batch < batches.batches(); batch++) {
                long start = System.nanoTime();
                Workspace ws = capacity.resized(batches.batchSize(batch));
                for (int p = 0; p < nets.length; p++) {
                    if (!schedules[p].isStatic() || !filled) {
                        fill(ws, p, targets, schedules[p], batch);
                    }
                }
                filled = true;
                since(Phase.BATCH, start);
                PassOps<INDArray> ops = new CpuPassOps(ws, nets, gradients);
                if (phases != null) {
                    ops = new TimedPassOps<>(ops, phases);
                }
                SirenPass.forward(ws, ops);
                long mark = System.nanoTime();
                double[] loss = SupervisedLoss.applyEach(supervision, ws);
                since(Phase.LOSS, mark);
                for (int p = 0; p < nets.length; p++) {
                    if (alive[p] && !Double.isFinite(loss[p])) {
                        alive[p] = false;
                        running--;
                    }
                }
                if (running == 0) {
                    listener.step(step, loss, endStep(start));
                    return;
                }
                SirenPass.backward(ws, ops, adjoints);
                mark = System.nanoTime();
                for (int p = 0; p < nets.length; p++) {
                    if (alive[p]) {
                        adams[p].update(nets[p].parameters(), gradients[p].flat(), step);
                    }
                }
                since(Phase.OPTIMIZER, mark);
                listener.step(step, loss, endStep(start));
                step++;
            }
            listener.epochEnd(epoch);
        }
    }

    @Override
    public float[] parameters(int p) {
        return nets[p].parameters().toFloatVector();
    }

    @Override
    public float[] optimizerState(int p) {
        return adams[p].state();
    }

    @Override
    public void restore(int p, float[] parameters, float[] optimizerState) {
        if (parameters.length != nets[p].parameters().length()) {
            throw new IllegalArgumentException("the saved training state has " + parameters.length
                    + " parameters, this network " + nets[p].parameters().length());
        }
        nets[p].parameters()
                .assign(Nd4j.createFromArray(parameters)
                        .reshape(nets[p].parameters().shape()));
        adams[p].restore(optimizerState);
    }

    @Override
    public Rendering render(int p, int height, int width) {
        return evaluator.render(nets[p], height, width);
    }

    @Override
    public Siren network(int p) {
        return nets[p];
    }

    @Override
    public void close() {
        evaluator.close();
        capacity.close();
    }

    /** Now; the time since {@code start} goes to {@code phase} if steps are timed. */
    private long since(Phase phase, long start) {
        long now = System.nanoTime();
        if (phases != null) {
            phases.add(phase, now - start);
        }
        return now;
    }

    /** The step's time since {@code start}, which ends it for the phases if steps are timed. */
    private long endStep(long start) {
        long nanos = System.nanoTime() - start;
        if (phases != null) {
            phases.endStep(nanos);
        }
        return nanos;
    }

    /**
     * Copies one batch of member {@code p}'s coordinates and targets into its block of the workspace (f-order:
     * column j at j·rows; a block's data buffer starts at the block).
     */
    private static void fill(Workspace ws, int p, TrainingTargets targets, BatchSchedule schedule, int batch) {
        int rows = ws.rows();
        double[] xy = targets.coordinates();
        DataBuffer input = ws.block(ws.input(), p).data();
        for (int r = 0; r < rows; r++) {
            int point = schedule.point(batch, r);
            input.put(r, xy[point * 2]);
            input.put(rows + r, xy[point * 2 + 1]);
        }
        if (targets.values() != null) {
            fillColumns(ws.block(ws.targetValues(), p), targets.values(), schedule, batch);
        }
        for (int axis = 0; targets.gradients() != null && axis < 2; axis++) {
            fillColumns(ws.block(ws.targetGradient(axis), p), targets.gradients()[axis], schedule, batch);
        }
        if (targets.laplacians() != null) {
            fillColumns(ws.block(ws.targetLaplacian(), p), targets.laplacians(), schedule, batch);
        }
    }

    private static void fillColumns(INDArray target, double[][] planes, BatchSchedule schedule, int batch) {
        int rows = target.rows();
        DataBuffer data = target.data();
        for (int c = 0; c < planes.length; c++) {
            for (int r = 0; r < rows; r++) {
                data.put((long) c * rows + r, planes[c][schedule.point(batch, r)]);
            }
        }
    }
}
