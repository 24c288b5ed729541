package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.sirensweep.image.TrainingTargets;

/** Each measure removes what it should and nothing more, and the derivative errors see scale but not its size. */
class MeasuresTest {
    private static final int N = 48;

    /** A smooth image in [0.1, 0.9] that is not harmonic. */
    private static PixelImage image() {
        double[] xy = TrainingTargets.coordinates(N, N);
        double[] plane = new double[N * N];
        for (int p = 0; p < plane.length; p++) {
            plane[p] = 0.5 + 0.4 * Math.sin(2.5 * xy[2 * p]) * Math.cos(1.7 * xy[2 * p + 1] + 0.3);
        }
        return PixelImage.ofChannels(N, N, plane);
    }

    /** A value-only rendering: the image's normalised values times {@code scale}, plus {@code added} at each point. */
    private static Rendering rendering(PixelImage image, double scale, java.util.function.DoubleBinaryOperator added) {
        double[] xy = TrainingTargets.coordinates(N, N);
        double[] values = new double[N * N];
        for (int p = 0; p < values.length; p++) {
            values[p] = scale * (2 * image.samples()[p] - 1) + added.applyAsDouble(xy[2 * p], xy[2 * p + 1]);
        }
        return new Rendering(N, N, 1, new double[][] {values}, null, null);
    }

    @Test
    void theHarmonicFitRemovesScaleOffsetAndHarmonicPolynomialsButNotOtherShapes() {
        PixelImage image = image();
        Rendering harmonicAdded = rendering(image, 0.5, (x, y) -> 0.3 * (x * x - y * y) + 0.2 * x * y - 0.1 * y + 0.4);
        Measures m = Measures.of(harmonicAdded, image, null);
        assertTrue(m.psnrHarmonic() > 100, "harmonic part removed: " + m.psnrHarmonic());
        assertTrue(m.psnrAffine() < 30, "an affine fit cannot remove x² − y²: " + m.psnrAffine());

        Rendering bowlAdded = rendering(image, 1, (x, y) -> 0.3 * (x * x + y * y));
        Measures bowl = Measures.of(bowlAdded, image, null);
        assertTrue(bowl.psnrHarmonic() < 40, "x² + y² is not harmonic, so it stays: " + bowl.psnrHarmonic());
        assertTrue(bowl.psnrHarmonic() >= bowl.psnrAffine() - 1e-9, "the harmonic fit includes the affine one");

        Measures affine = Measures.of(rendering(image, 2, (x, y) -> -0.25), image, null);
        assertTrue(affine.psnrAffine() > 100 && affine.psnr() < 20, affine.toString());
        assertEquals(affine.psnrAffine(), affine.determined(Supervision.GRADIENT));
        assertEquals(affine.psnrHarmonic(), affine.determined(Supervision.LAPLACIAN));
        assertEquals(affine.psnr(), affine.determined(Supervision.VANILLA));
    }

    @Test
    void aConstantOutputLeavesTheHarmonicPolynomialAlone() {
        PixelImage image = image();
        Measures m = Measures.of(rendering(image, 0, (x, y) -> 0.1), image, null);
        assertTrue(Double.isFinite(m.psnrHarmonic()) && m.psnrHarmonic() < 30, m.toString());
    }

    @Test
    void derivativeErrorsIgnoreTheScaleAndSeeTheShape() {
        PixelImage image = image();
        TrainingTargets targets = TrainingTargets.all(image, TargetScales.SIREN_JAX);
        double[][] gradient = {scaled(targets.gradients()[0][0], 0.01), scaled(targets.gradients()[1][0], 0.01)};
        double[] laplacian = scaled(targets.laplacians()[0], -3);
        Rendering exact = new Rendering(N, N, 1, new double[][] {new double[N * N]}, gradient, laplacian);
        Measures m = Measures.of(exact, image, targets);
        assertEquals(0, m.gradientError(), 1e-6);
        assertTrue(
                m.laplacianError() > 0.999,
                "a Laplacian of the wrong sign fits only at scale 0: " + m.laplacianError());

        double[][] swapped = {gradient[1], gradient[0]};
        Measures wrong = Measures.of(
                new Rendering(N, N, 1, new double[][] {new double[N * N]}, swapped, scaled(laplacian, -1)),
                image,
                targets);
        assertTrue(wrong.gradientError() > 0.5, "axes swapped: " + wrong.gradientError());
        assertEquals(0, wrong.laplacianError(), 1e-6);
    }

    private static double[] scaled(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = factor * values[i];
        }
        return out;
    }
}
