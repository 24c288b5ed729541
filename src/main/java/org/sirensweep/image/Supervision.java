package org.sirensweep.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a SIREN is trained to match: the pixel values, their gradient, their Laplacian, or values and gradient. */
public enum Supervision {
    VANILLA,
    GRADIENT,
    LAPLACIAN,
    COMBINED;

    /** The lower-case name used on the command line, in sweep files and in results. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean needsValues() {
        return this == VANILLA || this == COMBINED;
    }

    public boolean needsGradient() {
        return this == GRADIENT || this == COMBINED;
    }

    public boolean needsLaplacian() {
        return this == LAPLACIAN;
    }

    /** Parses {@link #id()}; the error names the accepted values. */
    public static Supervision parse(String text) {
        for (Supervision s : values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown supervision '" + text + "' (expected one of "
                + Arrays.stream(values()).map(Supervision::id).collect(Collectors.joining(", ")) + ")");
    }
}
