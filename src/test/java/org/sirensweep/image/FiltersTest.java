package org.sirensweep.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Sobel and Laplace, borders included, against scipy.ndimage on the (H, W, 1) array as Siren-Jax calls them. */
class FiltersTest {
    @Test
    void sobelTimesFourMatchesScipyOnTheChannelLastArray() throws Exception {
        JsonNode fixture = Fixtures.json("scipy_filters.json");
        int[] dims = new int[2];
        double[] input = Fixtures.plane(fixture.get("input"), dims);
        for (int axis = 0; axis < 2; axis++) {
            double[] expected = Fixtures.plane(fixture.get("sobel_axis" + axis), new int[2]);
            double[] ours = Filters.sobel(input, dims[0], dims[1], axis);
            for (int i = 0; i < ours.length; i++) {
                ours[i] *= TrainingTargets.SOBEL_CHANNEL_AXIS_FACTOR;
            }
            assertArrayEquals(expected, ours, 1e-12, "sobel axis " + axis);
        }
    }

    @Test
    void laplaceMatchesScipy() throws Exception {
        JsonNode fixture = Fixtures.json("scipy_filters.json");
        int[] dims = new int[2];
        double[] input = Fixtures.plane(fixture.get("input"), dims);
        double[] expected = Fixtures.plane(fixture.get("laplace"), new int[2]);
        assertArrayEquals(expected, Filters.laplace(input, dims[0], dims[1]), 1e-12);
    }

    @Test
    void reflectRepeatsTheEdgeSample() {
        assertEquals(0, Filters.reflect(-1, 5));
        assertEquals(1, Filters.reflect(-2, 5));
        assertEquals(4, Filters.reflect(5, 5));
        assertEquals(3, Filters.reflect(6, 5));
        assertEquals(0, Filters.reflect(-1, 1));
    }
}
