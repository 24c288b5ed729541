/**
 * Fitting a SIREN to an image: the training loop ({@link org.sirensweep.train.Trainer}: Adam, batches, curve,
 * divergence, checkpoints through {@link org.sirensweep.train.Checkpoints}, for one network or a pack of them), the measures a trial is judged by
 * ({@link org.sirensweep.train.Measures}, {@link org.sirensweep.train.HarmonicFit}) and chunked rendering at any
 * size. Uses {@code model} and {@code image}.
 */
package org.sirensweep.train;
