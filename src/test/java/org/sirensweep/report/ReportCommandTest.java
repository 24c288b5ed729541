package org.sirensweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.cli.CliRun;
import org.sirensweep.cli.SirenSweep;
import org.sirensweep.files.Location;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.store.ResultDataset;

/**
 * {@code siren-sweep report} without a browser: what the page carries under each {@code --images} choice, the
 * pictures stored once each, thumbnails, and bad input refused in one line with nothing written.
 */
class ReportCommandTest {
    @TempDir
    static Path dir;

    private static Path dataset;

    @BeforeAll
    static void sweep() throws Exception {
        ReportDatasets.make(dir);
        dataset = ReportDatasets.dataset(dir);
    }

    @Test
    void theImagesOptionChoosesWhatThePageCarries() throws Exception {
        JsonNode best = page("best");
        JsonNode all = page("all");
        JsonNode none = page("none");
        assertEquals(ReportDatasets.TRIALS, best.get("trials").size());
        assertEquals(
                "{\"failed\":6,\"ok\":3,\"stopped\":3}", best.get("statuses").toString());
        assertEquals("[10]", best.get("rungs").toString(), "the rung the stopped trials stopped at");
        Set<String> withRenders = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (JsonNode trial : best.get("trials")) {
            if (trial.get("status").asText().equals("failed")) {
                assertTrue(trial.get("error").asText().contains("injected fault"), trial.toString());
                assertFalse(trial.has("pic"), "a failed trial has no pictures");
                continue;
            }
            for (String kind : List.of(
                    "target",
                    "value",
                    "gradient",
                    "laplacian",
                    trial.get("fit_kind").asText())) {
                assertTrue(best.get("pictures").has(trial.get("pic").get(kind).asText()), kind + " of " + trial);
            }
            targets.add(trial.get("pic").get("target").asText());
            if (!trial.get("up").isEmpty()) {
                withRenders.add(trial.get("id").asText());
                assertTrue(trial.get("best").asBoolean(), "renders at 32² only for the best");
            }
        }
        assertEquals(1, targets.size(), "every trial shows the same target, stored once");
        // The best per supervision: the one ok trial of each (3 per supervision at most, by psnr_determined).
        assertEquals(3, withRenders.size(), withRenders.toString());
        List<String> allRenders = new ArrayList<>();
        all.get("trials").forEach(t -> {
            if (t.has("up") && !t.get("up").isEmpty()) {
                allRenders.add(t.get("id").asText());
            }
        });
        assertEquals(6, allRenders.size(), "--images all: every trial with pictures carries its renders");
        none.get("trials").forEach(t -> assertFalse(t.has("pic"), t.toString()));
        assertEquals(0, none.get("pictures").size());
        assertTrue(Files.size(dir.resolve("none.html")) < Files.size(dir.resolve("best.html")));
        // Curves and measures reach the page as the rows hold them.
        JsonNode trial = java.util.stream.StreamSupport.stream(
                        best.get("trials").spliterator(), false)
                .filter(t -> t.has("curve"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                trial.get("curve").get("epoch").size(),
                trial.get("curve").get("psnr_determined").size());
    }

    @Test
    void thePageInTheDatasetIsNoneOfItsRows() throws Exception {
        assertEquals(0, CliRun.here("report", dataset.toString()).exit());
        assertTrue(Files.isRegularFile(dataset.resolve(ResultDataset.REPORT)));
        CliRun verify = CliRun.here("verify", dataset.toString());
        assertEquals(0, verify.exit(), "verify finds nothing wrong: " + verify.out() + verify.err());
        assertEquals(
                ReportDatasets.TRIALS,
                ResultDataset.rowFiles(Location.local(dataset)).size());
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path notADataset = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(notADataset.resolve("notes.txt"), "hello");
        expectRefusal(List.of("report", dir.resolve("missing").toString()), "is not a folder", null);
        expectRefusal(
                List.of("report", notADataset.toString()),
                "not a siren-sweep dataset",
                notADataset.resolve(ResultDataset.REPORT));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.copy(dataset.resolve(ResultDataset.MARKER), empty.resolve(ResultDataset.MARKER));
        expectRefusal(List.of("report", empty.toString()), "holds no rows", empty.resolve(ResultDataset.REPORT));

        Path damaged = dir.resolve("damaged");
        ReportDatasets.copy(dataset, damaged, "none");
        Path row;
        try (var rows = Files.list(damaged)) {
            row = rows.filter(p -> p.toString().endsWith(".parquet"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(row);
        Files.write(row, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path existing = damaged.resolve(ResultDataset.REPORT);
        Files.writeString(existing, "an earlier report");
        expectRefusal(List.of("report", damaged.toString()), row.getFileName().toString(), null);
        assertEquals("an earlier report", Files.readString(existing), "the earlier report is kept");

        expectRefusal(
                List.of("report", dataset.toString(), "--images", "some"),
                "--images: 'some' is not one of " + "all, best, none",
                null);
        expectRefusal(List.of("report", dataset.toString(), "--out", "/proc/report.html"), "cannot be written", null);
        expectRefusal(
                List.of("report", "nosuch://bucket/runs/x"),
                "DATASET nosuch://bucket/runs/x: no file system " + "for scheme 'nosuch'",
                null);
        expectRefusal(
                List.of("report", dataset.toString(), "--conf", "spark.executor.cores=2"),
                "--conf " + "spark.executor.cores: only spark.hadoop.* settings are taken here",
                null);
    }

    @Test
    void largePicturesGetWholeFactorThumbnailsAndSmallOnesAreTheirOwn() throws Exception {
        PictureStore store = new PictureStore();
        byte[] large = PngCodec.encode(new PixelImage(300, 300, 1, new double[300 * 300]));
        byte[] small = PngCodec.encode(new PixelImage(100, 100, 1, new double[100 * 100]));
        String thumbnail = store.thumbnail(new ReportedTrial.Picture("value", 300, large));
        PixelImage shrunk = PngCodec.decode(
                java.util.Base64.getDecoder()
                        .decode(store.pictures(Set.of(thumbnail)).get(thumbnail)),
                "thumbnail");
        assertEquals(List.of(100, 100), List.of(shrunk.height(), shrunk.width()), "300 / ⌈300 / 128⌉");
        assertEquals(store.add(small), store.thumbnail(new ReportedTrial.Picture("value", 100, small)));
        assertEquals(thumbnail, store.thumbnail(new ReportedTrial.Picture("value", 300, large)), "made once");
    }

    private static JsonNode page(String images) throws Exception {
        Path out = dir.resolve(images + ".html");
        CliRun run = CliRun.here("report", dataset.toString(), "--images", images, "--out", out.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
        return ReportDatasets.data(out);
    }

    private static void expectRefusal(List<String> args, String expected, Path notWritten) {
        CliRun run = CliRun.here(args.toArray(String[]::new));
        assertEquals(SirenSweep.BAD_INPUT, run.exit(), run.out() + run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(expected), run.err());
        if (notWritten != null) {
            assertFalse(Files.exists(notWritten), notWritten + " was written");
        }
    }
}
