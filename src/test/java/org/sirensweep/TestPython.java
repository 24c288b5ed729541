package org.sirensweep;

/**
 * The Python the tests run: the build's own environment under {@code target/python} (made by {@code
 * src/test/python/python-env} from the pinned requirements), or {@code python3} when a test runs outside Maven.
 */
public final class TestPython {
    private TestPython() {}

    /** The interpreter to start. */
    public static String executable() {
        return System.getProperty("tests.python", "python3");
    }
}
