package org.sirensweep.trial;

import java.util.ArrayList;
import java.util.List;
import org.sirensweep.image.PngCodec;
import org.sirensweep.image.Supervision;
import org.sirensweep.train.Evaluation;
import org.sirensweep.train.HarmonicFit;
import org.sirensweep.train.Rendering;

/**
 * One picture a trial produced, PNG-encoded: {@code kind} is {@code target} (the training image), {@code value},
 * {@code value-affine} (after the per-channel affine fit), {@code value-harmonic} (after the harmonic fit of {@link
 * HarmonicFit}), {@code gradient}, {@code laplacian} or {@code bicubic} (the
 * training image interpolated to a render size); {@code size} is its square side in pixels.
 */
public record TrialImage(String kind, int size, byte[] png) {

    /** The file name used when the pictures are written to a folder: extra sizes carry a size prefix. */
    public String fileName(int trainingResolution) {
        return (size == trainingResolution ? "" : size + "-") + kind + ".png";
    }

    /** The kind of the value picture that shows what {@code supervision} determines (the fit a measure judges). */
    public static String determinedKind(Supervision supervision) {
        return switch (supervision) {
            case VANILLA, COMBINED -> "value";
            case GRADIENT -> "value-affine";
            case LAPLACIAN -> "value-harmonic";
        };
    }

    /** What the picture shows, for result files. */
    public String description() {
        String at = " at " + size + "x" + size;
        return switch (kind) {
            case "target" -> "the training image" + at;
            case "value" -> "network value" + at + ", clip(out/2+0.5)";
            case "value-affine" -> "network value" + at + " after the affine fit";
            case "value-harmonic" -> "network value" + at + " after the harmonic fit (what a Laplacian determines)";
            case "gradient" -> "network gradient" + at + " (HSV: hue = direction)";
            case "laplacian" -> "network Laplacian" + at + " (RdBu, 2% clipped)";
            case "bicubic" -> "bicubic interpolation of the training image" + at + " (the upscale baseline)";
            default -> kind + at;
        };
    }

    /**
     * The pictures of a rendering: value (and, given the fits, its affine- and harmonic-fitted values), gradient and
     * Laplacian.
     */
    public static List<TrialImage> of(Rendering rendering, Evaluation.Affine affine, HarmonicFit harmonic) {
        int size = rendering.width();
        List<TrialImage> images = new ArrayList<>();
        images.add(new TrialImage("value", size, PngCodec.encode(rendering.valueImage())));
        if (affine != null) {
            images.add(new TrialImage("value-affine", size, PngCodec.encode(rendering.valueImage(affine))));
        }
        if (harmonic != null) {
            images.add(new TrialImage("value-harmonic", size, PngCodec.encode(harmonic.apply(rendering))));
        }
        if (rendering.gradient() != null) {
            images.add(new TrialImage("gradient", size, PngCodec.encode(rendering.gradientImage())));
        }
        if (rendering.laplacian() != null) {
            images.add(new TrialImage("laplacian", size, PngCodec.encode(rendering.laplacianImage())));
        }
        return images;
    }
}
