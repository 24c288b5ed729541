/**
 * Measurements of the engine on the current machine: the matmul ceiling for a trial's shapes, the cost of a training
 * step per supervision type, and the memory a training takes (used by {@code siren-sweep bench}); and the GPU check
 * ({@link org.sirensweep.bench.GpuCheck}, run by {@code benchmarks/gpu-check.sh}, one phase at a time, its whole
 * trial in {@link org.sirensweep.bench.GpuTrialCheck}).
 */
package org.sirensweep.bench;
