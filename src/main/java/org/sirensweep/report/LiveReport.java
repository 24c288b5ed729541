package org.sirensweep.report;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepProgress;
import org.sirensweep.sweep.Trial;

/**
 * The report page of a sweep that is running, kept current by its driver: rewritten as rows land and progress
 * moves (at most every {@code refresh}, and never more than a tenth of the time, so a large dataset's rewrites do
 * not slow the run), the open page reloading itself at that pace. {@link #finish} writes the final page, which
 * no longer reloads. A page that cannot be written costs a warning, never the run; pages are written on a thread of
 * their own, so a store that takes minutes to fail a write does not hold up the caller (the progress line).
 */
public final class LiveReport implements Consumer<SweepProgress> {
    private final Location out;
    private final ReportModel.Context context;
    private final Map<String, Map<String, Object>> settings;
    /** How often a run rewrites the page (and the open page reloads itself), unless rewriting takes longer. */
    public static final Duration REFRESH = Duration.ofSeconds(10);

    private final Duration refresh;
    private final PrintStream warnings;
    private final DatasetRows rows;
    private final PictureStore store = new PictureStore();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "live report");
        t.setDaemon(true);
        return t;
    });
    /** The page being written, or the last one written. */
    private Future<?> writing;

    private volatile long nextWrite = System.nanoTime();
    /** The time between writes now: {@code refresh}, or ten times the last write's duration if that is longer. */
    private volatile Duration interval;

    private volatile boolean warned;

    /** A live page for {@code sweep}'s run into dataset {@code folder}, reloading every {@code refresh}. */
    public LiveReport(Sweep sweep, Location folder, ImageSelection images, Duration refresh, PrintStream warnings) {
        this.out = folder.resolve(ResultDataset.REPORT);
        this.context = new ReportModel.Context(
                sweep.name(),
                folder,
                sweep.source().toAbsolutePath().normalize().toString(),
                images);
        this.settings = sweep.trials().stream().collect(Collectors.toMap(Trial::id, Trial::values));
        this.refresh = refresh;
        this.interval = refresh;
        this.warnings = warnings;
        this.rows = new DatasetRows(folder, images != ImageSelection.NONE);
    }

    /** The page's file. */
    public Location file() {
        return out;
    }

    /** Starts writing the page for {@code progress} if one is due and none is being written. */
    @Override
    public void accept(SweepProgress progress) {
        if ((System.nanoTime() - nextWrite >= 0 || progress.finished()) && (writing == null || writing.isDone())) {
            writing = writer.submit(() -> write(progress));
        }
    }

    /** Waits until the page being written, if one is, has been written (or has failed). */
    public void flush() {
        if (writing != null) {
            try {
                writing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // write() catches what a write may throw
            }
        }
    }

    /** Writes the final page (the rows as they are now, without progress or reloading), once the one in flight is. */
    public void finish() {
        if (writer.isShutdown()) { // abandoned (or finished already): nothing more to write
            return;
        }
        flush();
        writer.shutdown();
        write(null);
    }

    /** Leaves the page as it is, writing nothing more and warning of nothing more: its store is gone. */
    public void abandon() {
        warned = true; // the write this interrupts fails for the reason the run already gave
        writer.shutdownNow();
    }

    private void write(SweepProgress progress) {
        long start = System.nanoTime();
        try {
            List<ReportedTrial> trials = rows.read();
            ReportModel.Live live = progress == null
                    ? null
                    : new ReportModel.Live(progress, settings, (int) Math.max(1, interval.toSeconds()));
            ReportPage.write(ReportModel.of(trials, context, live, store), out);
        } catch (IOException | ResultDataset.DatasetException | RuntimeException e) {
            if (!warned) {
                warnings.println("warning: the report page " + out + " could not be written: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
                warned = true;
            }
        }
        interval = Duration.ofNanos(Math.max(refresh.toNanos(), 10 * (System.nanoTime() - start)));
        nextWrite = System.nanoTime() + interval.toNanos();
    }
}
