package org.sirensweep.trial;

import java.io.Serializable;

/**
 * How well a picture at {@code size}² matches the original image at that size: {@code method} is {@code network}
 * (the trained network rendered at that size), {@code network-affine} (after the affine fit made at the training
 * size), or an interpolation of the training image ({@code nearest}, {@code bilinear}, {@code bicubic}).
 */
public record UpscaleScore(int size, String method, double psnr, double ssim) implements Serializable {
}
