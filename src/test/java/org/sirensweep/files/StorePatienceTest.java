package org.sirensweep.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A store call that fails is tried again until it succeeds, told once when the outage begins and once when it ends;
 * past the bound, or once cancelled, the wait ends at once.
 */
class StorePatienceTest {
    private final Location store = Location.local(Path.of("/tmp/a-store"));
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<Long> heard = new ArrayList<>();

    private StorePatience patience(Duration bound, Runnable cancelCheck) {
        return new StorePatience(
                store, bound, cancelCheck, heard::add, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void aCallThatFailsForAWhileIsTriedAgainUntilItSucceedsAndTheOutageIsToldOnceAtEachEnd() {
        StorePatience patience = patience(Duration.ofMinutes(1), () -> {});
        AtomicInteger tries = new AtomicInteger();
        String answer = patience.call("writing the row of trial x", () -> {
            if (tries.incrementAndGet() < 3) { // as s3a wraps it: the line gives only what went wrong
                throw new IOException(
                        "Writing Object on runs/x.parquet: SdkClientException: Unable to execute HTTP request",
                        new ConnectException("Connection refused"));
            }
            return "written";
        });
        assertEquals("written", answer);
        assertEquals(3, tries.get());
        assertEquals(2, heard.size());
        assertTrue(heard.get(0) > 0, "the outage's start, in epoch milliseconds");
        assertEquals(0L, heard.get(1), "its end");
        assertNull(patience.failingSince());
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(
                lines.get(0)
                        .startsWith("siren-sweep: " + store + " is failing (writing the row of trial x: "
                                + "Connection refused); trying again for up to 1m00s"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("siren-sweep: " + store + " works again, after "), lines.get(1));
    }

    @Test
    void aStoreThatFailsLongerThanTheBoundEndsTheWaitWithOneLine() {
        StorePatience patience = patience(Duration.ofMillis(1_500), () -> {});
        long start = System.nanoTime();
        StoreUnreachableException gone = assertThrows(
                StoreUnreachableException.class,
                () -> patience.run("writing the row of trial x", () -> {
                    throw new IOException("Connection refused\n\tmore lines");
                }));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 1.5 && seconds < 4, "gave up after " + seconds + " s");
        String message = gone.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith(store + " has failed every request for 1s (since "), message);
        assertTrue(
                message.endsWith("; writing the row of trial x: Connection refused); run the same command again to "
                        + "resume once it is back"),
                message);
    }

    @Test
    void aCancelledWaitEndsWithinAQuarterSecondAndTriesNoMore() {
        AtomicBoolean cancelled = new AtomicBoolean();
        StorePatience patience = patience(Duration.ofMinutes(1), () -> {
            if (cancelled.get()) {
                throw new CancellationException("task killed");
            }
        });
        AtomicInteger tries = new AtomicInteger();
        long start = System.nanoTime();
        new Thread(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    cancelled.set(true);
                })
                .start();
        assertThrows(
                CancellationException.class,
                () -> patience.run("saving checkpoint c", () -> {
                    tries.incrementAndGet();
                    throw new IOException("Connection refused");
                }));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 0.8, "ended after " + seconds + " s");
        assertEquals(1, tries.get(), "the first wait is a second: no second try");
    }

    @Test
    void oneTryHoldsNothingItselfAndSaysWhetherItWasDone() {
        StorePatience patience = patience(Duration.ofMinutes(1), () -> {});
        assertFalse(patience.tryOnce("saving checkpoint c", () -> {
            throw new IOException("No space left on device");
        }));
        assertTrue(patience.failingSince() != null);
        assertTrue(patience.tryOnce("saving checkpoint c", () -> {}));
        assertNull(patience.failingSince());
    }

    @Test
    void theBoundIsMoreThanNothingAndAtMostAWeek() {
        assertEquals(Duration.ofMinutes(10), Durations.positiveMinutes(10));
        assertThrows(IllegalArgumentException.class, () -> Durations.positiveMinutes(0));
        assertThrows(IllegalArgumentException.class, () -> Durations.positiveMinutes(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Durations.positiveMinutes(7 * 24 * 60 + 1));
    }
}
