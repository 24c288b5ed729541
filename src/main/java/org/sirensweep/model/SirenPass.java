package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SIREN's forward pass with its input-derivative streams, and the exact reverse pass through all of them,
 * written as BLAS products and elementwise ops into a {@link Workspace} (no allocation per step).
 *
 * <p>Forward mode carries, next to each layer's value h, its tangents {@code t_i = ∂h/∂x_i} and Laplacian
 * {@code L = Σ_i ∂²h/∂x_i²}. For a sine layer with {@code u = hW + b}, {@code s = sin(ωu)}, {@code c = ω cos(ωu)},
 * {@code a_i = t_i W}, {@code m = L W}:
 * <pre>
 *   h' = s,   t_i' = c ⊙ a_i,   L' = c ⊙ m - ω² s ⊙ Σ_i a_i²
 * </pre>
 * and the linear output layer maps every stream through W (only the value gets the bias). The input coordinates
 * have unit tangents and no Laplacian, so the first layer is the same formula with {@code a_i = W[i,:]}, {@code m = 0}.
 *
 * <p>The reverse pass, given the adjoints {@code dh', dt_i', dL'} of a layer's outputs:
 * <pre>
 *   dc  = Σ_i dt_i' ⊙ a_i + dL' ⊙ m          da_i = dt_i' ⊙ c - 2ω² dL' ⊙ s ⊙ a_i
 *   ds  = dh' - ω² dL' ⊙ Σ_i a_i²            dm   = dL' ⊙ c
 *   du  = ds ⊙ c - ω² s ⊙ dc                 (since ds/du = c and dc/du = -ω² s)
 *   dW  = hᵀdu + Σ_i t_iᵀda_i + Lᵀdm,  db = Σ_rows du,  and dh = du Wᵀ, dt_i = da_i Wᵀ, dL = dm Wᵀ downstream.
 * </pre>
 * Adjoints that are identically zero (a stream the loss does not read) are skipped rather than computed.
 */
public final class SirenPass {
    private SirenPass() {
    }

    /** Fills the workspace's value (and derivative streams, as it was built for) for its input coordinates. */
    public static void forward(Siren net, Workspace ws) {
        SirenConfig config = net.config();
        double omega = config.omega0();
        boolean grad = ws.derivatives.gradient();
        boolean lap = ws.derivatives.laplacian();
        int n = config.inputs();

        INDArray h = ws.input;
        INDArray[] t = ws.inputTangent;
        INDArray laplacianIn = null;
        for (int k = 0; k <= config.depth(); k++) {
            INDArray w = net.weight(k);
            INDArray s = ws.sine[k];
            INDArray c = ws.cosine[k];
            Nd4j.gemm(h, w, s, false, false, 1, 0);
            ws.activation.apply(s, net.bias(k), omega, c);
            if (grad) {
                for (int i = 0; i < n; i++) {
                    Nd4j.gemm(t[i], w, ws.preTangent[k][i], false, false, 1, 0);
                    c.mul(ws.preTangent[k][i], ws.tangent[k][i]);
                }
            }
            if (lap) {
                INDArray l = ws.laplacian[k];
                if (laplacianIn == null) {
                    l.assign(0);
                } else {
                    Nd4j.gemm(laplacianIn, w, ws.preLaplacian[k], false, false, 1, 0);
                    c.mul(ws.preLaplacian[k], l);
                }
                for (int i = 0; i < n; i++) {
                    INDArray a = ws.preTangent[k][i];
                    a.mul(a, ws.scratch1).muli(s);
                    axpy(-omega * omega, ws.scratch1, l);
                }
                laplacianIn = l;
            }
            h = s;
            t = grad ? ws.tangent[k] : null;
        }
        int out = config.outputLayer();
        INDArray w = net.weight(out);
        Nd4j.gemm(h, w, ws.output, false, false, 1, 0);
        ws.output.addiRowVector(net.bias(out));
        for (int i = 0; grad && i < n; i++) {
            Nd4j.gemm(t[i], w, ws.outputGradient[i], false, false, 1, 0);
        }
        if (lap) {
            Nd4j.gemm(laplacianIn, w, ws.outputLaplacian, false, false, 1, 0);
        }
    }

    /**
     * Writes d loss / d parameters into {@code gradient} (a view of a parameter-shaped vector), from the output
     * adjoints the loss left in the workspace after {@link #forward}. {@code active} says which output adjoints
     * the loss set (the others are taken as zero).
     */
    public static void backward(Siren net, Workspace ws, ParameterViews gradient, OutputAdjoints active) {
        SirenConfig config = net.config();
        double omega = config.omega0();
        double omega2 = omega * omega;
        int n = config.inputs();
        int depth = config.depth();

        // Output layer: every stream passes through W.
        int outLayer = config.outputLayer();
        INDArray w = net.weight(outLayer);
        INDArray gw = gradient.weight(outLayer);
        INDArray[] up = ws.adjoint[0];
        double beta = 0;
        if (active.value()) {
            Nd4j.gemm(ws.sine[depth], ws.outputAdjoint, gw, true, false, 1, beta);
            beta = 1;
            Nd4j.gemm(ws.ones, ws.outputAdjoint, gradient.bias(outLayer), true, false, 1, 0);
            Nd4j.gemm(ws.outputAdjoint, w, up[0], false, true, 1, 0);
        } else {
            gradient.bias(outLayer).assign(0);
        }
        for (int i = 0; active.gradient() && i < n; i++) {
            Nd4j.gemm(ws.tangent[depth][i], ws.outputGradientAdjoint[i], gw, true, false, 1, beta);
            beta = 1;
            Nd4j.gemm(ws.outputGradientAdjoint[i], w, up[1 + i], false, true, 1, 0);
        }
        if (active.laplacian()) {
            Nd4j.gemm(ws.laplacian[depth], ws.outputLaplacianAdjoint, gw, true, false, 1, beta);
            Nd4j.gemm(ws.outputLaplacianAdjoint, w, up[n + 1], false, true, 1, 0);
        }
        boolean hActive = active.value();
        boolean tActive = active.gradient();
        boolean lActive = active.laplacian();

        for (int k = depth; k >= 0; k--) {
            INDArray s = ws.sine[k];
            INDArray c = ws.cosine[k];
            INDArray[] a = ws.preTangent == null ? null : ws.preTangent[k];
            INDArray m = ws.preLaplacian == null ? null : ws.preLaplacian[k];
            INDArray dh = up[0];
            INDArray dl = up[n + 1];
            boolean cActive = tActive || lActive;
            boolean sActive = hActive || lActive;

            // dc = Σ_i dt_i ⊙ a_i + dL ⊙ m
            INDArray dc = ws.scratch0;
            boolean dcSet = false;
            for (int i = 0; tActive && i < n; i++) {
                dcSet = accumulateProduct(up[1 + i], a[i], dc, dcSet, ws.scratch1);
            }
            if (lActive && m != null) {
                dcSet = accumulateProduct(dl, m, dc, dcSet, ws.scratch1);
            }
            if (lActive) {
                // With p_i = dL ⊙ a_i: ds gets -ω² p_i ⊙ a_i, da_i gets -2ω² s ⊙ p_i.
                INDArray p = ws.scratch2;
                INDArray pa = ws.scratch1;
                for (int i = 0; i < n; i++) {
                    INDArray da = up[1 + i];
                    dl.mul(a[i], p);
                    p.mul(a[i], pa);
                    if (hActive || i > 0) {
                        axpy(-omega2, pa, dh);
                    } else {
                        pa.mul(-omega2, dh);
                    }
                    p.muli(s);
                    if (tActive) {
                        da.muli(c);
                        axpy(-2 * omega2, p, da);
                    } else {
                        p.mul(-2 * omega2, da);
                    }
                }
                dl.muli(c); // now dm
            } else if (tActive) {
                for (int i = 0; i < n; i++) {
                    up[1 + i].muli(c); // now da_i
                }
            }
            // du = ds ⊙ c - ω² s ⊙ dc, in the dh buffer
            INDArray du = dh;
            if (sActive) {
                du.muli(c);
                if (cActive) {
                    s.mul(dc, ws.scratch1);
                    axpy(-omega2, ws.scratch1, du);
                }
            } else {
                s.mul(dc, du).muli(-omega2);
            }

            INDArray hIn = k == 0 ? ws.input : ws.sine[k - 1];
            INDArray gwk = gradient.weight(k);
            Nd4j.gemm(hIn, du, gwk, true, false, 1, 0);
            Nd4j.gemm(ws.ones, du, gradient.bias(k), true, false, 1, 0);
            boolean daActive = tActive || lActive;
            for (int i = 0; daActive && i < n; i++) {
                INDArray tIn = k == 0 ? ws.inputTangent[i] : ws.tangent[k - 1][i];
                Nd4j.gemm(tIn, up[1 + i], gwk, true, false, 1, 1);
            }
            boolean dmActive = lActive && k > 0;
            if (dmActive) {
                Nd4j.gemm(ws.laplacian[k - 1], dl, gwk, true, false, 1, 1);
            }
            if (k == 0) {
                break;
            }
            INDArray wk = net.weight(k);
            INDArray[] down = up == ws.adjoint[0] ? ws.adjoint[1] : ws.adjoint[0];
            Nd4j.gemm(du, wk, down[0], false, true, 1, 0);
            for (int i = 0; daActive && i < n; i++) {
                Nd4j.gemm(up[1 + i], wk, down[1 + i], false, true, 1, 0);
            }
            if (dmActive) {
                Nd4j.gemm(dl, wk, down[n + 1], false, true, 1, 0);
            }
            up = down;
            hActive = true;
            tActive = daActive;
        }
    }

    /** Which output adjoints a loss sets. */
    public record OutputAdjoints(boolean value, boolean gradient, boolean laplacian) {
    }

    /** target (+)= x ⊙ y; returns true (the target now holds a value). */
    private static boolean accumulateProduct(INDArray x, INDArray y, INDArray target, boolean targetSet,
                                             INDArray scratch) {
        if (targetSet) {
            x.mul(y, scratch);
            target.addi(scratch);
        } else {
            x.mul(y, target);
        }
        return true;
    }

    /** y += alpha · x, in one pass. */
    static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, alpha));
    }
}
