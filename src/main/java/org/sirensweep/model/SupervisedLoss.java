package org.sirensweep.model;

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

    private SupervisedLoss() {
    }

    /** The output adjoints a supervision type sets. */
    public static SirenPass.OutputAdjoints adjoints(Supervision supervision) {
        return new SirenPass.OutputAdjoints(supervision.needsValues(), supervision.needsGradient(),
                supervision.needsLaplacian());
    }

    /** Computes the loss of the workspace's outputs against its targets, and writes the output adjoints. */
    public static double apply(Supervision supervision, Workspace ws) {
        double b = ws.rows;
        double c = ws.config.outputs();
        double loss = 0;
        if (supervision.needsValues()) {
            loss += squaredError(ws.output, ws.targetValues, ws.outputAdjoint, 2 / (b * c)) / (b * c);
        }
        if (supervision.needsGradient()) {
            double weight = supervision == Supervision.COMBINED ? COMBINED_GRADIENT_WEIGHT : 1;
            double sum = 0;
            for (int i = 0; i < ws.config.inputs(); i++) {
                sum += squaredError(ws.outputGradient[i], ws.targetGradient[i], ws.outputGradientAdjoint[i],
                        weight * 2 / b);
            }
            loss += weight * sum / b;
        }
        if (supervision.needsLaplacian()) {
            loss += squaredError(ws.outputLaplacian, ws.targetLaplacian, ws.outputLaplacianAdjoint, 2 / (b * c))
                    / (b * c);
        }
        return loss;
    }

    /** Sum of squared differences; leaves {@code scale · (out - target)} in {@code adjoint}. */
    private static double squaredError(INDArray out, INDArray target, INDArray adjoint, double scale) {
        out.sub(target, adjoint);
        double norm = adjoint.norm2Number().doubleValue();
        adjoint.muli(scale);
        return norm * norm;
    }
}
