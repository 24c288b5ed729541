package org.sirensweep.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which pictures a report carries at full size. Every trial's pictures are in it as thumbnails (at most {@link
 * PictureStore#THUMBNAIL} pixels across) unless {@code NONE}; {@code BEST} adds full-size pictures and upscale renders
 * of the best trials, {@code ALL} of every trial.
 */
public enum ImageSelection {
    ALL,
    BEST,
    NONE;

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}; the error names the accepted values. */
    public static ImageSelection parse(String text) {
        for (ImageSelection s : values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of "
                + Arrays.stream(values()).map(ImageSelection::id).collect(Collectors.joining(", ")));
    }
}
