package org.sirensweep.train;

/**
 * One sample of the learning curve: after {@code step} optimiser steps ({@code epoch} epochs), the mean training
 * loss over that epoch's batches, the PSNR of the value at the training resolution (raw and after the affine fit,
 * see {@link Evaluation}), and the training seconds so far (evaluation time excluded).
 */
public record CurvePoint(long step, int epoch, double loss, double psnr, double psnrAffine, double seconds) {
}
