package org.sirensweep.model;

/**
 * sin and cos of a float argument from plain float additions and multiplications, so that every implementation of
 * the sine layers that follows these steps gets the same bits: the scalar one here and the SIMD one in {@link
 * VectorSineActivation}. The JDK's own SIMD sin and cos cannot promise that: the Vector API computes them with a Java
 * fallback until C2 compiles them to an intrinsic that rounds differently, so a training's result would depend on
 * when the JIT got to it. Java never fuses or reorders float operations, so these steps round the same way in the
 * interpreter, in C1, in C2 and in every SIMD lane.
 *
 * <p>The method is Cephes' {@code sinf}/{@code cosf}: the argument {@code u} is reduced to {@code r = u - qπ/2} in
 * [-π/4, π/4] with {@code q} the nearest integer to {@code 2u/π} (found by adding and subtracting 1.5·2²³) and π/2
 * split in three parts, the first two short enough that {@code q} times them is exact for {@code |q| < 2^15}; then
 * Cephes' minimax polynomials give sin r and cos r, and the two lowest bits of {@code q} pick and sign them. Against
 * {@code Math.sin}/{@code Math.cos} of the same float argument the error is below 8e-8 (about one float ulp of 1)
 * for {@code |u| ≤ 8192}, far beyond the few hundred the sine layers see; out to 5·10⁴ it grows to 5e-7, as the
 * reduction's second step rounds at the magnitude of {@code q·PIO2_MID}; for {@code |u| ≥ 2²²·π/2} the result means
 * nothing (still the same bits every time). {@code SinCosPolynomialTest} measures these bounds.
 */
final class SinCosPolynomial {
    /** 2/π. */
    static final float TWO_OVER_PI = 0.636619772f;
    /** 1.5·2²³: adding it rounds a float below 2²² in magnitude to an integer, held in the low mantissa bits. */
    static final float ROUNDER = 12582912f;
    /** π/2 = PIO2_HI + PIO2_MID + PIO2_LO; the first two have 8 and 9 significant bits. */
    static final float PIO2_HI = 1.5703125f;

    static final float PIO2_MID = 4.837512969970703125e-4f;
    static final float PIO2_LO = 7.54978995489188216e-8f;
    /** Cephes' sinf polynomial: sin r ≈ r + r·z·(S1 + z·(S2 + z·S3)), z = r². */
    static final float S1 = -1.6666654611e-1f;

    static final float S2 = 8.3321608736e-3f;
    static final float S3 = -1.9515295891e-4f;
    /** Cephes' cosf polynomial: cos r ≈ 1 - z/2 + z²·(C1 + z·(C2 + z·C3)). */
    static final float C1 = 4.166664568298827e-2f;

    static final float C2 = -1.388731625493765e-3f;
    static final float C3 = 2.443315711809948e-5f;

    private SinCosPolynomial() {}

    /** sin u. */
    static float sin(float u) {
        float shifted = u * TWO_OVER_PI + ROUNDER;
        int q = Float.floatToRawIntBits(shifted);
        float r = reduce(u, shifted - ROUNDER);
        float z = r * r;
        float value = (q & 1) == 0 ? sinPolynomial(r, z) : cosPolynomial(z);
        return (q & 2) == 0 ? value : -value;
    }

    /** cos u. */
    static float cos(float u) {
        float shifted = u * TWO_OVER_PI + ROUNDER;
        int q = Float.floatToRawIntBits(shifted);
        float r = reduce(u, shifted - ROUNDER);
        float z = r * r;
        float value = (q & 1) == 0 ? cosPolynomial(z) : sinPolynomial(r, z);
        return ((q + 1) & 2) == 0 ? value : -value;
    }

    /** u - q·π/2, in three steps. */
    private static float reduce(float u, float q) {
        return u - q * PIO2_HI - q * PIO2_MID - q * PIO2_LO;
    }

    private static float sinPolynomial(float r, float z) {
        return ((S3 * z + S2) * z + S1) * z * r + r;
    }

    private static float cosPolynomial(float z) {
        return ((C3 * z + C2) * z + C1) * z * z - 0.5f * z + 1f;
    }
}
