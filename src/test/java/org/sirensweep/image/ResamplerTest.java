package org.sirensweep.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Resizing against Pillow's {@code Image.resize}: within one 8-bit level everywhere, and almost always exact. */
class ResamplerTest {
    @Test
    void matchesPillowOnEveryFilterAndDirection() throws Exception {
        JsonNode fixture = Fixtures.json("pillow_resample.json");
        int[] dims = new int[2];
        double[] levels = Fixtures.plane(fixture.get("input"), dims);
        PixelImage input = gray(levels, dims[0], dims[1]);
        for (JsonNode c : fixture.get("cases")) {
            ResampleFilter filter =
                    ResampleFilter.valueOf(c.get("filter").asText().toUpperCase(Locale.ROOT));
            int[] outDims = new int[2];
            double[] expected = Fixtures.plane(c.get("output"), outDims);
            PixelImage ours = Resampler.resize(
                    input, c.get("height").asInt(), c.get("width").asInt(), filter);
            assertWithinOneLevel(expected, ours, filter + " to " + outDims[1] + "x" + outDims[0], 0.9);
        }
    }

    @Test
    void cameraDownsampleMatchesPillowLanczos() throws Exception {
        PixelImage ours = TrainingImage.load(Path.of("data/camera.png"), 256);
        PixelImage pillow = PngCodec.read(Fixtures.file("camera-256-pillow-lanczos.png"));
        double[] expected = new double[pillow.samples().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = pillow.samples()[i] * 255;
        }
        assertWithinOneLevel(expected, ours, "camera 512 -> 256 Lanczos", 0.99);
    }

    private static void assertWithinOneLevel(double[] expectedLevels, PixelImage ours, String what, double exactShare) {
        assertEquals(expectedLevels.length, ours.samples().length, what + ": size");
        int exact = 0;
        for (int i = 0; i < expectedLevels.length; i++) {
            double diff = Math.abs(Math.round(ours.samples()[i] * 255) - expectedLevels[i]);
            assertTrue(diff <= 1, what + ": sample " + i + " differs by " + diff + " levels");
            exact += diff == 0 ? 1 : 0;
        }
        assertTrue(
                exact >= exactShare * expectedLevels.length,
                what + ": only " + exact + " of " + expectedLevels.length + " samples exact");
    }

    private static PixelImage gray(double[] levels, int h, int w) {
        double[] samples = new double[levels.length];
        for (int i = 0; i < levels.length; i++) {
            samples[i] = levels[i] / 255;
        }
        return new PixelImage(h, w, 1, samples);
    }
}
