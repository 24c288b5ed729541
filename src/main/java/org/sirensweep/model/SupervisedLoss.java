package org.sirensweep.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sirensweep.image.Supervision;

/**
 * The training losses, as Siren-Jax defines them, over a batch of b points and C channels:
 * <ul>
 *   <li>vanilla: mean over points and channels of the squared value error;</li>
 *   <li>gradient: mean over points of the squared error summed over channels × 2 axes;</li>
 *   <li>Laplacian: mean over points and channels of the squared Laplacian error;</li>
 *   <li>combined: vanilla + {@value #COMBINED_GRADIENT_WEIGHT} × gradient.</li>
 * </ul>
 * {@link #apply} returns the loss and leaves its derivative with respect to each output stream in the workspace.
 */
public final class SupervisedLoss {
    public static final double COMBINED_GRADIENT_WEIGHT = 10;

    private SupervisedLoss() {}

    /** The output adjoints a supervision type sets. */
    public static SirenPass.OutputAdjoints adjoints(Supervision supervision) {
        return new SirenPass.OutputAdjoints(
                supervision.needsValues(), supervision.needsGradient(), supervision.needsLaplacian());
    }

    /** Computes the loss of the workspace's outputs against its targets, and writes the output adjoints. */
    public static double apply(Supervision supervision, Workspace ws) {
        if (ws.pack != 1) {
            throw new IllegalArgumentException("a workspace of a pack of " + ws.pack + " has one loss per network");
        }
        return applyEach(supervision, ws)[0];
    }

    /**
     * As {@link #apply}, for each network of the workspace's pack: its loss over its own block (the bits a pack of
     * one would give), with the adjoints written for all at once.
     */
    public static double[] applyEach(Supervision supervision, Workspace ws) {
        double[][] sums = new double[slots(ws.config)][];
        for (Term<INDArray> term : terms(supervision, ws)) {
            sums[term.slot()] = squaredError(ws, term.output(), term.target(), term.adjoint(), term.adjointScale());
        }
        double[] loss = new double[ws.pack];
        for (int p = 0; p < loss.length; p++) {
            loss[p] = combine(supervision, ws.rows, ws.config.outputs(), sums, p);
        }
        return loss;
    }

    /**
     * One term of a loss: an output stream against its target, the scale its adjoint {@code scale · (output -
     * target)} takes, and its slot among the sums of squares {@link #combine} reads (0 the values, 1 + i the
     * gradient's axis i, 1 + inputs the Laplacian).
     */
    public record Term<M>(int slot, M output, M target, M adjoint, double adjointScale) {}

    /** The number of term slots for a network of {@code config}. */
    public static int slots(SirenConfig config) {
        return config.inputs() + 2;
    }

    /** The weight of the gradient's term: 1, or {@value #COMBINED_GRADIENT_WEIGHT} in the combined loss. */
    public static double gradientWeight(Supervision supervision) {
        return supervision == Supervision.COMBINED ? COMBINED_GRADIENT_WEIGHT : 1;
    }

    /** The terms {@code supervision}'s loss has over the arrays of {@code ws} (any backend). */
    public static <M> List<Term<M>> terms(Supervision supervision, PassArrays<M> ws) {
        double b = ws.rows;
        double c = ws.config.outputs();
        List<Term<M>> terms = new ArrayList<>();
        if (supervision.needsValues()) {
            terms.add(new Term<>(0, ws.output, ws.targetValues, ws.outputAdjoint, 2 / (b * c)));
        }
        if (supervision.needsGradient()) {
            double weight = gradientWeight(supervision);
            for (int i = 0; i < ws.config.inputs(); i++) {
                terms.add(new Term<>(
                        1 + i,
                        ws.outputGradient[i],
                        ws.targetGradient[i],
                        ws.outputGradientAdjoint[i],
                        weight * 2 / b));
            }
        }
        if (supervision.needsLaplacian()) {
            terms.add(new Term<>(
                    1 + ws.config.inputs(),
                    ws.outputLaplacian,
                    ws.targetLaplacian,
                    ws.outputLaplacianAdjoint,
                    2 / (b * c)));
        }
        return terms;
    }

    /**
     * Network p's loss over a batch of {@code rows} points and {@code channels} channels from its terms' sums of
     * squared differences ({@code sums[slot][p]}), by the formulas above.
     */
    public static double combine(Supervision supervision, int rows, int channels, double[][] sums, int p) {
        double b = rows;
        double c = channels;
        double loss = 0;
        if (supervision.needsValues()) {
            loss += sums[0][p] / (b * c);
        }
        if (supervision.needsGradient()) {
            double sum = 0;
            for (int i = 1; i < sums.length - 1; i++) {
                sum += sums[i][p];
            }
            loss += gradientWeight(supervision) * sum / b;
        }
        if (supervision.needsLaplacian()) {
            loss += sums[sums.length - 1][p] / (b * c);
        }
        return loss;
    }

    /**
     * Each network's sum of squared differences (over its block); leaves {@code scale · (out - target)} in {@code
     * adjoint} for all. The sums are taken here in double, in a fixed order (ND4J's norm costs about 70 µs a call,
     * as much as a small batch's whole forward pass).
     */
    private static double[] squaredError(Workspace ws, INDArray out, INDArray target, INDArray adjoint, double scale) {
        out.sub(target, adjoint);
        double[] sums = new double[ws.pack];
        for (int p = 0; p < ws.pack; p++) {
            sums[p] = sumOfSquares(ws.block(adjoint, p));
        }
        adjoint.muli(scale);
        return sums;
    }

    /** Σ x² over a contiguous f-order block, in double, element by element (the same bits on every run). */
    static double sumOfSquares(INDArray block) {
        long n = block.length();
        ByteBuffer bytes = block.data().asNio().order(ByteOrder.nativeOrder());
        int start = (int) block.offset(); // a view's NIO buffer is its whole memory
        double sum = 0;
        if (block.dataType() == DataType.FLOAT) {
            FloatBuffer values = bytes.asFloatBuffer();
            for (int i = 0; i < n; i++) {
                double x = values.get(start + i);
                sum += x * x;
            }
        } else {
            DoubleBuffer values = bytes.asDoubleBuffer();
            for (int i = 0; i < n; i++) {
                double x = values.get(start + i);
                sum += x * x;
            }
        }
        return sum;
    }
}
