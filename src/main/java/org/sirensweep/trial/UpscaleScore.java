package org.sirensweep.trial;

import java.io.Serializable;
import org.sirensweep.image.Supervision;

/**
 * How well a picture at {@code size}² matches the original image at that size: {@code method} is {@code network}
 * (the trained network rendered at that size), {@code network-affine} (after the affine fit made at the training
 * size), or an interpolation of the training image ({@code nearest}, {@code bilinear}, {@code bicubic}).
 */
public record UpscaleScore(int size, String method, double psnr, double ssim) implements Serializable {

    /** The method scoring what {@code supervision} determines: the network after the fit its measure judges. */
    public static String determinedMethod(Supervision supervision) {
        return switch (supervision) {
            case VANILLA, COMBINED -> "network";
            case GRADIENT -> "network-affine";
            case LAPLACIAN -> "network-harmonic";
        };
    }
}
