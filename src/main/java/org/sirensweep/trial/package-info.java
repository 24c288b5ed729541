/**
 * The engine's one entry point: {@link org.sirensweep.trial.TrialSettings} in, {@link
 * org.sirensweep.trial.TrialEngine} loads the image, trains, measures and renders, {@link
 * org.sirensweep.trial.TrialOutcome} out; with the upscale scores and a trial's checkpoint file. Used alike by
 * {@code train} and by every Spark task of a sweep. The settings are declared once ({@link
 * org.sirensweep.trial.Setting}), and what a trial costs (steps, relative work, memory) is worked out from them in
 * one place ({@link org.sirensweep.trial.TrialCost}); {@link org.sirensweep.trial.Compute} says where it computes.
 */
package org.sirensweep.trial;
