package org.sirensweep.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.ResampleFilter;
import org.sirensweep.image.Resampler;
import org.sirensweep.image.Ssim;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.train.Evaluation;
import org.sirensweep.train.HarmonicFit;
import org.sirensweep.train.Rendering;

/**
 * The upscale test: a network trained on a downsample of an image, rendered at a larger size, against the original
 * image at that size, next to interpolations of the training image (Pillow's nearest, bilinear and bicubic).
 */
final class Upscaling {
    static final List<ResampleFilter> BASELINES =
            List.of(ResampleFilter.NEAREST, ResampleFilter.BILINEAR, ResampleFilter.BICUBIC);

    private Upscaling() {}

    /**
     * The original at {@code size}²: the original itself at its own size, else its Lanczos downsample (the
     * training image's filter); {@code null} when the original is smaller, as nothing true is known there.
     */
    static PixelImage reference(PixelImage original, int size) {
        if (original.height() == size && original.width() == size) {
            return original;
        }
        if (size > Math.min(original.height(), original.width())) {
            return null;
        }
        return TrainingImage.fromOriginal(original, "original", size);
    }

    /** Scores of the network's rendering and of each interpolation baseline against {@code reference}. */
    static List<UpscaleScore> scores(
            Rendering network,
            Evaluation.Affine affine,
            HarmonicFit harmonic,
            PixelImage training,
            PixelImage reference) {
        int size = reference.width();
        List<UpscaleScore> scores = new ArrayList<>();
        scores.add(score(size, "network", network.valueImage(), reference));
        scores.add(score(size, "network-affine", network.valueImage(affine), reference));
        scores.add(score(size, "network-harmonic", harmonic.apply(network), reference));
        for (ResampleFilter filter : BASELINES) {
            scores.add(
                    score(size, filter.name().toLowerCase(Locale.ROOT), baseline(training, size, filter), reference));
        }
        return scores;
    }

    static PixelImage baseline(PixelImage training, int size, ResampleFilter filter) {
        return Resampler.resize(training, size, size, filter);
    }

    private static UpscaleScore score(int size, String method, PixelImage picture, PixelImage reference) {
        return new UpscaleScore(size, method, Evaluation.psnr(picture, reference), Ssim.of(picture, reference));
    }
}
