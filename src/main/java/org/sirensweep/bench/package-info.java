/**
 * Measurements of the engine on the current machine: the matmul ceiling for a trial's shapes, the cost of a training
 * step per supervision type, and the memory a training takes. Used by {@code siren-sweep bench}.
 */
package org.sirensweep.bench;
