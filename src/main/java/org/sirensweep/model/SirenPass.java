package org.sirensweep.model;

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
 * <p>A pack of networks of one shape ({@link PassArrays#pack()}) runs as one pass: every elementwise op once over
 * all the trials' matrices side by side, the products, activations and biases trial by trial on each one's block. A
 * trial's results do not depend on the others in its pack: they are the bits its own pass would give.
 *
 * <p>The pass is written once, for every backend: it says which products and elementwise passes run in which
 * order, and a backend's {@link PassOps} computes them (the CPU's on a {@link Workspace}, a GPU's on device memory).
 */
public final class SirenPass {
    private SirenPass() {}

    /** Fills the workspace's value (and derivative streams, as it was built for) for its input coordinates. */
    public static void forward(Siren net, Workspace ws) {
        forward(new Siren[] {net}, ws);
    }

    /** As {@link #forward(Siren, Workspace)} for a pack: network p reads and writes block p of each array. */
    public static void forward(Siren[] nets, Workspace ws) {
        forward(ws, new CpuPassOps(ws, nets, null));
    }

    /** The forward pass over {@code ws}'s input coordinates, computed by {@code ops} (any backend). */
    public static <M> void forward(PassArrays<M> ws, PassOps<M> ops) {
        SirenConfig config = ws.config;
        boolean grad = ws.derivatives.gradient();
        boolean lap = ws.derivatives.laplacian();
        int n = config.inputs();

        M h = ws.input;
        M[] t = ws.inputTangent;
        M laplacianIn = null;
        for (int k = 0; k <= config.depth(); k++) {
            ops.weightProduct(h, k, ws.sine[k]);
            ops.activate(k, ws.sine[k], ws.cosine[k]);
            for (int i = 0; grad && i < n; i++) {
                ops.weightProduct(t[i], k, ws.preTangent[k][i]);
            }
            if (lap && laplacianIn != null) {
                ops.weightProduct(laplacianIn, k, ws.preLaplacian[k]);
            }
            ops.streamsForward(k);
            if (lap) {
                laplacianIn = ws.laplacian[k];
            }
            h = ws.sine[k];
            t = grad ? ws.tangent[k] : null;
        }
        int out = config.outputLayer();
        ops.weightProduct(h, out, ws.output);
        ops.addBias(out, ws.output);
        for (int i = 0; grad && i < n; i++) {
            ops.weightProduct(t[i], out, ws.outputGradient[i]);
        }
        if (lap) {
            ops.weightProduct(laplacianIn, out, ws.outputLaplacian);
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
        backward(ws, new CpuPassOps(ws, nets, gradients), active);
    }

    /** The reverse pass from the output adjoints in {@code ws} to the parameter gradients, computed by {@code ops}. */
    public static <M> void backward(PassArrays<M> ws, PassOps<M> ops, OutputAdjoints active) {
        SirenConfig config = ws.config;
        int n = config.inputs();
        int depth = config.depth();

        // Output layer: every stream passes through W.
        int outLayer = config.outputLayer();
        M[] up = ws.adjoint[0];
        boolean accumulate = false;
        if (active.value()) {
            ops.weightGradient(ws.sine[depth], ws.outputAdjoint, outLayer, false);
            accumulate = true;
            ops.biasGradient(ws.outputAdjoint, outLayer);
            ops.adjointProduct(ws.outputAdjoint, outLayer, up[0]);
        } else {
            ops.zeroBiasGradient(outLayer);
        }
        for (int i = 0; active.gradient() && i < n; i++) {
            ops.weightGradient(ws.tangent[depth][i], ws.outputGradientAdjoint[i], outLayer, accumulate);
            accumulate = true;
            ops.adjointProduct(ws.outputGradientAdjoint[i], outLayer, up[1 + i]);
        }
        if (active.laplacian()) {
            ops.weightGradient(ws.laplacian[depth], ws.outputLaplacianAdjoint, outLayer, accumulate);
            ops.adjointProduct(ws.outputLaplacianAdjoint, outLayer, up[n + 1]);
        }
        boolean hActive = active.value();
        boolean tActive = active.gradient();
        boolean lActive = active.laplacian();

        for (int k = depth; k >= 0; k--) {
            ops.streamsBackward(k, up, hActive, tActive, lActive);
            M du = up[0];
            M dl = up[n + 1];

            M hIn = k == 0 ? ws.input : ws.sine[k - 1];
            boolean daActive = tActive || lActive;
            boolean dmActive = lActive && k > 0;
            M[] down = up == ws.adjoint[0] ? ws.adjoint[1] : ws.adjoint[0];
            ops.weightGradient(hIn, du, k, false);
            ops.biasGradient(du, k);
            for (int i = 0; daActive && i < n; i++) {
                M tIn = k == 0 ? ws.inputTangent[i] : ws.tangent[k - 1][i];
                ops.weightGradient(tIn, up[1 + i], k, true);
            }
            if (dmActive) {
                ops.weightGradient(ws.laplacian[k - 1], dl, k, true);
            }
            if (k == 0) {
                break;
            }
            ops.adjointProduct(du, k, down[0]);
            for (int i = 0; daActive && i < n; i++) {
                ops.adjointProduct(up[1 + i], k, down[1 + i]);
            }
            if (dmActive) {
                ops.adjointProduct(dl, k, down[n + 1]);
            }
            up = down;
            hActive = true;
            tActive = daActive;
        }
    }

    /** Which output adjoints a loss sets. */
    public record OutputAdjoints(boolean value, boolean gradient, boolean laplacian) {}
}
