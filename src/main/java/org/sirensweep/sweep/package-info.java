/**
 * Sweep files: YAML parsing and validation (every problem one line naming the file and key), grid expansion into
 * {@link org.sirensweep.sweep.Trial}s with stable ids, and each trial's planned memory checked before any work.
 */
package org.sirensweep.sweep;
