/**
 * The SIREN itself: its shape ({@link org.sirensweep.model.SirenConfig}) and initialisation, the forward pass with
 * its gradient and Laplacian streams and its exact reverse pass ({@link org.sirensweep.model.SirenPass}) in
 * preallocated buffers ({@link org.sirensweep.model.Workspace}), for one network or a pack of networks of one shape
 * side by side, the direct BLAS products, the deterministic sine activation, the losses, memory sizes and {@code
 * .npz} weights. Uses {@code image} for the supervision types.
 */
package org.sirensweep.model;
