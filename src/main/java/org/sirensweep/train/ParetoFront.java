package org.sirensweep.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The trials no other trial beats on every measure at once: where a user trades two measures (PSNR against training
 * seconds, or against parameter count for compression), these are the only ones worth a look; every other trial has
 * one at least as good on every measure and better on one.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /**
     * A measure of an item, its name (a row column) and its direction.
     *
     * @param name          the measure's name, for messages and headers
     * @param value         the item's value
     * @param lowerIsBetter whether lower values are better (errors, losses, times, sizes)
     */
    public record Measure<T>(String name, ToDoubleFunction<T> value, boolean lowerIsBetter) {
        /** {@code name}'s measure in its usual direction ({@link Measures#lowerIsBetter}). */
        public static <T> Measure<T> of(String name, ToDoubleFunction<T> value) {
            return new Measure<>(name, value, Measures.lowerIsBetter(name));
        }

        /** The item's value turned so that higher is better. */
        double score(T item) {
            double v = value.applyAsDouble(item);
            return lowerIsBetter ? -v : v;
        }
    }

    /**
     * The items of {@code items} that no other dominates under {@code measures}, in their given order. Items with a
     * measure that is not a finite number (a diverged or failed trial) are on no front; items equal on every measure
     * are on it together.
     */
    public static <T> List<T> of(List<T> items, List<Measure<T>> measures) {
        List<double[]> scores = new ArrayList<>();
        List<T> measured = new ArrayList<>();
        for (T item : items) {
            double[] s = new double[measures.size()];
            boolean finite = true;
            for (int k = 0; k < s.length; k++) {
                s[k] = measures.get(k).score(item);
                finite &= Double.isFinite(s[k]);
            }
            if (finite) {
                scores.add(s);
                measured.add(item);
            }
        }
        List<T> front = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < measured.size() && !dominated; j++) {
                dominated = j != i && dominates(scores.get(j), scores.get(i));
            }
            if (!dominated) {
                front.add(measured.get(i));
            }
        }
        return front;
    }

    /** Whether {@code a} is at least as good as {@code b} everywhere and better somewhere (higher is better). */
    private static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] < b[k]) {
                return false;
            }
            better |= a[k] > b[k];
        }
        return better;
    }
}
