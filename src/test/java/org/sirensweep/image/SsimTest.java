package org.sirensweep.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** SSIM pinned against scikit-image 0.26 (fixture from make_fixtures.py). */
class SsimTest {
    @Test
    void grayMatchesScikitImage() throws Exception {
        JsonNode gray = Fixtures.json("skimage_ssim.json").get("gray");
        int[] dims = new int[2];
        double[] a = Fixtures.plane(gray.get("a"), dims);
        double[] b = Fixtures.plane(gray.get("b"), dims);
        assertEquals(gray.get("ssim").asDouble(), Ssim.ofPlanes(a, b, dims[0], dims[1]), 1e-12);
        assertEquals(1.0, Ssim.ofPlanes(a, a, dims[0], dims[1]), 1e-12);
    }

    @Test
    void colourIsTheMeanOverChannelsAsScikitImage() throws Exception {
        JsonNode rgb = Fixtures.json("skimage_ssim.json").get("rgb");
        PixelImage a = image(rgb.get("a"));
        PixelImage b = image(rgb.get("b"));
        assertEquals(rgb.get("ssim").asDouble(), Ssim.of(a, b), 1e-12);
    }

    private static PixelImage image(JsonNode hwc) {
        int h = hwc.size();
        int w = hwc.get(0).size();
        int c = hwc.get(0).get(0).size();
        double[] samples = new double[h * w * c];
        for (int r = 0; r < h; r++) {
            for (int col = 0; col < w; col++) {
                for (int k = 0; k < c; k++) {
                    samples[(r * w + col) * c + k] = hwc.get(r).get(col).get(k).asDouble();
                }
            }
        }
        return new PixelImage(h, w, c, samples);
    }
}
