/**
 * Sweep files: YAML parsing and validation (every problem one line naming the file and key), grid expansion and
 * random sampling into {@link org.sirensweep.sweep.Trial}s with stable ids, each trial's planned memory checked
 * before any work, and the {@link org.sirensweep.sweep.Scheduler} that says which {@link
 * org.sirensweep.sweep.TrialStage}s a sweep runs next: every trial whole ({@link org.sirensweep.sweep.AllAtOnce}), or
 * rung by rung ({@link org.sirensweep.sweep.SuccessiveHalving}), grouped into packs by {@link
 * org.sirensweep.sweep.TrialPacks}; and where a running sweep stands ({@link org.sirensweep.sweep.SweepProgress}).
 */
package org.sirensweep.sweep;
