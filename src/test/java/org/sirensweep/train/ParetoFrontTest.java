package org.sirensweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {
    /** A trial's PSNR (higher is better) and seconds (lower is better). */
    record Trial(String id, double psnr, double seconds) {}

    private static final List<ParetoFront.Measure<Trial>> PSNR_AND_SECONDS =
            List.of(ParetoFront.Measure.of("psnr", Trial::psnr), ParetoFront.Measure.of("seconds", Trial::seconds));

    @Test
    void keepsTheTrialsNoOtherBeatsOnBothMeasures() {
        Trial fastAndPoor = new Trial("a", 20, 10);
        Trial slowAndGood = new Trial("b", 30, 100);
        Trial middle = new Trial("c", 25, 50);
        Trial dominated = new Trial("d", 24, 60); // c is better and faster
        Trial tiedWithMiddle = new Trial("e", 25, 50); // equal on both: on the front together
        Trial sameSpeedWorse = new Trial("f", 19, 10); // a is as fast and better
        Trial diverged = new Trial("g", Double.NaN, 1);
        assertEquals(
                List.of(fastAndPoor, slowAndGood, middle, tiedWithMiddle),
                ParetoFront.of(
                        List.of(fastAndPoor, slowAndGood, middle, dominated, tiedWithMiddle, sameSpeedWorse, diverged),
                        PSNR_AND_SECONDS));
    }

    @Test
    void eachMeasureHasItsOwnDirection() {
        assertEquals(
                false,
                ParetoFront.Measure.<Trial>of("psnr_determined", Trial::psnr).lowerIsBetter());
        assertEquals(
                true, ParetoFront.Measure.<Trial>of("seconds", Trial::seconds).lowerIsBetter());
        assertEquals(
                true,
                ParetoFront.Measure.<Trial>of("parameters", Trial::seconds).lowerIsBetter());
        // Both higher-is-better: the fast, poor trial is now dominated by the slow, good one.
        List<ParetoFront.Measure<Trial>> bothHigher = List.of(
                new ParetoFront.Measure<>("psnr", Trial::psnr, false),
                new ParetoFront.Measure<>("seconds", Trial::seconds, false));
        Trial a = new Trial("a", 20, 10);
        Trial b = new Trial("b", 30, 100);
        assertEquals(List.of(b), ParetoFront.of(List.of(a, b), bothHigher));
    }

    @Test
    void agreesWithTheDefinitionOnRandomTrials() {
        SplittableRandom random = new SplittableRandom(7);
        List<Trial> trials = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> new Trial("t" + i, random.nextInt(40), random.nextInt(40)))
                .toList();
        List<Trial> front = ParetoFront.of(trials, PSNR_AND_SECONDS);
        for (Trial t : trials) {
            boolean beaten = trials.stream()
                    .anyMatch(o -> o.psnr() >= t.psnr()
                            && o.seconds() <= t.seconds()
                            && (o.psnr() > t.psnr() || o.seconds() < t.seconds()));
            assertEquals(!beaten, front.contains(t), t.toString());
        }
    }
}
