package org.sirensweep.model;

/**
 * Sizes in elements or bytes, saturating at {@code Long.MAX_VALUE}: a memory plan for an absurd network (width
 * 100000 at 512²) must come out as "far too large", never as an overflowed, small or negative number.
 */
public final class Memory {
    private Memory() {}

    /** a + b for non-negative sizes, or {@code Long.MAX_VALUE}. */
    public static long sum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** a · b for non-negative sizes, or {@code Long.MAX_VALUE}. */
    public static long product(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    /** "3.10 GB", "712.4 MB": bytes for a person (decimal units). */
    public static String describe(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 9.2 EB";
        }
        return bytes >= 1e9 ? String.format("%.2f GB", bytes / 1e9) : String.format("%.1f MB", bytes / 1e6);
    }
}
