package org.sirensweep.train;

/**
 * One sample of the learning curve: after {@code step} optimiser steps ({@code epoch} epochs), the mean training
 * loss over that epoch's batches, the {@link Measures} of the network at the training resolution, and the training
 * seconds so far (evaluation time excluded).
 */
public record CurvePoint(long step, int epoch, double loss, Measures measures, double seconds) {}
