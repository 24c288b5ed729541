package org.sirensweep.trial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingState;

/**
 * A trial's {@link Checkpoints} in one file of any store ({@link Location#write}: written beside itself and renamed
 * over the old one, or uploaded whole to an object store, so a kill mid-save leaves the previous checkpoint whole),
 * read back only if its checksum holds and it was saved by the same training ({@link TrialEngine#fingerprint()}). A file that fails either check is moved aside to the quarantine folder with a
 * warning on stderr, and the trial starts over: a bad checkpoint costs time, never a crash or a wrong result.
 *
 * <p>A store that does not answer costs no training either ({@link StorePatience}): a read waits for it; a save
 * that fails is held and tried again at the next save (the newer state replacing it), and {@link #flush} waits until
 * the held one is written, while the store is away for less than the patience's bound.
 *
 * <p>Layout (big-endian): the magic {@code SIRENCKP}, a format version, the fingerprint, epoch, step, training
 * nanoseconds, the parameters and Adam's moments as float32, the curve points, and last a CRC-32 of all before it.
 */
public final class CheckpointFile implements Checkpoints {
    /** File name ending of checkpoints. */
    public static final String SUFFIX = ".checkpoint";

    private static final long MAGIC = 0x534952454e434b50L; // "SIRENCKP"
    /** 3: Adam is {@code AdamOptimizer}'s (a state saved by ND4J's updater would continue differently). */
    private static final int VERSION = 3;
    /** Training minutes between checkpoints when neither a sweep file nor a command line says. */
    public static final double DEFAULT_MINUTES = 5;

    private final Location file;
    private final Duration interval;
    private final String fingerprint;
    private final Location quarantine;
    private final StorePatience patience;
    /** A state whose save the store failed, to be written at the next save or flush; null when none waits. */
    private byte[] held;

    /**
     * @param file        where the checkpoint lives
     * @param interval    training time between saves (zero: never save, but still resume from an existing file)
     * @param fingerprint what identifies the training ({@link TrialEngine#fingerprint()})
     * @param quarantine  folder a damaged or foreign checkpoint is moved to
     * @param patience    how the file's store is waited for when it does not answer
     */
    public CheckpointFile(
            Location file, Duration interval, String fingerprint, Location quarantine, StorePatience patience) {
        this.file = file;
        this.interval = interval;
        this.fingerprint = fingerprint;
        this.quarantine = quarantine;
        this.patience = patience;
    }

    public Location file() {
        return file;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Optional<TrainingState> load() {
        byte[] bytes = patience.call("reading checkpoint " + file, () -> file.isFile() ? file.readAllBytes() : null);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(bytes, fingerprint));
        } catch (IOException | RuntimeException e) {
            Location moved =
                    quarantine.resolve(file.name() + "." + Instant.now().toEpochMilli() + ".damaged");
            try {
                quarantine.makeFolders();
                file.moveTo(moved);
                System.err.println("warning: checkpoint " + file + " not used (" + e.getMessage() + "); moved to "
                        + moved + ", the training starts over");
            } catch (IOException moveFailed) {
                System.err.println("warning: checkpoint " + file + " not used (" + e.getMessage()
                        + ") and could not be moved aside (" + moveFailed.getMessage() + "); the training starts over");
            }
            return Optional.empty();
        }
    }

    /**
     * Saves {@code state}, or holds it if the store fails the write, to be written at the next save or {@link
     * #flush}; throws {@link org.sirensweep.files.StoreUnreachableException} once the store has failed for longer
     * than the patience's bound.
     */
    @Override
    public void save(TrainingState state) {
        held = encode(state, fingerprint);
        if (patience.tryOnce("saving checkpoint " + file, this::writeHeld)) {
            held = null;
        }
    }

    /** Writes the state a failed save held, if there is one, waiting for the store as its patience allows. */
    public void flush() {
        if (held != null) {
            patience.run("saving checkpoint " + file, this::writeHeld);
            held = null;
        }
    }

    private void writeHeld() throws IOException {
        file.write(held, file.parent().resolve(file.name() + ".tmp-" + UUID.randomUUID()));
    }

    /** Where a checkpoint stands: the epochs and optimiser steps it holds, and the learning curve up to there. */
    public record Progress(int epoch, long step, List<CurvePoint> curve) {
        public Progress {
            curve = List.copyOf(curve);
        }
    }

    /**
     * Where a checkpoint file stands, read without knowing whose it is (for reports, and for the driver's
     * successive-halving decisions); empty if it is damaged or not a checkpoint.
     */
    public static Optional<Progress> peek(Location file) {
        try {
            TrainingState state = read(file.readAllBytes(), null);
            return Optional.of(new Progress(state.epoch(), state.step(), state.curve()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes the checkpoint (its trial's result is safely stored), dropping a held state. One try: a checkpoint left
     * by a store that failed it is removed at the end of the run, or by the next, as any checkpoint of a trial with a
     * row.
     */
    public void delete() {
        held = null;
        patience.tryOnce("removing checkpoint " + file, file::delete);
    }

    static byte[] encode(TrainingState state, String fingerprint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                16 + 12 * state.parameters().length + 72 * state.curve().size() + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeInt(state.epoch());
            out.writeLong(state.step());
            out.writeLong(state.trainNanos());
            writeFloats(out, state.parameters());
            writeFloats(out, state.optimizerState());
            out.writeInt(state.curve().size());
            for (CurvePoint p : state.curve()) {
                out.writeLong(p.step());
                out.writeInt(p.epoch());
                out.writeDouble(p.loss());
                Measures m = p.measures();
                for (double value :
                        new double[] {m.psnr(), m.psnrAffine(), m.psnrHarmonic(), m.gradientError(), m.laplacianError()
                        }) {
                    out.writeDouble(value);
                }
                out.writeDouble(p.seconds());
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * What follows the magic and the version, up to the checksum, once {@code bytes} have proved to be a whole
     * checkpoint of this format: the magic first, the CRC-32 of the rest last, this build's version.
     */
    private static DataInputStream contents(byte[] bytes) throws IOException {
        if (bytes.length < 20) {
            throw new IOException("truncated (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - Long.BYTES);
        long stored =
                ByteBuffer.wrap(bytes, bytes.length - Long.BYTES, Long.BYTES).getLong();
        if (ByteBuffer.wrap(bytes).getLong() != MAGIC) {
            throw new IOException("not a siren-sweep checkpoint");
        }
        if (crc.getValue() != stored) {
            throw new IOException("checksum mismatch: the file is damaged or truncated");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 8, bytes.length - 8 - Long.BYTES));
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("format version " + version + ", this build reads " + VERSION);
        }
        return in;
    }

    /** The state in a checkpoint's bytes, checked to be {@code expectedFingerprint}'s unless that is null. */
    private static TrainingState read(byte[] bytes, String expectedFingerprint) throws IOException {
        DataInputStream in = contents(bytes);
        String fingerprint = in.readUTF();
        if (expectedFingerprint != null && !fingerprint.equals(expectedFingerprint)) {
            throw new IOException("saved by a different training (other settings or image)");
        }
        int epoch = in.readInt();
        long step = in.readLong();
        long trainNanos = in.readLong();
        float[] parameters = readFloats(in);
        float[] optimizer = readFloats(in);
        int points = in.readInt();
        List<CurvePoint> curve = new ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            curve.add(new CurvePoint(
                    in.readLong(),
                    in.readInt(),
                    in.readDouble(),
                    new Measures(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()),
                    in.readDouble()));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " unexpected bytes at the end");
        }
        return new TrainingState(epoch, step, parameters, optimizer, curve, trainNanos);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * Float.BYTES > in.available()) {
            throw new IOException("bad array length " + n);
        }
        byte[] raw = new byte[n * Float.BYTES];
        in.readFully(raw);
        float[] values = new float[n];
        ByteBuffer.wrap(raw).asFloatBuffer().get(values);
        return values;
    }
}
