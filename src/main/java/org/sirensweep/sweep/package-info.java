/**
 * Sweep files: YAML parsing and validation (every problem one line naming the file and key), grid expansion and
 * random sampling into {@link org.sirensweep.sweep.Trial}s with stable ids, each trial's planned memory checked
 * before any work, and the schedule of {@link org.sirensweep.sweep.TrialStage}s a sweep runs: every trial whole, or
 * rung by rung under {@link org.sirensweep.sweep.SuccessiveHalving}, grouped into packs by {@link
 * org.sirensweep.sweep.TrialPacks}.
 */
package org.sirensweep.sweep;
