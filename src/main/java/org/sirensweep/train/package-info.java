/**
 * Fitting a SIREN to an image: the training loop ({@link org.sirensweep.train.Trainer}: curve, divergence and
 * checkpoints through {@link org.sirensweep.train.Checkpoints}, for one network or a pack of them, over a pack's
 * optimiser steps on the CPU or a GPU: Adam, batches (how an epoch splits: {@link org.sirensweep.train.Batches}),
 * the passes), the measures a trial is judged by ({@link
 * org.sirensweep.train.Measures}, {@link org.sirensweep.train.HarmonicFit}; trials traded on two at once: {@link
 * org.sirensweep.train.ParetoFront}) and chunked rendering at any size. Uses
 * {@code cuda}, {@code model} and {@code image}.
 */
package org.sirensweep.train;
