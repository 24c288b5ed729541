package org.sirensweep.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.function.LongConsumer;

/**
 * Calls to a store that may go away for minutes (an S3 endpoint restarted, a namenode failing over, a full disk): a
 * call that fails is tried again with backoff (1 s, doubling to 30 s) until it succeeds or the store has failed every
 * call for the bound it is given; then a {@link StoreUnreachableException} ends the wait. An outage is told once when it
 * begins and once when it ends (one line each), and its start goes to a listener (the task's progress counters, so
 * the driver's progress line can say it). One per task or command, used by one thread at a time.
 */
public final class StorePatience {
    /** Minutes a store may fail before the work stops, when no command line says. */
    public static final double DEFAULT_MINUTES = 10;

    private static final long FIRST_WAIT_MILLIS = 1_000;
    private static final long LONGEST_WAIT_MILLIS = 30_000;
    /** How often a wait looks whether the work was cancelled. */
    private static final long CANCEL_CHECK_MILLIS = 250;

    private final Location store;
    private final Duration bound;
    private final Runnable cancelCheck;
    private final LongConsumer outageListener;
    private final PrintStream log;
    private Instant failingSince;

    /**
     * @param store          the store's folder, as the lines name it (a dataset)
     * @param bound          how long the store may fail every call before {@link StoreUnreachableException}
     * @param cancelCheck    throws when the work was cancelled (called before each try and during waits)
     * @param outageListener hears the epoch milliseconds when an outage began, and 0 when it ends
     * @param log            where the outage's two lines go
     */
    public StorePatience(
            Location store, Duration bound, Runnable cancelCheck, LongConsumer outageListener, PrintStream log) {
        this.store = store;
        this.bound = bound;
        this.cancelCheck = cancelCheck;
        this.outageListener = outageListener;
        this.log = log;
    }

    /** A store call that may fail. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws IOException;
    }

    /** A store action that may fail. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    /**
     * {@code call}'s result, trying it again with backoff while it fails, for as long as the bound allows.
     *
     * @param what what the call does, for the lines ("writing the row of trial x")
     * @throws StoreUnreachableException when the store has failed for longer than the bound
     */
    public <T> T call(String what, Call<T> call) {
        long wait = FIRST_WAIT_MILLIS;
        while (true) {
            cancelCheck.run();
            try {
                T result = call.call();
                answered();
                return result;
            } catch (IOException e) {
                failed(what, e);
                sleep(Math.min(wait, Math.max(1, remainingMillis())));
                wait = Math.min(2 * wait, LONGEST_WAIT_MILLIS);
            }
        }
    }

    /** {@link #call} for an action with no result. */
    public void run(String what, Action action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    /**
     * Tries {@code action} once: true if it was done, false if the store failed it (the caller keeps what it meant
     * to write and tries again later, while its work goes on).
     *
     * @throws StoreUnreachableException when it fails and the store has failed for longer than the bound
     */
    public boolean tryOnce(String what, Action action) {
        cancelCheck.run();
        try {
            action.run();
            answered();
            return true;
        } catch (IOException e) {
            failed(what, e);
            return false;
        }
    }

    /** When the store began failing every call, or null while it answers. */
    public Instant failingSince() {
        return failingSince;
    }

    private long remainingMillis() {
        return bound.toMillis() - Duration.between(failingSince, Instant.now()).toMillis();
    }

    private void answered() {
        if (failingSince != null) {
            log.println("siren-sweep: " + store + " works again, after "
                    + Durations.describe(Duration.between(failingSince, Instant.now())));
            failingSince = null;
            outageListener.accept(0);
        }
    }

    /**
     * Takes note of a failure of the store; a call interrupted because its work was cancelled is not one: then the
     * cancellation ends the wait.
     */
    private void failed(String what, IOException e) {
        if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
            cancelCheck.run();
            throw new UncheckedIOException("interrupted while " + what, e);
        }
        String error = firstLine(e);
        if (failingSince == null) {
            failingSince = Instant.now();
            outageListener.accept(failingSince.toEpochMilli());
            log.println("siren-sweep: " + store + " is failing (" + what + ": " + error + "); trying again for up "
                    + "to " + Durations.describe(bound));
        }
        if (remainingMillis() <= 0) {
            throw new StoreUnreachableException(unreachableLine(store, failingSince, what + ": " + error), e);
        }
    }

    /**
     * The one line that ends a run whose store has failed every request since {@code since}: the store, for how long, the
     * last error, and how to go on.
     */
    public static String unreachableLine(Location store, Instant since, String lastError) {
        return store + " has failed every request for " + Durations.describe(Duration.between(since, Instant.now()))
                + " (since " + clock(since) + "; " + lastError
                + "); run the same command again to resume once it is back";
    }

    /** A time of day as the lines give it: 14:03:05 in this machine's zone. */
    public static String clock(Instant time) {
        return LocalTime.ofInstant(time, ZoneId.systemDefault())
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
    }

    /**
     * What went wrong, in a few words: the first line of the innermost cause's message ("Connection refused", "No
     * space left on device"), without the layers of connector and SDK messages that wrap it; else the exception's.
     */
    static String firstLine(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        String message = inner.getMessage() != null
                ? inner.getMessage()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return message.lines().findFirst().orElse(e.getClass().getSimpleName());
    }

    private void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                Thread.sleep(Math.min(left, CANCEL_CHECK_MILLIS));
                cancelCheck.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelCheck.run();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for " + store));
        }
    }
}
