package org.sirensweep.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.files.StoreUnreachableException;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingState;

/**
 * A checkpoint comes back exactly as saved, or, damaged or foreign, is moved aside and the training starts over; a
 * save its store fails is held until the store is back, for as long as the bound allows.
 */
class CheckpointFileTest {
    @TempDir
    Path dir;

    private static TrainingState state() {
        float[] parameters = {0.5f, -0f, Float.MIN_VALUE, 3.25e-7f};
        float[] moments = {1, 2, 3, 4, 5, 6, 7, Float.MAX_VALUE};
        List<CurvePoint> curve = List.of(
                new CurvePoint(10, 5, 0.25, new Measures(12.5, Double.NaN, 13, 0.5, 0.75), 1.5),
                new CurvePoint(20, 10, 0.125, new Measures(Double.POSITIVE_INFINITY, 14, 15, 0.25, 1), 3));
        return new TrainingState(10, 20, parameters, moments, curve, 3_000_000_123L);
    }

    private CheckpointFile checkpoint(String fingerprint) {
        return new CheckpointFile(
                Location.local(dir.resolve("_checkpoints").resolve("t" + CheckpointFile.SUFFIX)),
                Duration.ofMinutes(5),
                fingerprint,
                Location.local(dir.resolve("_quarantine")),
                new StorePatience(Location.local(dir), Duration.ofSeconds(3), () -> {}, since -> {}, System.err));
    }

    private static Path pathOf(CheckpointFile checkpoint) {
        return checkpoint.file().localPath().orElseThrow();
    }

    @Test
    void aSavedStateComesBackBitForBitAndItsProgressCanBeReadByAnyone() throws IOException {
        TrainingState saved = state();
        CheckpointFile file = checkpoint("abc");
        file.save(saved);
        TrainingState loaded = file.load().orElseThrow();
        assertEquals(saved.epoch(), loaded.epoch());
        assertEquals(saved.step(), loaded.step());
        assertEquals(saved.trainNanos(), loaded.trainNanos());
        assertArrayEquals(saved.parameters(), loaded.parameters());
        assertArrayEquals(saved.optimizerState(), loaded.optimizerState());
        assertEquals(saved.curve(), loaded.curve()); // record equality compares doubles bit for bit (NaN too)
        CheckpointFile.Progress peeked = CheckpointFile.peek(file.file()).orElseThrow();
        assertEquals(10, peeked.epoch());
        assertEquals(20, peeked.step());
        assertEquals(saved.curve(), peeked.curve());
        try (Stream<Path> files = Files.list(pathOf(file).getParent())) {
            assertEquals(List.of(pathOf(file)), files.toList(), "no temporary file left beside it");
        }
        file.delete();
        assertTrue(file.load().isEmpty());
    }

    @Test
    void aDamagedOrTruncatedCheckpointIsQuarantinedAndNotUsed() throws IOException {
        CheckpointFile file = checkpoint("abc");
        file.save(state());
        byte[] bytes = Files.readAllBytes(pathOf(file));
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(pathOf(file), bytes);
        assertTrue(file.load().isEmpty());
        assertFalse(Files.exists(pathOf(file)));
        assertEquals(1, quarantined());

        file.save(state());
        Files.write(pathOf(file), java.util.Arrays.copyOf(Files.readAllBytes(pathOf(file)), 40));
        assertTrue(CheckpointFile.peek(file.file()).isEmpty());
        assertTrue(file.load().isEmpty());
        assertEquals(2, quarantined());
    }

    @Test
    void anotherTrainingsCheckpointIsQuarantinedAndNotUsed() throws IOException {
        checkpoint("saved-by-one-training").save(state());
        CheckpointFile other = checkpoint("another-training");
        assertTrue(other.load().isEmpty());
        assertFalse(Files.exists(pathOf(other)));
        assertEquals(1, quarantined());
    }

    @Test
    void aSaveTheStoreFailsIsHeldWhileTheTrainingGoesOnAndWrittenOnceTheStoreIsBack() throws IOException {
        Path folder = dir.resolve("_checkpoints");
        Files.writeString(folder, "not a folder"); // every write under it fails, as on a store that is away
        CheckpointFile file = checkpoint("abc");
        file.save(state()); // no exception: the training goes on
        assertFalse(Files.isDirectory(folder));

        Files.delete(folder); // the store is back
        file.flush();
        assertEquals(
                state().step(), CheckpointFile.peek(file.file()).orElseThrow().step());
        assertEquals(state().epoch(), file.load().orElseThrow().epoch());
    }

    @Test
    void aStoreThatFailsPastTheBoundEndsTheTraining() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("_checkpoints"), "not a folder");
        CheckpointFile file = checkpoint("abc");
        file.save(state());
        Thread.sleep(3_100); // the bound, 3 s
        StoreUnreachableException gone = assertThrows(StoreUnreachableException.class, () -> file.save(state()));
        assertTrue(gone.getMessage().contains("has failed every request for 3s"), gone.getMessage());
        assertTrue(gone.getMessage().contains("saving checkpoint " + file.file()), gone.getMessage());
    }

    private long quarantined() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("_quarantine"))) {
            return files.count();
        }
    }
}
