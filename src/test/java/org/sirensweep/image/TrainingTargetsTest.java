package org.sirensweep.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TrainingTargetsTest {
    @Test
    void coordinatesAreAnIjMeshgridOfLinspace() {
        double[] xy = TrainingTargets.coordinates(3, 5);
        // point (row 0, column 1): first coordinate is the row
        assertEquals(-1, xy[2], 1e-15);
        assertEquals(-0.5, xy[3], 1e-15);
        // point (row 2, column 4) is the last corner
        assertEquals(1, xy[(2 * 5 + 4) * 2], 1e-15);
        assertEquals(1, xy[(2 * 5 + 4) * 2 + 1], 1e-15);
    }

    @Test
    void targetsOfAColumnRampFollowSirenJaxScaling() {
        int h = 4;
        int w = 6;
        double[] plane = new double[h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                plane[r * w + c] = c / 10.0; // intensity rises by 0.1 per column
            }
        }
        PixelImage image = PixelImage.ofChannels(h, w, plane);
        TrainingTargets values = TrainingTargets.of(image, Supervision.VANILLA);
        assertEquals(-1, values.values()[0][0], 1e-12);
        assertNull(values.gradients());

        TrainingTargets grad = TrainingTargets.of(image, Supervision.GRADIENT);
        // Interior: normalised step 0.2 per column; Sobel gives 4 (smoothing) * 2 * 0.2, times 4 (channel axis) and 10.
        assertEquals(4 * 2 * 0.2 * 4 * 10, grad.gradients()[1][0][w + 2], 1e-9);
        assertEquals(0, grad.gradients()[0][0][w + 2], 1e-12);

        TrainingTargets lap = TrainingTargets.of(image, Supervision.LAPLACIAN);
        assertEquals(0, lap.laplacians()[0][w + 2], 1e-9);
        // At the left border 'reflect' repeats column 0: second difference 0.2 - 0 = 0.2, times 1e4.
        assertEquals(0.2 * 1e4, lap.laplacians()[0][w], 1e-6);
    }
}
