package org.sirensweep.image;

import java.io.IOException;

/** An image file that cannot be used: missing, not a PNG, truncated or of an unsupported kind. */
public class ImageFormatException extends IOException {
    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
