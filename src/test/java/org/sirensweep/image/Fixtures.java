package org.sirensweep.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Reference outputs of scipy and Pillow, made by src/test/python/make_fixtures.py. */
final class Fixtures {
    private Fixtures() {}

    static JsonNode json(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Path file(String name) {
        return Path.of("src/test/resources/fixtures", name);
    }

    /** A 2-D JSON array as a row-major plane; {@code dims[0]} gets the rows, {@code dims[1]} the columns. */
    static double[] plane(JsonNode rows, int[] dims) {
        dims[0] = rows.size();
        dims[1] = rows.get(0).size();
        double[] out = new double[dims[0] * dims[1]];
        for (int r = 0; r < dims[0]; r++) {
            for (int c = 0; c < dims[1]; c++) {
                out[r * dims[1] + c] = rows.get(r).get(c).asDouble();
            }
        }
        return out;
    }
}
