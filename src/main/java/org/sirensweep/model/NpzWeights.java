package org.sirensweep.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's weights as a NumPy {@code .npz} archive: {@code w0, b0, w1, b1, …} in float32, {@code w_k} of shape
 * {@code [fan_in, fan_out]} and {@code b_k} of shape {@code [fan_out]} (so {@code h @ w_k + b_k} is layer k), plus
 * {@code omega0} as a 0-d float64 array. The .npy entries are NumPy's format 1.0 (written here, byte for byte as
 * ND4J's codec writes them, so that a network saved on a GPU needs no ND4J), read back by ND4J's codec.
 */
public final class NpzWeights {
    private NpzWeights() {}

    /** The zip entries' time stamp: the earliest a zip can hold, not the time of writing. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    /** An .npy header's length, magic and version included, is a multiple of this (NumPy's alignment). */
    private static final int HEADER_ALIGNMENT = 64;

    public static byte[] toBytes(Siren network) {
        SirenConfig config = network.config();
        float[] parameters = network.floats();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int k = 0; k < config.layers(); k++) {
                int fanIn = config.fanIn(k);
                int fanOut = config.fanOut(k);
                ByteBuffer w = littleEndian(Float.BYTES * fanIn * fanOut);
                int offset = (int) config.weightOffset(k); // f-order [fanIn, fanOut] there; C order in the file
                for (int i = 0; i < fanIn; i++) {
                    for (int j = 0; j < fanOut; j++) {
                        w.putFloat(parameters[offset + j * fanIn + i]);
                    }
                }
                entry(zip, "w" + k, npy("<f4", "(" + fanIn + ", " + fanOut + ")", w));
                ByteBuffer b = littleEndian(Float.BYTES * fanOut);
                for (int j = 0; j < fanOut; j++) {
                    b.putFloat(parameters[(int) config.biasOffset(k) + j]);
                }
                entry(zip, "b" + k, npy("<f4", "(" + fanOut + ",)", b));
            }
            entry(zip, "omega0", npy("<f8", "()", littleEndian(Double.BYTES).putDouble(config.omega0())));
        } catch (IOException e) {
            throw new UncheckedIOException("writing .npz in memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An .npy file (format 1.0) of C-order {@code data} of type {@code descr} and shape {@code shape}. */
    private static byte[] npy(String descr, String shape, ByteBuffer data) {
        String dictionary = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = 10; // magic (6), version (2), header length (2)
        int headerLength =
                -Math.floorDiv(-(prefix + dictionary.length() + 1), HEADER_ALIGNMENT) * HEADER_ALIGNMENT - prefix;
        ByteBuffer file = littleEndian(prefix + headerLength + data.capacity());
        file.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        file.putShort((short) headerLength);
        file.put((dictionary + " ".repeat(headerLength - dictionary.length() - 1) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        file.put(data.array());
        return file.array();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] npy) throws IOException {
        ZipEntry entry = new ZipEntry(name + ".npy");
        entry.setTimeLocal(ENTRY_TIME); // a fixed time: the same weights give the same bytes
        zip.putNextEntry(entry);
        zip.write(npy);
        zip.closeEntry();
    }

    /** Writes the archive atomically: a reader never sees a half-written file. */
    public static void write(Siren network, Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, toBytes(network));
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads an archive written by {@link #write} (or by NumPy with the same keys) as a float32 network. */
    public static Siren read(Path file) throws IOException {
        Map<String, INDArray> arrays = new HashMap<>();
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName().replaceFirst("\\.npy$", "");
                arrays.put(name, Nd4j.createNpyFromByteArray(zip.readAllBytes()));
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a readable .npz weights file: " + file + " (" + e.getMessage() + ")", e);
        }
        int layers = 0;
        while (arrays.containsKey("w" + layers)) {
            layers++;
        }
        if (layers < 3 || !arrays.containsKey("omega0")) {
            throw new IOException("weights file " + file + " lacks w0..w2 or omega0");
        }
        INDArray w0 = arrays.get("w0");
        int width = (int) w0.size(1);
        SirenConfig config = new SirenConfig(
                (int) w0.size(0),
                (int) arrays.get("w" + (layers - 1)).size(1),
                width,
                layers - 2,
                arrays.get("omega0").getDouble(0));
        INDArray flat = Nd4j.create(DataType.FLOAT, new long[] {1, config.parameterCount()}, 'f');
        ParameterViews views = new ParameterViews(config, flat);
        for (int k = 0; k < layers; k++) {
            INDArray w = arrays.get("w" + k);
            INDArray b = arrays.get("b" + k);
            if (b == null
                    || w.rank() != 2
                    || w.size(0) != config.fanIn(k)
                    || w.size(1) != config.fanOut(k)
                    || b.length() != config.fanOut(k)) {
                throw new IOException("weights file " + file + ": layer " + k + " has inconsistent shapes");
            }
            views.weight(k).assign(w.castTo(DataType.FLOAT));
            views.bias(k).assign(b.castTo(DataType.FLOAT).reshape(1, config.fanOut(k)));
        }
        return Siren.of(config, flat);
    }
}
