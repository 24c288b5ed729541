package org.sirensweep.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sirensweep.files.Location;

/**
 * A dataset's {@code _lock}, held by the run that writes it so that a second run of the sweep is refused. In a local
 * folder it is an operating-system lock, which the kernel releases when the process ends, however it ends. On other
 * stores it is a lease: the file, created only where none exists (HDFS's exclusive create, S3's conditional write),
 * names its holder and is renewed every {@link #RENEWAL}; a lease not renewed for {@link #EXPIRY}, or whose holder
 * was a process of this host that no longer runs (a driver killed with {@code kill -9}), is taken over.
 */
final class DatasetLock implements AutoCloseable {
    static final String NAME = "_lock";
    static final Duration RENEWAL = Duration.ofSeconds(15);
    static final Duration EXPIRY = Duration.ofSeconds(90);

    private final Runnable release;
    private final Runnable abandon;

    private DatasetLock(Runnable release, Runnable abandon) {
        this.release = release;
        this.abandon = abandon;
    }

    /** Another run holds the lock; the message says what is known of it. */
    static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;

        HeldException(String holder) {
            super(holder);
        }
    }

    /** Takes {@code folder}'s lock, or throws {@link HeldException} if another run holds it. */
    static DatasetLock take(Location folder) throws IOException, HeldException {
        Location file = folder.resolve(NAME);
        if (file.localPath().isPresent()) {
            return local(file.localPath().get());
        }
        return lease(file);
    }

    private static DatasetLock local(java.nio.file.Path file) throws IOException, HeldException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new HeldException("another process holds it");
        }
        FileLock held = lock;
        return new DatasetLock(
                () -> {
                    try {
                        held.release();
                        channel.close();
                    } catch (IOException e) {
                        // the process is ending its run; the kernel drops the lock with the channel anyway
                    }
                },
                () -> {});
    }

    private static DatasetLock lease(Location file) throws IOException, HeldException {
        String owner = UUID.randomUUID().toString();
        Instant since = Instant.now();
        if (!file.createNew(leaseBytes(owner, since))) {
            JsonNode lease = read(file);
            String stale = staleness(lease);
            if (stale == null) {
                throw new HeldException(describe(lease));
            }
            // Taken over only if the file still holds the stale lease, and recreated only where none is: of two
            // runs taking it over at once, one gets it.
            if (!lease.equals(read(file))) {
                throw new HeldException("another run took it over just now");
            }
            file.delete();
            if (!file.createNew(leaseBytes(owner, since))) {
                throw new HeldException("another run took it over just now");
            }
            System.err.println("warning: took over " + file + ": " + stale);
        }
        ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "renew " + file);
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failing = new AtomicBoolean(); // warned once per outage of the store, not at each renewal
        renewal.scheduleWithFixedDelay(
                () -> {
                    try {
                        JsonNode now = read(file);
                        if (now.has("owner") && !owner.equals(now.path("owner").asText())) {
                            // Silent past the expiry (a stalled process), and another run has the lease now: leave it
                            // be.
                            System.err.println("warning: " + file + " was taken over by " + describe(now)
                                    + "; this run no longer holds it");
                            renewal.shutdown();
                            return;
                        }
                        file.overwrite(leaseBytes(owner, since));
                        failing.set(false);
                    } catch (IOException | RuntimeException e) {
                        // Not the renewal that closing the lock interrupted.
                        if (!renewal.isShutdown() && !failing.getAndSet(true)) {
                            System.err.println("warning: could not renew " + file + ": "
                                    + String.valueOf(e.getMessage())
                                            .lines()
                                            .findFirst()
                                            .orElse(""));
                        }
                    }
                },
                RENEWAL.toMillis(),
                RENEWAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return new DatasetLock(
                () -> {
                    renewal.shutdown(); // a renewal under way finishes: interrupted, it would leave S3 a broken upload
                    try {
                        renewal.awaitTermination(10, TimeUnit.SECONDS);
                        if (owner.equals(read(file).path("owner").asText())) {
                            file.delete();
                        }
                    } catch (IOException | InterruptedException e) {
                        System.err.println("warning: could not remove " + file + " (" + e.getMessage()
                                + "); the next run takes it over after " + EXPIRY.toSeconds() + " s");
                    }
                },
                renewal::shutdownNow);
    }

    private static byte[] leaseBytes(String owner, Instant since) throws IOException {
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("owner", owner);
        lease.put("host", hostName());
        lease.put("pid", ProcessHandle.current().pid());
        lease.put("since", since.toString());
        lease.put("renewed_at", Instant.now().toString());
        return new ObjectMapper().writeValueAsBytes(lease);
    }

    /** The lease as JSON; an empty object while it is being rewritten or if it is unreadable. */
    private static JsonNode read(Location file) {
        try {
            JsonNode lease = new ObjectMapper().readTree(file.readAllBytes());
            return lease == null || !lease.isObject() ? new ObjectMapper().createObjectNode() : lease;
        } catch (IOException e) {
            return new ObjectMapper().createObjectNode();
        }
    }

    /** Why the lease may be taken over, or null while its holder may still be running. */
    private static String staleness(JsonNode lease) {
        if (!lease.has("renewed_at")) {
            return null; // being written: its holder is alive
        }
        Duration silent = Duration.between(Instant.parse(lease.get("renewed_at").asText()), Instant.now());
        if (silent.compareTo(EXPIRY) > 0) {
            return "its holder (" + describe(lease) + ") has not renewed it for " + silent.toSeconds() + " s";
        }
        long pid = lease.path("pid").asLong(-1);
        if (hostName().equals(lease.path("host").asText())
                && ProcessHandle.of(pid).isEmpty()) {
            return "its holder, process " + pid + " of this host, no longer runs";
        }
        return null;
    }

    private static String describe(JsonNode lease) {
        if (!lease.has("host")) {
            return "a run is taking it now";
        }
        return "process " + lease.path("pid").asText() + " on "
                + lease.path("host").asText() + ", since "
                + lease.path("since").asText() + ", renewed at "
                + lease.path("renewed_at").asText()
                + "; if that run is gone, the lock expires " + EXPIRY.toSeconds() + " s after its last renewal";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Lets the lock go without touching its store (which is gone): a lease is no longer renewed and expires, or is
     * taken over at once by a run on this host once this process has ended.
     */
    void abandon() {
        abandon.run();
    }

    @Override
    public void close() {
        release.run();
    }
}
