/**
 * The engine's one entry point: {@link org.sirensweep.trial.TrialSettings} in, {@link
 * org.sirensweep.trial.TrialEngine} loads the image, trains, measures and renders, {@link
 * org.sirensweep.trial.TrialOutcome} out; with the upscale scores and a trial's checkpoint file. Used alike by
 * {@code train} and by every Spark task of a sweep.
 */
package org.sirensweep.trial;
