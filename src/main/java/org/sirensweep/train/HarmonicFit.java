package org.sirensweep.train;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.TrainingTargets;

/**
 * What a Laplacian leaves free, removed: per channel the least-squares map {@code a·out + h(x, y)} from the network's
 * output to the normalised image, with h a harmonic polynomial of degree ≤ {@value #DEGREE} in the coordinates (1,
 * x, y, x²−y², xy, x³−3xy², 3x²y−y³; x is the row coordinate). Fitted at the training resolution, it applies to a
 * rendering of any size, being a function of the coordinates.
 *
 * @param coefficients per channel: a, then the harmonic polynomials' weights in the order above
 */
public record HarmonicFit(double[][] coefficients) {
    /** Highest degree of the harmonic polynomials. */
    public static final int DEGREE = 3;

    /** The fit of {@code rendering} to {@code truth} (same size); a constant output leaves only the polynomial. */
    public static HarmonicFit of(Rendering rendering, PixelImage truth) {
        int n = rendering.height() * rendering.width();
        double[] xy = TrainingTargets.coordinates(rendering.height(), rendering.width());
        int channels = truth.channels();
        double[][] coefficients = new double[channels][];
        for (int c = 0; c < channels; c++) {
            double[][] basis = new double[n][];
            double[] y = new double[n];
            for (int p = 0; p < n; p++) {
                basis[p] = basis(rendering.values()[c][p], xy[2 * p], xy[2 * p + 1]);
                y[p] = 2 * truth.samples()[p * channels + c] - 1;
            }
            coefficients[c] = leastSquares(basis, y);
        }
        return new HarmonicFit(coefficients);
    }

    /** The fitted values of {@code rendering} (any size) as an image, {@code clip(fit/2 + 0.5, 0, 1)}. */
    public PixelImage apply(Rendering rendering) {
        int n = rendering.height() * rendering.width();
        double[] xy = TrainingTargets.coordinates(rendering.height(), rendering.width());
        int channels = coefficients.length;
        double[] samples = new double[n * channels];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < n; p++) {
                double[] row = basis(rendering.values()[c][p], xy[2 * p], xy[2 * p + 1]);
                double fitted = 0;
                for (int k = 0; k < row.length; k++) {
                    fitted += coefficients[c][k] * row[k];
                }
                samples[p * channels + c] = Evaluation.toIntensity(fitted);
            }
        }
        return new PixelImage(rendering.height(), rendering.width(), channels, samples);
    }

    private static double[] basis(double out, double x, double y) {
        return new double[] {out, 1, x, y, x * x - y * y, x * y, x * x * x - 3 * x * y * y, 3 * x * x * y - y * y * y};
    }

    /** Least-squares coefficients of {@code y} on the columns of {@code basis}; NaN where the output is not finite. */
    private static double[] leastSquares(double[][] basis, double[] y) {
        double[] nan = new double[basis[0].length];
        Arrays.fill(nan, Double.NaN);
        for (double[] row : basis) {
            if (!Double.isFinite(row[0])) {
                return nan;
            }
        }
        try {
            return solve(basis, y);
        } catch (SingularMatrixException constantOutput) {
            double[][] harmonic = new double[basis.length][];
            for (int p = 0; p < basis.length; p++) {
                harmonic[p] = Arrays.copyOfRange(basis[p], 1, basis[p].length);
            }
            double[] coefficients = new double[basis[0].length];
            System.arraycopy(solve(harmonic, y), 0, coefficients, 1, coefficients.length - 1);
            return coefficients;
        }
    }

    private static double[] solve(double[][] basis, double[] y) {
        return new QRDecomposition(new Array2DRowRealMatrix(basis, false))
                .getSolver()
                .solve(new ArrayRealVector(y, false))
                .toArray();
    }
}
