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
        long start = System.nanoTime();
        ops.weightProduct(in, layer, out);
        phases.add(Phase.PRODUCTS, System.nanoTime() - start);
    }

    @Override
    public void adjointProduct(M adjoint, int layer, M out) {
        long start = System.nanoTime();
        ops.adjointProduct(adjoint, layer, out);
        phases.add(Phase.PRODUCTS, System.nanoTime() - start);
    }

    @Override
    public void weightGradient(M in, M adjoint, int layer, boolean accumulate) {
        long start = System.nanoTime();
        ops.weightGradient(in, adjoint, layer, accumulate);
        phases.add(Phase.PRODUCTS, System.nanoTime() - start);
    }

    @Override
    public void biasGradient(M adjoint, int layer) {
        long start = System.nanoTime();
        ops.biasGradient(adjoint, layer);
        phases.add(Phase.PRODUCTS, System.nanoTime() - start);
    }

    @Override
    public void zeroBiasGradient(int layer) {
        ops.zeroBiasGradient(layer);
    }

    @Override
    public void activate(int layer, M sine, M cosine) {
        long start = System.nanoTime();
        ops.activate(layer, sine, cosine);
        phases.add(Phase.ACTIVATION, System.nanoTime() - start);
    }

    @Override
    public void addBias(int layer, M out) {
        ops.addBias(layer, out);
    }

    @Override
    public void streamsForward(int k) {
        long start = System.nanoTime();
        ops.streamsForward(k);
        phases.add(Phase.STREAMS, System.nanoTime() - start);
    }

    @Override
    public void streamsBackward(int k, M[] up, boolean valueActive, boolean tangentsActive, boolean laplacianActive) {
        long start = System.nanoTime();
        ops.streamsBackward(k, up, valueActive, tangentsActive, laplacianActive);
        phases.add(Phase.STREAMS, System.nanoTime() - start);
    }
}
