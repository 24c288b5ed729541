/*
 * The SIREN engine's elementwise work as GPU kernels: the sine layers' activation, the derivative streams'
 * arithmetic forward and in reverse, the output bias, the loss (residual, sums of squares, per-trial loss), Adam,
 * and the batch gather. NVRTC compiles this file at run time for the GPU in hand, after a prelude that defines the
 * macros below (KernelSource.PRELUDE); the tests compile the same file for the CPU with a C compiler and a prelude
 * that makes blockIdx and threadIdx plain variables, and check every kernel against the Java engine's passes.
 *
 * Rules every kernel keeps, so that its results depend neither on the launch shape nor on timing (the same bits on
 * every run of a GPU model, and on the CPU in the tests):
 *   - it is a grid-stride loop over independent items: no shared memory, no atomics, no item reads another's output;
 *   - every sum runs in a fixed order inside one item;
 *   - float arithmetic is written operation by operation in the Java engine's order, and compiled without fused
 *     multiply-adds (--fmad=false; -ffp-contract=off for the CPU), so each operation rounds as Java's does.
 *
 * Arrays are the engine's: f-order matrices [rows, pack * columns], element e = column * rows + row, trial p's
 * block in columns p * columns .. (p + 1) * columns - 1; a pack's parameters (and their gradients and Adam
 * moments) are one vector per trial, trial p's at p * paramStride.
 *
 * Macros from the prelude: KERNEL (a kernel's declaration), DEVICE (a helper), FLOAT_BITS(x) (a float's bits as an
 * int), SQRTF(x) (IEEE square root, rounded to nearest), FIRST_ITEM and ITEM_STRIDE (the grid-stride loop).
 */

/* x is neither infinite nor NaN (x - x is NaN for both), without a math library. */
#define FINITE(x) ((x) - (x) == 0.0)

/* SinCosPolynomial's constants (Cephes' sinf/cosf), the same float literals. */
#define TWO_OVER_PI 0.636619772f
#define ROUNDER 12582912.0f
#define PIO2_HI 1.5703125f
#define PIO2_MID 4.837512969970703125e-4f
#define PIO2_LO 7.54978995489188216e-8f
#define S1 -1.6666654611e-1f
#define S2 8.3321608736e-3f
#define S3 -1.9515295891e-4f
#define C1 4.166664568298827e-2f
#define C2 -1.388731625493765e-3f
#define C3 2.443315711809948e-5f

/* The float whose bits are those of x with the sign bit flipped when bit 1 of q is set. */
DEVICE float sign_by_quadrant(float x, int q) {
    return (q & 2) == 0 ? x : -x;
}

/*
 * s = sin(omega (p + b)) over p, c = omega cos(omega (p + b)): VectorSineActivation's steps (one reduction, both
 * polynomials, a choice by quadrant), for every trial of a pack at once (trial p's bias at p * paramStride +
 * biasOffset).
 */
KERNEL sine_activation(long long rows, long long width, long long pack, float* s, float* c, const float* params,
                       long long biasOffset, long long paramStride, float omega) {
    long long n = rows * width * pack;
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        long long column = e / rows;
        long long trial = column / width;
        float b = params[trial * paramStride + biasOffset + column % width];
        float u = (s[e] + b) * omega;
        float shifted = u * TWO_OVER_PI + ROUNDER;
        int q = FLOAT_BITS(shifted);
        float quadrants = shifted - ROUNDER;
        float r = u - quadrants * PIO2_HI - quadrants * PIO2_MID - quadrants * PIO2_LO;
        float z = r * r;
        float sinR = ((((z * S3 + S2) * z + S1) * z) * r) + r;
        float cosR = ((((z * C3 + C2) * z + C1) * z) * z - z * 0.5f) + 1.0f;
        int odd = (q & 1) != 0;
        float sine = sign_by_quadrant(odd ? cosR : sinR, q);
        float cosine = sign_by_quadrant(odd ? sinR : cosR, q + 1);
        c[e] = cosine * omega;
        s[e] = sine;
    }
}

/*
 * A sine layer forward, after its products and activation (VectorStreamArithmetic.forward, two inputs):
 * t_i = c a_i (if the gradient is carried) and L = c m - omega^2 s sum_i a_i^2 (if the Laplacian is; m is NULL in
 * the first layer, which has no incoming Laplacian).
 */
KERNEL streams_forward(long long n, const float* c, const float* s, const float* m, const float* a0, const float* a1,
                       float* t0, float* t1, float* laplacian, int gradient, int withLaplacian, float negOmega2) {
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        float cv = c[e];
        if (gradient) {
            t0[e] = cv * a0[e];
            t1[e] = cv * a1[e];
        }
        if (withLaplacian) {
            float lv = m == 0 ? 0.0f : cv * m[e];
            float sv = s[e];
            float a = a0[e];
            lv = lv + ((a * a) * sv) * negOmega2;
            a = a1[e];
            lv = lv + ((a * a) * sv) * negOmega2;
            laplacian[e] = lv;
        }
    }
}

/*
 * A sine layer in reverse (VectorStreamArithmetic.backward, two inputs): from the adjoints of its outputs (dh, the
 * tangents' dt_i, the Laplacian's dl; those not active are not read) to those of its pre-activation streams, in
 * place: du into dh, da_i into dt_i (if tangents or the Laplacian are active), dm into dl (if the Laplacian is).
 */
KERNEL streams_backward(long long n, const float* c, const float* s, const float* m, float* dh, float* dl,
                        const float* a0, const float* a1, float* dt0, float* dt1, int valueActive, int tangentsActive,
                        int laplacianActive, float negOmega2, float negTwoOmega2) {
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        float cv = c[e];
        float sv = s[e];
        float dc = 0.0f;
        int dcSet = 0;
        if (tangentsActive) {
            dc = dt0[e] * a0[e];
            dc = dc + dt1[e] * a1[e];
            dcSet = 1;
        }
        float dlv = laplacianActive ? dl[e] : 0.0f;
        if (laplacianActive && m != 0) {
            float product = dlv * m[e];
            dc = dcSet ? dc + product : product;
            dcSet = 1;
        }
        float ds = valueActive ? dh[e] : 0.0f;
        int dsSet = valueActive;
        if (laplacianActive) {
            /* With p_i = dL a_i: ds gets -omega^2 p_i a_i, da_i gets -2 omega^2 s p_i. */
            float a = a0[e];
            float p = dlv * a;
            float pa = (p * a) * negOmega2;
            ds = dsSet ? ds + pa : pa;
            float sp = (p * sv) * negTwoOmega2;
            dt0[e] = tangentsActive ? dt0[e] * cv + sp : sp;
            a = a1[e];
            p = dlv * a;
            pa = (p * a) * negOmega2;
            ds = ds + pa;
            sp = (p * sv) * negTwoOmega2;
            dt1[e] = tangentsActive ? dt1[e] * cv + sp : sp;
            dl[e] = dlv * cv;
        } else if (tangentsActive) {
            dt0[e] = dt0[e] * cv;
            dt1[e] = dt1[e] * cv;
        }
        float du;
        if (valueActive || laplacianActive) {
            du = ds * cv;
            if (dcSet) {
                du = du + (sv * dc) * negOmega2;
            }
        } else {
            du = (sv * dc) * negOmega2;
        }
        dh[e] = du;
    }
}

/* The output layer's bias: out += b, trial p's from its parameters (INDArray.addiRowVector). */
KERNEL add_bias(long long rows, long long width, long long pack, float* out, const float* params, long long biasOffset,
                long long paramStride) {
    long long n = rows * width * pack;
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        long long column = e / rows;
        out[e] = out[e] + params[(column / width) * paramStride + biasOffset + column % width];
    }
}

/* x = value over n elements (the ones column, the input tangents' zeros). */
KERNEL fill(long long n, float* x, float value) {
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        x[e] = value;
    }
}

/* x[i * stride + j] = value for i < count, j < length (a slice of every trial's parameter gradient). */
KERNEL fill_slices(long long count, long long length, long long stride, float* x, float value) {
    for (long long e = FIRST_ITEM; e < count * length; e += ITEM_STRIDE) {
        x[(e / length) * stride + e % length] = value;
    }
}

/* The loss's adjoint of one output stream: (out - target) * scale (SupervisedLoss: out.sub(target), then muli). */
KERNEL residual(long long n, const float* out, const float* target, float* adjoint, float scale) {
    for (long long e = FIRST_ITEM; e < n; e += ITEM_STRIDE) {
        adjoint[e] = (out[e] - target[e]) * scale;
    }
}

/*
 * Partial sums of squared residuals, in double: item (p, k) sums (out - target)^2 over elements k, k + chunks, ...
 * of trial p's block (blockLength elements), in that order, into partial[p * chunks + k].
 */
KERNEL squares_partial(long long blockLength, long long pack, long long chunks, const float* out, const float* target,
                       double* partial) {
    for (long long item = FIRST_ITEM; item < pack * chunks; item += ITEM_STRIDE) {
        long long base = (item / chunks) * blockLength;
        double sum = 0.0;
        for (long long i = item % chunks; i < blockLength; i += chunks) {
            double d = (double) (out[base + i] - target[base + i]);
            sum += d * d;
        }
        partial[item] = sum;
    }
}

/* The sum of trial p's partials of term slot t (partial[(t * pack + p) * chunks + k], k in order). */
DEVICE double term_total(const double* partial, long long t, long long p, long long pack, long long chunks) {
    double total = 0.0;
    for (long long k = 0; k < chunks; k++) {
        total += partial[(t * pack + p) * chunks + k];
    }
    return total;
}

/*
 * Each trial's loss at this step, into losses[cursor * pack + p] (SupervisedLoss.applyEach's formulas): term slot 0
 * holds the values' partial sums, 1 and 2 the gradient's axes, 3 the Laplacian's; terms says which are there (1
 * values, 2 gradient, 4 Laplacian).
 */
KERNEL loss_combine(long long pack, long long chunks, const double* partial, int terms, double rows, double channels,
                    double gradientWeight, double* losses, const int* cursor) {
    for (long long p = FIRST_ITEM; p < pack; p += ITEM_STRIDE) {
        double loss = 0.0;
        if (terms & 1) {
            loss += term_total(partial, 0, p, pack, chunks) / (rows * channels);
        }
        if (terms & 2) {
            double sum = 0.0;
            sum += term_total(partial, 1, p, pack, chunks);
            sum += term_total(partial, 2, p, pack, chunks);
            loss += gradientWeight * sum / rows;
        }
        if (terms & 4) {
            loss += term_total(partial, 3, p, pack, chunks) / (rows * channels);
        }
        losses[(long long) cursor[0] * pack + p] = loss;
    }
}

/* A trial whose loss at this step is not finite has diverged: it stops updating (alive[p] = 0) from this step on. */
KERNEL check_alive(long long pack, const double* losses, const int* cursor, int* alive) {
    for (long long p = FIRST_ITEM; p < pack; p += ITEM_STRIDE) {
        if (!FINITE(losses[(long long) cursor[0] * pack + p])) {
            alive[p] = 0;
        }
    }
}

/*
 * Adam over every live trial's parameters (AdamOptimizer.update): trial p's n values at p * n, its step size at
 * this step alphas[cursor * pack + p] (the bias corrections folded in by the host, as the CPU engine does).
 */
KERNEL adam_update(long long n, long long pack, float* params, const float* grads, float* m, float* v,
                   const float* alphas, const int* cursor, const int* alive, float beta1, float beta2,
                   float oneMinusBeta1, float oneMinusBeta2, float epsilon) {
    for (long long e = FIRST_ITEM; e < n * pack; e += ITEM_STRIDE) {
        long long p = e / n;
        if (!alive[p]) {
            continue;
        }
        float alpha = alphas[(long long) cursor[0] * pack + p];
        float g = grads[e];
        float mi = beta1 * m[e] + oneMinusBeta1 * g;
        float vi = beta2 * v[e] + oneMinusBeta2 * (g * g);
        m[e] = mi;
        v[e] = vi;
        params[e] = params[e] - alpha * mi / (SQRTF(vi) + epsilon);
    }
}

/* The next step: cursor + 1 (one item; launched last in a step). */
KERNEL advance(int* cursor) {
    if (FIRST_ITEM == 0) {
        cursor[0] = cursor[0] + 1;
    }
}

/*
 * One batch of every trial's points into its block of dst ([rows, pack * columns]): the step cursor / batches is
 * the epoch within this segment, cursor % batches the batch, starting at starts[batch]; row r of trial p is point
 * order[(p * epochs + epoch) * points + starts[batch] + r] (or starts[batch] + r without an order), and column j
 * takes planes[j * points + point].
 */
KERNEL gather(long long rows, long long columns, long long pack, long long points, long long batches, long long epochs,
              const int* starts, const int* order, const int* cursor, const float* planes, float* dst) {
    long long step = cursor[0];
    long long epoch = step / batches;
    long long first = starts[step % batches];
    for (long long e = FIRST_ITEM; e < rows * columns * pack; e += ITEM_STRIDE) {
        long long column = e / rows;
        long long p = column / columns;
        long long position = first + e % rows;
        long long point = order == 0 ? position : order[(p * epochs + epoch) * points + position];
        dst[e] = planes[(column % columns) * points + point];
    }
}
