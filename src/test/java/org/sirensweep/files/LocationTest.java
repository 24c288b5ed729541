package org.sirensweep.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same file operations on a local folder, on HDFS (MiniDFSCluster) and on S3 (S3Proxy through s3a://). */
class LocationTest {
    @TempDir
    static Path servers;

    private static HdfsServer hdfs;
    private static S3Server s3;

    @BeforeAll
    static void startStores() throws Exception {
        hdfs = HdfsServer.start(servers.resolve("hdfs"));
        s3 = S3Server.start(servers.resolve("s3"));
    }

    @AfterAll
    static void stopStores() {
        if (hdfs != null) {
            hdfs.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static Stream<String> stores() {
        return Stream.of("local", "hdfs", "s3");
    }

    /** A fresh folder on {@code store}. */
    private static Location folder(String store) {
        String name = "t-" + UUID.randomUUID();
        return switch (store) {
            case "local" -> Location.local(servers.resolve("local").resolve(name));
            case "hdfs" -> Location.of(hdfs.uri() + "/runs/" + name, FileSettings.NONE);
            default -> Location.of("s3a://" + S3Server.BUCKET + "/runs/" + name, FileSettings.NONE.with(s3.settings()));
        };
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aFileIsWrittenWholeReplacedReadListedMovedAndDeletedLeavingNoStagingFile(String store) throws IOException {
        Location folder = folder(store);
        assertFalse(folder.exists());
        assertEquals(List.of(), folder.list(), "an absent folder lists nothing");
        Location row = folder.resolve("a.parquet");
        row.write(text("first"), folder.resolve("_staging").resolve("a.tmp"));
        row.write(text("second, longer"), folder.resolve("_staging").resolve("a2.tmp"));
        assertArrayEquals(text("second, longer"), row.readAllBytes());
        assertTrue(folder.isFolder());
        assertTrue(row.isFile());
        assertEquals(14, row.length());
        assertEquals(
                List.of("a.parquet"),
                folder.files().stream().map(Location.Entry::name).toList(),
                "no staging file is left, and folders are not files");
        assertEquals(14, folder.files().get(0).length());

        Location moved = folder.resolve("_quarantine").resolve("a.parquet");
        moved.parent().makeFolders();
        moved.write(text("old"), folder.resolve("b.tmp"));
        row.moveTo(moved);
        assertFalse(row.exists());
        assertArrayEquals(text("second, longer"), moved.readAllBytes(), "the move replaced the file there");

        moved.delete();
        moved.delete(); // absent: nothing to do
        assertFalse(moved.exists());
        folder.deleteAll();
        assertFalse(folder.exists());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aFileIsCreatedNewOnlyWhereNoneIs(String store) throws IOException {
        Location lock = folder(store).resolve("_lock");
        assertTrue(lock.createNew(text("mine")));
        assertFalse(lock.createNew(text("theirs")));
        assertArrayEquals(text("mine"), lock.readAllBytes(), "the second create changed nothing");
        lock.overwrite(text("renewed"));
        assertArrayEquals(text("renewed"), lock.readAllBytes());
    }

    @Test
    void aLocalPathAndAUriAreTold() {
        Location local = Location.of("runs/x", FileSettings.NONE);
        assertEquals(Path.of("runs/x").toAbsolutePath().toString(), local.toString());
        assertEquals(Path.of("runs/x").toAbsolutePath(), local.localPath().orElseThrow());
        Location s3a = Location.of("s3a://bucket/runs/x", FileSettings.NONE);
        assertEquals("s3a://bucket/runs/x", s3a.toString());
        assertEquals("s3a://bucket/runs/x/y.parquet", s3a.resolve("y.parquet").toString());
        assertEquals("s3a://bucket/runs", s3a.parent().toString());
        assertEquals("x", s3a.name());
        assertTrue(s3a.localPath().isEmpty());
        assertEquals(
                "s3a://bucket/", Location.of("s3a://bucket", FileSettings.NONE).toString());
        Location odd = Location.of("runs/with space/ünï#1", FileSettings.NONE).resolve("a b%.parquet");
        assertEquals(
                Path.of("runs/with space/ünï#1/a b%.parquet").toAbsolutePath(),
                odd.localPath().orElseThrow());
        assertEquals("a b%.parquet", odd.name());
    }

    @Test
    void oddLocalNamesAreWrittenWhereTheySay() throws IOException {
        Location odd = Location.local(servers.resolve("odd name #1")).resolve("ünï b%.bin");
        odd.write(text("x"), odd.parent().resolve("_tmp"));
        assertArrayEquals(text("x"), java.nio.file.Files.readAllBytes(servers.resolve("odd name #1/ünï b%.bin")));
    }

    @Test
    void anUnknownSchemeIsNamedInOneLine() {
        IOException e = assertThrows(
                IOException.class,
                () -> Location.of("nosuch://bucket/runs", FileSettings.NONE).checkScheme());
        assertEquals(
                "no file system for scheme 'nosuch': no connector on the classpath serves it (hadoop-aws "
                        + "serves s3a://)",
                e.getMessage());
    }

    @Test
    void settingsComeFromSparkHadoopKeysOnly() {
        FileSettings settings = FileSettings.fromSpark(
                java.util.Map.of("spark.hadoop.fs.s3a.endpoint", "http://x", "spark.executor.cores", "2"));
        assertEquals(java.util.Map.of("fs.s3a.endpoint", "http://x"), settings.hadoop());
    }
}
