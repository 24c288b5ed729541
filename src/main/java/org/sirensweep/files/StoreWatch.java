package org.sirensweep.files;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a store answers, as the driver sees it while a job runs: a thread of its own asks it about a folder every
 * {@link #INTERVAL}, and a question that fails, or waits unanswered for {@link #NO_ANSWER} (a connector retrying a
 * refused connection for minutes), marks the store unreachable since that question was asked, until one is answered.
 */
public final class StoreWatch implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration NO_ANSWER = Duration.ofSeconds(10);

    private final Thread thread;
    /** When the question now waiting for its answer was asked; null between questions. */
    private volatile Instant asking;
    /** When the first of the questions that failed in a row was asked; null while the store answers. */
    private volatile Instant failingSince;

    private volatile String lastError;

    private StoreWatch(Location folder) {
        thread = new Thread(() -> watch(folder), "watch " + folder);
        thread.setDaemon(true);
    }

    /** Starts watching the store of {@code folder}. */
    public static StoreWatch start(Location folder) {
        StoreWatch watch = new StoreWatch(folder);
        watch.thread.start();
        return watch;
    }

    private void watch(Location folder) {
        while (!Thread.currentThread().isInterrupted()) {
            Instant asked = Instant.now();
            asking = asked;
            try {
                folder.isFolder();
                failingSince = null;
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                lastError = StorePatience.firstLine(e);
                if (failingSince == null) {
                    failingSince = asked;
                }
            }
            asking = null;
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Since when the store has not answered, or null while it does. */
    public Instant failingSince() {
        Instant failing = failingSince;
        if (failing != null) {
            return failing;
        }
        Instant waiting = asking;
        return waiting != null && Duration.between(waiting, Instant.now()).compareTo(NO_ANSWER) > 0 ? waiting : null;
    }

    /** What the store last said when it failed, or that it does not answer. */
    public String lastError() {
        Instant waiting = asking;
        if (waiting != null && Duration.between(waiting, Instant.now()).compareTo(NO_ANSWER) > 0) {
            return "its last request has had no answer";
        }
        return lastError == null ? "its writes fail" : lastError;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
