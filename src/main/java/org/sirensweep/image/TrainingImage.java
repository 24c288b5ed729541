package org.sirensweep.image;

import java.nio.file.Path;

/** Loads the image a trial trains on: a PNG resized to a square of the training resolution. */
public final class TrainingImage {
    /** The training downsample: anti-aliased, as the reference runs (Pillow's LANCZOS). */
    public static final ResampleFilter DOWNSAMPLE = ResampleFilter.LANCZOS;

    private TrainingImage() {}

    /**
     * Reads {@code file} and resizes it to {@code resolution × resolution} with {@link #DOWNSAMPLE} (as Siren-Jax,
     * which trains on a square). Upsampling is refused: the network would learn interpolation artefacts.
     */
    public static PixelImage load(Path file, int resolution) throws ImageFormatException {
        return fromOriginal(PngCodec.read(file), file.toString(), resolution);
    }

    /** As {@link #load}, from the decoded file; {@code file} names it in error messages. */
    public static PixelImage fromOriginal(PixelImage image, String file, int resolution) {
        if (resolution < 2) {
            throw new IllegalArgumentException("resolution must be at least 2, got " + resolution);
        }
        if (resolution > Math.min(image.height(), image.width())) {
            throw new IllegalArgumentException("resolution " + resolution + " is larger than the image " + file + " ("
                    + image.width() + "x" + image.height() + ")");
        }
        if (image.height() == resolution && image.width() == resolution) {
            return image;
        }
        return Resampler.resize(image, resolution, resolution, DOWNSAMPLE);
    }
}
