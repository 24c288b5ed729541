package org.sirensweep.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.security.AccessControlException;

/**
 * A file or folder on any file system Hadoop reaches: a plain path is a local one ({@code runs/quickstart}), a URI
 * names its store ({@code hdfs://namenode/runs}, {@code s3a://bucket/runs}, {@code file:/data}). It reads and writes
 * through Hadoop's FileSystem API with the {@link FileSettings} it carries, so it works alike on the driver and on
 * executors.
 *
 * <p>{@link #write} keeps a file whole or absent on every store. Where a file is visible while it is being written
 * (local folders, HDFS) the bytes go to a staging file that is then renamed into place, an atomic step there. On
 * object stores that publish an object only when its upload completes (S3, GCS) the bytes are uploaded once as the
 * final object, because there a rename is a copy that readers can see half done.
 */
public final class Location implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {@code scheme:/...}: what a URI looks like, as opposed to a local path. */
    private static final Pattern URI_FORM = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");
    /** Object stores whose uploads become visible whole, when they complete, and whose renames are copies. */
    private static final Set<String> PUBLISH_ON_CLOSE = Set.of("s3a", "gs");
    /**
     * File systems by settings, scheme and authority. Hadoop's own cache keys them by scheme and authority only, so
     * two settings for one bucket (another endpoint, other credentials) would share the first one's client.
     */
    private static final Map<List<Object>, FileSystem> FILE_SYSTEMS = new ConcurrentHashMap<>();
    /** The create option that skips S3's checks that no folder has the new file's name (two requests). */
    private static final String CREATE_PERFORMANCE = "fs.s3a.create.performance";
    /** The create option that asks S3 to refuse the upload if the object exists (If-None-Match: *). */
    private static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

    private final String uri;
    private final FileSettings settings;

    private Location(URI uri, FileSettings settings) {
        this.uri = uri.toString();
        this.settings = settings;
    }

    /**
     * A location from what a user wrote: a URI with a scheme, or a local path (made absolute, against this process's
     * working folder, since executors have their own).
     */
    public static Location of(String text, FileSettings settings) {
        if (isUri(text)) {
            URI parsed = new Path(text).toUri();
            if (parsed.getPath() == null || parsed.getPath().isEmpty()) { // s3a://bucket: its root
                parsed = new Path(parsed.getScheme(), parsed.getAuthority(), "/").toUri();
            }
            return new Location(parsed, settings);
        }
        return local(java.nio.file.Path.of(text), settings);
    }

    /** Whether {@code text} is a URI ({@code scheme:/...}) rather than a local path. */
    public static boolean isUri(String text) {
        return URI_FORM.matcher(text).matches();
    }

    /** A local file or folder. */
    public static Location local(java.nio.file.Path path, FileSettings settings) {
        return new Location(
                new Path("file", null, path.toAbsolutePath().normalize().toString()).toUri(), settings);
    }

    /** A local file or folder with no settings (local files need none). */
    public static Location local(java.nio.file.Path path) {
        return local(path, FileSettings.NONE);
    }

    private Path path() {
        return new Path(URI.create(uri));
    }

    public FileSettings settings() {
        return settings;
    }

    /** The entry {@code name} inside this folder. */
    public Location resolve(String name) {
        return new Location(new Path(path(), name).toUri(), settings);
    }

    /** The folder this is in (itself at a store's root). */
    public Location parent() {
        Path parent = path().getParent();
        return parent == null ? this : new Location(parent.toUri(), settings);
    }

    /** The last part of the name. */
    public String name() {
        return path().getName();
    }

    /** The scheme: {@code file} for local paths. */
    public String scheme() {
        return URI.create(uri).getScheme();
    }

    /** The local path, if this is on the local file system. */
    public Optional<java.nio.file.Path> localPath() {
        return "file".equals(scheme()) ? Optional.of(java.nio.file.Path.of(URI.create(uri))) : Optional.empty();
    }

    /** How a user would write it: a plain path for a local file, else the URI. */
    @Override
    public String toString() {
        return localPath().map(java.nio.file.Path::toString).orElse(uri);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Location other && uri.equals(other.uri) && settings.equals(other.settings);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    /**
     * The file system; an unknown scheme throws with one line naming it. Local files go to Hadoop's raw local file
     * system: its default one writes a {@code .crc} file beside each file.
     */
    private FileSystem fileSystem() throws IOException {
        URI address = URI.create(uri);
        try {
            if ("file".equals(address.getScheme())) {
                return FileSystem.getLocal(settings.configuration()).getRaw();
            }
            List<Object> key = Arrays.asList(settings, address.getScheme(), address.getAuthority());
            FileSystem fs = FILE_SYSTEMS.get(key);
            if (fs == null) {
                fs = FileSystem.newInstance(address, settings.configuration());
                FileSystem raced = FILE_SYSTEMS.putIfAbsent(key, fs);
                if (raced != null) {
                    fs.close();
                    fs = raced;
                }
            }
            return fs;
        } catch (UnsupportedFileSystemException e) {
            throw new IOException("no file system for scheme '" + scheme() + "': no connector on the classpath "
                    + "serves it (hadoop-aws serves s3a://)");
        } catch (RuntimeException | LinkageError e) {
            // A connector named by Hadoop's defaults but absent, or missing a jar of its own; an unknown host.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ClassNotFoundException || e instanceof LinkageError) {
                throw new IOException(
                        "no file system for scheme '" + scheme() + "': its connector ("
                                + cause.getClass().getSimpleName() + ": " + firstLine(cause)
                                + ") is not on the classpath, or "
                                + "not all of it",
                        e);
            }
            throw new IOException(cause.getClass().getSimpleName() + ": " + firstLine(cause), e);
        }
    }

    /** Checks that this location's store can be reached: its scheme is known; throws with one line if not. */
    public void checkScheme() throws IOException {
        fileSystem();
    }

    /** Whether a file or folder is there. */
    public boolean exists() throws IOException {
        return status().isPresent();
    }

    /** Whether a folder is there (on object stores: whether objects have this prefix). */
    public boolean isFolder() throws IOException {
        return status().map(FileStatus::isDirectory).orElse(false);
    }

    /** Whether a file is there. */
    public boolean isFile() throws IOException {
        return status().map(FileStatus::isFile).orElse(false);
    }

    private Optional<FileStatus> status() throws IOException {
        try {
            return Optional.of(fileSystem().getFileStatus(path()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A file in a folder listing, with what the listing said of it. */
    public record Entry(Location location, long length, long modifiedMillis, boolean folder) {
        public String name() {
            return location.name();
        }
    }

    /** The file's size in bytes. */
    public long length() throws IOException {
        return fileSystem().getFileStatus(path()).getLen();
    }

    /** The files and folders in this folder, by name; none if it is absent. */
    public List<Entry> list() throws IOException {
        FileStatus[] statuses;
        try {
            statuses = fileSystem().listStatus(path());
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (FileStatus s : statuses) {
            entries.add(
                    new Entry(resolve(s.getPath().getName()), s.getLen(), s.getModificationTime(), s.isDirectory()));
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** The files (not folders) in this folder, by name; none if it is absent. */
    public List<Entry> files() throws IOException {
        return list().stream().filter(e -> !e.folder()).toList();
    }

    /** Opens the file for reading, with seeks. */
    public FSDataInputStream open() throws IOException {
        return fileSystem().open(path());
    }

    /** The whole file. */
    public byte[] readAllBytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes {@code bytes} as this file, replacing what was there, so that readers see the old file, or the new one
     * whole: through {@code staging} (a file name readers skip, on the same store) and a rename where files are
     * visible while written; as one upload on object stores.
     */
    public void write(byte[] bytes, Location staging) throws IOException {
        FileSystem fs = fileSystem();
        if (PUBLISH_ON_CLOSE.contains(scheme())) {
            // Performance mode: no probes that this key is not a folder (our names never are one).
            upload(
                    (FSDataOutputStream) fs.createFile(path())
                            .overwrite(true)
                            .opt(CREATE_PERFORMANCE, true)
                            .build(),
                    bytes,
                    false);
            return;
        }
        try {
            upload(fs.create(staging.path(), true), bytes, true);
            staging.moveTo(this);
        } catch (IOException | RuntimeException e) {
            try {
                staging.delete();
            } catch (IOException | RuntimeException ignored) {
                // the write's error is the one to report; a run removes staging leftovers when it starts
            }
            throw e;
        }
    }

    /**
     * Creates this file with {@code bytes} only if it does not exist: false if it does. Atomic on HDFS, and on S3
     * where the store honours conditional writes (If-None-Match, as AWS S3 does); elsewhere a check, then the write.
     */
    public boolean createNew(byte[] bytes) throws IOException {
        FileSystem fs = fileSystem();
        if (exists()) { // where a store ignores the condition (some S3-compatible servers), this check still holds
            return false;
        }
        FSDataOutputStream out;
        try {
            out = (FSDataOutputStream) fs.createFile(path())
                    .overwrite(false)
                    .recursive()
                    .opt(CONDITIONAL_CREATE, true)
                    .build();
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        try {
            upload(out, bytes, false);
            return true;
        } catch (FileAlreadyExistsException e) { // S3 refuses the conditional upload when it completes
            return false;
        }
    }

    /**
     * Writes {@code bytes} as this file in place, replacing it: one step on object stores; elsewhere the file can be
     * seen empty for a moment (for small files that are re-read until they parse, such as a lock's heartbeat).
     */
    public void overwrite(byte[] bytes) throws IOException {
        upload(fileSystem().create(path(), true), bytes, false);
    }

    /**
     * Writes and completes the upload ({@code durable}: on disk first, as a file about to be renamed into place
     * must be); if writing fails, aborts it so that nothing partial is published.
     */
    private static void upload(FSDataOutputStream out, byte[] bytes, boolean durable) throws IOException {
        try {
            try {
                out.write(bytes);
                if (durable) {
                    out.hsync();
                }
            } catch (IOException | RuntimeException | FSError e) {
                if (out.hasCapability(StreamCapabilities.ABORTABLE_STREAM)) {
                    out.abort();
                }
                try {
                    out.close();
                } catch (IOException | FSError ignored) {
                    // the write's error is the one to report
                }
                throw e;
            }
            out.close();
        } catch (FSError e) { // how Hadoop's local file system reports a failed write, a full disk: an I/O error
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Creates this folder and those above it (nothing on object stores, where folders are name prefixes). */
    public void makeFolders() throws IOException {
        if (!fileSystem().mkdirs(path())) {
            throw new IOException("cannot create folder " + this);
        }
    }

    /** Deletes this file if it is there. */
    public void delete() throws IOException {
        fileSystem().delete(path(), false);
    }

    /** Deletes this folder and everything in it, if it is there. */
    public void deleteAll() throws IOException {
        fileSystem().delete(path(), true);
    }

    /** Moves this file to {@code target}, replacing a file there (a copy and a delete on object stores). */
    public void moveTo(Location target) throws IOException {
        FileSystem fs = fileSystem();
        if (fs instanceof DistributedFileSystem hdfs) { // HDFS replaces in one step at the namenode when asked to
            hdfs.rename(path(), target.path(), Options.Rename.OVERWRITE);
            return;
        }
        if (rename(fs, target)) { // a local rename replaces in one step
            return;
        }
        // Other stores' renames do not replace: the old file goes first (readers see neither for that moment).
        if (target.isFile()) {
            target.delete();
            if (rename(fs, target)) {
                return;
            }
        }
        throw new IOException("cannot move " + this + " to " + target);
    }

    /** Hadoop's rename: false, or on some stores an exception, where the target exists. */
    private boolean rename(FileSystem fs, Location target) throws IOException {
        try {
            return fs.rename(path(), target.path());
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Whether this process may create files in this existing folder, as far as the store says before trying: a
     * local folder's permission; HDFS's access check; true on object stores, which tell only when a write fails.
     */
    public boolean mayWrite() throws IOException {
        Optional<java.nio.file.Path> local = localPath();
        if (local.isPresent()) {
            return java.nio.file.Files.isWritable(local.get());
        }
        try {
            fileSystem().access(path(), FsAction.WRITE);
            return true;
        } catch (AccessControlException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(message);
    }
}
