package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;

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
 * Adjoints that are identically zero (a stream the loss does not read) are skipped rather than computed. The
 * elementwise formulas of a layer (t', L' forward; dc, da, ds, du, dm in reverse) are the workspace's {@link
 * StreamArithmetic}, one fused pass per layer and direction for floats.
 *
 * <p>A pack of networks of one shape ({@link Workspace#pack()}) runs as one pass: every elementwise op once over all
 * the trials' matrices side by side, the products, activations and biases trial by trial on each one's block. A
 * trial's results do not depend on the others in its pack: they are the bits its own pass would give.
 */
public final class SirenPass {
    private SirenPass() {
    }

    /** Fills the workspace's value (and derivative streams, as it was built for) for its input coordinates. */
    public static void forward(Siren net, Workspace ws) {
        forward(new Siren[] {net}, ws);
    }

    /** As {@link #forward(Siren, Workspace)} for a pack: network p reads and writes block p of each array. */
    public static void forward(Siren[] nets, Workspace ws) {
        SirenConfig config = checkPack(nets, ws);
        double omega = config.omega0();
        boolean grad = ws.derivatives.gradient();
        boolean lap = ws.derivatives.laplacian();
        int n = config.inputs();

        INDArray h = ws.input;
        INDArray[] t = ws.inputTangent;
        INDArray laplacianIn = null;
        for (int k = 0; k <= config.depth(); k++) {
            INDArray s = ws.sine[k];
            INDArray c = ws.cosine[k];
            for (int p = 0; p < nets.length; p++) {
                gemm(ws, p, h, nets[p].weight(k), s);
                ws.activation.apply(ws.block(s, p), nets[p].bias(k), omega, ws.block(c, p));
            }
            for (int i = 0; grad && i < n; i++) {
                for (int p = 0; p < nets.length; p++) {
                    gemm(ws, p, t[i], nets[p].weight(k), ws.preTangent[k][i]);
                }
            }
            for (int p = 0; lap && laplacianIn != null && p < nets.length; p++) {
                gemm(ws, p, laplacianIn, nets[p].weight(k), ws.preLaplacian[k]);
            }
            ws.arithmetic.forward(ws, k);
            if (lap) {
                laplacianIn = ws.laplacian[k];
            }
            h = s;
            t = grad ? ws.tangent[k] : null;
        }
        int out = config.outputLayer();
        for (int p = 0; p < nets.length; p++) {
            INDArray w = nets[p].weight(out);
            gemm(ws, p, h, w, ws.output);
            ws.block(ws.output, p).addiRowVector(nets[p].bias(out));
            for (int i = 0; grad && i < n; i++) {
                gemm(ws, p, t[i], w, ws.outputGradient[i]);
            }
            if (lap) {
                gemm(ws, p, laplacianIn, w, ws.outputLaplacian);
            }
        }
    }

    /**
     * Writes d loss / d parameters into {@code gradient} (a view of a parameter-shaped vector), from the output
     * adjoints the loss left in the workspace after {@link #forward}. {@code active} says which output adjoints
     * the loss set (the others are taken as zero).
     */
    public static void backward(Siren net, Workspace ws, ParameterViews gradient, OutputAdjoints active) {
        backward(new Siren[] {net}, ws, new ParameterViews[] {gradient}, active);
    }

    /** As {@link #backward(Siren, Workspace, ParameterViews, OutputAdjoints)} for a pack: network p's gradient into {@code gradients[p]}. */
    public static void backward(Siren[] nets, Workspace ws, ParameterViews[] gradients, OutputAdjoints active) {
        SirenConfig config = checkPack(nets, ws);
        if (gradients.length != nets.length) {
            throw new IllegalArgumentException(gradients.length + " gradients for " + nets.length + " networks");
        }
        int n = config.inputs();
        int depth = config.depth();

        // Output layer: every stream passes through W.
        int outLayer = config.outputLayer();
        INDArray[] up = ws.adjoint[0];
        for (int p = 0; p < nets.length; p++) {
            INDArray w = nets[p].weight(outLayer);
            INDArray gw = gradients[p].weight(outLayer);
            double beta = 0;
            if (active.value()) {
                Products.gemm(ws.block(ws.sine[depth], p), ws.block(ws.outputAdjoint, p), gw, true, false, 1, beta);
                beta = 1;
                Products.gemm(ws.ones, ws.block(ws.outputAdjoint, p), gradients[p].bias(outLayer), true, false, 1, 0);
                Products.gemm(ws.block(ws.outputAdjoint, p), w, ws.block(up[0], p), false, true, 1, 0);
            } else {
                gradients[p].bias(outLayer).assign(0);
            }
            for (int i = 0; active.gradient() && i < n; i++) {
                Products.gemm(ws.block(ws.tangent[depth][i], p), ws.block(ws.outputGradientAdjoint[i], p), gw, true,
                        false, 1, beta);
                beta = 1;
                Products.gemm(ws.block(ws.outputGradientAdjoint[i], p), w, ws.block(up[1 + i], p), false, true, 1, 0);
            }
            if (active.laplacian()) {
                Products.gemm(ws.block(ws.laplacian[depth], p), ws.block(ws.outputLaplacianAdjoint, p), gw, true, false,
                        1, beta);
                Products.gemm(ws.block(ws.outputLaplacianAdjoint, p), w, ws.block(up[n + 1], p), false, true, 1, 0);
            }
        }
        boolean hActive = active.value();
        boolean tActive = active.gradient();
        boolean lActive = active.laplacian();

        for (int k = depth; k >= 0; k--) {
            ws.arithmetic.backward(ws, k, up, hActive, tActive, lActive);
            INDArray du = up[0];
            INDArray dl = up[n + 1];

            INDArray hIn = k == 0 ? ws.input : ws.sine[k - 1];
            boolean daActive = tActive || lActive;
            boolean dmActive = lActive && k > 0;
            INDArray[] down = up == ws.adjoint[0] ? ws.adjoint[1] : ws.adjoint[0];
            for (int p = 0; p < nets.length; p++) {
                INDArray gwk = gradients[p].weight(k);
                INDArray duP = ws.block(du, p);
                Products.gemm(ws.block(hIn, p), duP, gwk, true, false, 1, 0);
                Products.gemm(ws.ones, duP, gradients[p].bias(k), true, false, 1, 0);
                for (int i = 0; daActive && i < n; i++) {
                    INDArray tIn = k == 0 ? ws.inputTangent[i] : ws.tangent[k - 1][i];
                    Products.gemm(ws.block(tIn, p), ws.block(up[1 + i], p), gwk, true, false, 1, 1);
                }
                if (dmActive) {
                    Products.gemm(ws.block(ws.laplacian[k - 1], p), ws.block(dl, p), gwk, true, false, 1, 1);
                }
                if (k == 0) {
                    continue;
                }
                INDArray wk = nets[p].weight(k);
                Products.gemm(duP, wk, ws.block(down[0], p), false, true, 1, 0);
                for (int i = 0; daActive && i < n; i++) {
                    Products.gemm(ws.block(up[1 + i], p), wk, ws.block(down[1 + i], p), false, true, 1, 0);
                }
                if (dmActive) {
                    Products.gemm(ws.block(dl, p), wk, ws.block(down[n + 1], p), false, true, 1, 0);
                }
            }
            if (k == 0) {
                break;
            }
            up = down;
            hActive = true;
            tActive = daActive;
        }
    }

    /** The pack's shared shape, after checking the networks fit the workspace and share it (ω included). */
    private static SirenConfig checkPack(Siren[] nets, Workspace ws) {
        if (nets.length != ws.pack) {
            throw new IllegalArgumentException(nets.length + " networks for a workspace of a pack of " + ws.pack);
        }
        for (Siren net : nets) {
            if (!net.config().equals(ws.config)) {
                throw new IllegalArgumentException("a network of " + net.config() + " in a workspace of " + ws.config);
            }
        }
        return ws.config;
    }

    /** Block p of {@code c} = block p of {@code a} times {@code b} (network p's weight). */
    private static void gemm(Workspace ws, int p, INDArray a, INDArray b, INDArray c) {
        Products.gemm(ws.block(a, p), b, ws.block(c, p), false, false, 1, 0);
    }

    /** Which output adjoints a loss sets. */
    public record OutputAdjoints(boolean value, boolean gradient, boolean laplacian) {
    }
}
