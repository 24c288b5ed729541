package org.sirensweep.model;

import org.sirensweep.model.StepPhases.Phase;

/**
 * A backend's {@link PassOps}, each call timed into its {@link StepPhases} phase (products, activation, streams; the
 * output bias falls to the step's rest). The same calls in the same order, so the same bits.
 *
 * @param <M> the backend's matrix
 */
public final class TimedPassOps<M> implements PassOps<M> {
    private final PassOps<M> ops;
    private final StepPhases phases;

    /** Times {@code ops}'s calls into {@code phases}. */
    public TimedPassOps(PassOps<M> ops, StepPhases phases) {
        this.ops = ops;
        this.phases = phases;
    }

    @Override
    public void weightProduct(M in, int layer, M out) {
        timed(Phase.PRODUCTS, () -> ops.weightProduct(in, layer, out));
    }

    @Override
    public void adjointProduct(M adjoint, int layer, M out) {
        timed(Phase.PRODUCTS, () -> ops.adjointProduct(adjoint, layer, out));
    }

    @Override
    public void weightGradient(M in, M adjoint, int layer, boolean accumulate) {
        timed(Phase.PRODUCTS, () -> ops.weightGradient(in, adjoint, layer, accumulate));
    }

    @Override
    public void biasGradient(M adjoint, int layer) {
        timed(Phase.PRODUCTS, () -> ops.biasGradient(adjoint, layer));
    }

    @Override
    public void zeroBiasGradient(int layer) {
        ops.zeroBiasGradient(layer);
    }

    @Override
    public void activate(int layer, M sine, M cosine) {
        timed(Phase.ACTIVATION, () -> ops.activate(layer, sine, cosine));
    }

    @Override
    public void addBias(int layer, M out) {
        ops.addBias(layer, out);
    }

    @Override
    public void streamsForward(int k) {
        timed(Phase.STREAMS, () -> ops.streamsForward(k));
    }

    @Override
    public void streamsBackward(int k, M[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive) {
        timed(Phase.STREAMS, () -> ops.streamsBackward(k, up, valueActive, tangentsActive, laplacianActive));
    }

    private void timed(Phase phase, Runnable call) {
        long start = System.nanoTime();
        call.run();
        phases.add(phase, System.nanoTime() - start);
    }
}
