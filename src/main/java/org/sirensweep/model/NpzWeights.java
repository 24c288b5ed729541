package org.sirensweep.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * {@code omega0} as a 0-d array. The .npy entries are written by ND4J's NumPy codec.
 */
public final class NpzWeights {
    private NpzWeights() {
    }

    /** The zip entries' time stamp: the earliest a zip can hold, not the time of writing. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    public static byte[] toBytes(Siren network) {
        SirenConfig config = network.config();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int k = 0; k < config.layers(); k++) {
                entry(zip, "w" + k, network.weight(k).castTo(DataType.FLOAT).dup('c'));
                entry(zip, "b" + k, network.bias(k).castTo(DataType.FLOAT).reshape(config.fanOut(k)).dup('c'));
            }
            entry(zip, "omega0", Nd4j.scalar(config.omega0()));
        } catch (IOException e) {
            throw new UncheckedIOException("writing .npz in memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, INDArray array) throws IOException {
        ZipEntry entry = new ZipEntry(name + ".npy");
        entry.setTimeLocal(ENTRY_TIME); // a fixed time: the same weights give the same bytes
        zip.putNextEntry(entry);
        zip.write(Nd4j.toNpyByteArray(array));
        zip.closeEntry();
    }

    /** Writes the archive atomically: a reader never sees a half-written file. */
    public static void write(Siren network, Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, toBytes(network));
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads an archive written by {@link #write} (or by NumPy with the same keys) as a float32 network. */
    public static Siren read(Path file) throws IOException {
        Map<String, INDArray> arrays = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
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
        SirenConfig config = new SirenConfig((int) w0.size(0), (int) arrays.get("w" + (layers - 1)).size(1), width,
                layers - 2, arrays.get("omega0").getDouble(0));
        INDArray flat = Nd4j.create(DataType.FLOAT, new long[] {1, config.parameterCount()}, 'f');
        ParameterViews views = new ParameterViews(config, flat);
        for (int k = 0; k < layers; k++) {
            INDArray w = arrays.get("w" + k);
            INDArray b = arrays.get("b" + k);
            if (b == null || w.rank() != 2 || w.size(0) != config.fanIn(k) || w.size(1) != config.fanOut(k)
                    || b.length() != config.fanOut(k)) {
                throw new IOException("weights file " + file + ": layer " + k + " has inconsistent shapes");
            }
            views.weight(k).assign(w.castTo(DataType.FLOAT));
            views.bias(k).assign(b.castTo(DataType.FLOAT).reshape(1, config.fanOut(k)));
        }
        return Siren.of(config, flat);
    }
}
