package org.sirensweep.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sirensweep.TestPython;

class NpzWeightsTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadGivesTheSameNetwork() throws Exception {
        Siren net = Siren.initialise(SirenConfig.forImage(3, 10, 2, 25), 4, DataType.FLOAT);
        Path file = dir.resolve("params.npz");
        NpzWeights.write(net, file);
        Siren back = NpzWeights.read(file);
        assertEquals(net.config(), back.config());
        assertEquals(net.parameters(), back.parameters());
    }

    @Test
    void theSameWeightsGiveTheSameBytesWheneverTheyAreWritten() throws Exception {
        Siren net = Siren.initialise(SirenConfig.forImage(1, 8, 2, 30), 1, DataType.FLOAT);
        byte[] bytes = NpzWeights.toBytes(net);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertEquals(
                        LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName() + " carries no write time");
            }
        }
        assertArrayEquals(
                bytes, NpzWeights.toBytes(Siren.initialise(SirenConfig.forImage(1, 8, 2, 30), 1, DataType.FLOAT)));
    }

    /** The entries are the bytes ND4J's NumPy codec writes, whether the network ever became ND4J arrays or not. */
    @Test
    void theEntriesAreWhatNd4jsCodecWritesWithoutNd4j() throws Exception {
        SirenConfig config = SirenConfig.forImage(3, 10, 2, 25);
        Siren floats = Siren.initialise(config, 4, DataType.FLOAT); // parameters still a Java array
        Siren arrays = Siren.initialise(config, 4, DataType.FLOAT);
        arrays.parameters(); // now ND4J's
        byte[] bytes = NpzWeights.toBytes(floats);
        assertArrayEquals(bytes, NpzWeights.toBytes(arrays));
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        assertEquals(2 * config.layers() + 1, entries.size());
        for (int k = 0; k < config.layers(); k++) {
            assertArrayEquals(Nd4j.toNpyByteArray(arrays.weight(k).dup('c')), entries.get("w" + k + ".npy"), "w" + k);
            assertArrayEquals(
                    Nd4j.toNpyByteArray(arrays.bias(k).reshape(config.fanOut(k)).dup('c')),
                    entries.get("b" + k + ".npy"),
                    "b" + k);
        }
        assertArrayEquals(Nd4j.toNpyByteArray(Nd4j.scalar(25.0)), entries.get("omega0.npy"));
    }

    /** NumPy must open the archive with the documented keys, shapes and dtype (needs the tests' Python, with NumPy). */
    @Test
    void numpyLoadsTheArchive() throws Exception {
        Siren net = Siren.initialise(SirenConfig.forImage(1, 8, 3, 30), 1, DataType.FLOAT);
        Path file = dir.resolve("params.npz");
        NpzWeights.write(net, file);
        String script = String.join(
                "\n",
                "import sys, numpy as np",
                "z = np.load(sys.argv[1])",
                "assert sorted(z.files) == sorted(['w0','b0','w1','b1','w2','b2','w3','b3','w4','b4','omega0']), z.files",
                "assert z['w0'].shape == (2, 8) and z['w0'].dtype == np.float32, (z['w0'].shape, z['w0'].dtype)",
                "assert z['b0'].shape == (8,) and z['w4'].shape == (8, 1) and z['b4'].shape == (1,)",
                "print(repr(float(z['w1'][3, 5])), repr(float(z['b2'][6])), float(z['omega0']))");
        Process p = new ProcessBuilder(TestPython.executable(), "-c", script, file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        String[] values = out.split(" ");
        assertEquals(net.weight(1).getFloat(3, 5), Float.parseFloat(values[0]));
        assertEquals(net.bias(2).getFloat(0, 6), Float.parseFloat(values[1]));
        assertEquals(30.0, Double.parseDouble(values[2]));
    }
}
