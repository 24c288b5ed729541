/**
 * Pictures and what a SIREN fits in them: PNG decoding and encoding, Pillow-compatible resampling, scipy-compatible
 * Sobel and Laplace filters, pixel coordinates and the training targets (values, gradient, Laplacian, with their
 * {@link org.sirensweep.image.TargetScales}), SSIM and the colour maps of the derivative renders. Knows nothing of
 * networks.
 */
package org.sirensweep.image;
