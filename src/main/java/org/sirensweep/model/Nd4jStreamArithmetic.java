package org.sirensweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link StreamArithmetic} as ND4J ops (products, sums and {@code axpy}), through the workspace's scratch arrays:
 * for any data type. Each op rounds to the arrays' type, in the order {@link VectorStreamArithmetic} follows.
 */
final class Nd4jStreamArithmetic implements StreamArithmetic {
    static final Nd4jStreamArithmetic INSTANCE = new Nd4jStreamArithmetic();

    private Nd4jStreamArithmetic() {}

    @Override
    public void forward(Workspace ws, int k) {
        double omega = ws.config.omega0();
        int n = ws.config.inputs();
        INDArray c = ws.cosine[k];
        for (int i = 0; ws.derivatives.gradient() && i < n; i++) {
            c.mul(ws.preTangent[k][i], ws.tangent[k][i]);
        }
        if (ws.derivatives.laplacian()) {
            INDArray l = ws.laplacian[k];
            if (ws.preLaplacian[k] == null) {
                l.assign(0);
            } else {
                c.mul(ws.preLaplacian[k], l);
            }
            for (int i = 0; i < n; i++) {
                INDArray a = ws.preTangent[k][i];
                a.mul(a, ws.scratch1).muli(ws.sine[k]);
                axpy(-omega * omega, ws.scratch1, l);
            }
        }
    }

    @Override
    public void backward(Workspace ws, int k, INDArray[] up, boolean hActive, boolean tActive, boolean lActive) {
        double omega = ws.config.omega0();
        double omega2 = omega * omega;
        int n = ws.config.inputs();
        INDArray s = ws.sine[k];
        INDArray c = ws.cosine[k];
        INDArray[] a = ws.preTangent == null ? null : ws.preTangent[k];
        INDArray m = ws.preLaplacian == null ? null : ws.preLaplacian[k];
        INDArray dh = up[0];
        INDArray dl = up[n + 1];
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
        // du = ds ⊙ c - ω² s ⊙ dc, in the dh buffer (no dc term where no stream feeds it: the first layer's Laplacian
        // alone has no m)
        if (sActive) {
            dh.muli(c);
            if (dcSet) {
                s.mul(dc, ws.scratch1);
                axpy(-omega2, ws.scratch1, dh);
            }
        } else {
            s.mul(dc, dh).muli(-omega2);
        }
    }

    /** target (+)= x ⊙ y; returns true (the target now holds a value). */
    private static boolean accumulateProduct(
            INDArray x, INDArray y, INDArray target, boolean targetSet, INDArray scratch) {
        if (targetSet) {
            x.mul(y, scratch);
            target.addi(scratch);
        } else {
            x.mul(y, target);
        }
        return true;
    }

    /** y += alpha · x, in one pass. */
    private static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, alpha));
    }
}
