package org.sirensweep.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Properties files on the class path: what the build wrote into the jar, and what other jars say of themselves. */
public final class ResourceProperties {
    private ResourceProperties() {}

    /** The properties of resource {@code name} as {@code near} finds it ({@link Class#getResourceAsStream}); empty if none. */
    public static Properties read(Class<?> near, String name) {
        Properties p = new Properties();
        try (InputStream in = near.getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
