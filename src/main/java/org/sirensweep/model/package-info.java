/**
 * The SIREN itself: its shape ({@link org.sirensweep.model.SirenConfig}) and initialisation, the forward pass with
 * its gradient and Laplacian streams and its exact reverse pass ({@link org.sirensweep.model.SirenPass}), for one
 * network or a pack of networks of one shape side by side, written once over the compute seam ({@link
 * org.sirensweep.model.PassArrays}, {@link org.sirensweep.model.PassOps}) and the CPU's side of it: preallocated ND4J
 * buffers ({@link org.sirensweep.model.Workspace}), the direct BLAS products, the deterministic sine activation and
 * fused stream arithmetic. Also the losses, memory sizes, {@code .npz} weights, and where a step's time goes ({@link
 * org.sirensweep.model.StepPhases}, for {@code bench}). Uses {@code image} for the
 * supervision types.
 */
package org.sirensweep.model;
