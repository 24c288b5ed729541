package org.sirensweep.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.example.data.Group;
import org.sirensweep.files.Location;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PngCodec;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;

/**
 * Checks a sweep's dataset folder end to end: every row file whole and of the documented schema, one row per trial
 * id (the id in the file name, the footer and the row agree), a known status, every PNG decodable, weights present
 * for trained rows, and no temporary leftovers. Reads everything, changes nothing.
 */
public final class DatasetCheck {

    private DatasetCheck() {}

    /**
     * What the check found: the sweep, rows by status, images decoded, one line per trial without a row that a
     * checkpoint lets continue, and one line per problem.
     */
    public record Report(
            String sweep,
            Map<String, Integer> rowsByStatus,
            int images,
            List<String> resumable,
            List<String> problems) {
        public int rows() {
            return rowsByStatus.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Checks {@code folder} on all cores, without reporting progress. */
    public static Report of(Location folder) throws IOException {
        return of(folder, Runtime.getRuntime().availableProcessors(), (done, total) -> {});
    }

    /** Receives how many rows are checked so far, of how many. */
    public interface Progress {
        void rows(int done, int total);
    }

    /**
     * Checks {@code folder}, reading and decoding rows on {@code threads} threads (the work is per row: a row's
     * file, its images' PNG decoding), and tells {@code progress} as rows are done. The report lists problems in
     * the folder's order whatever the threads did.
     */
    public static Report of(Location folder, int threads, Progress progress) throws IOException {
        List<String> problems = new ArrayList<>();
        String sweep = ResultDataset.sweepOf(folder, problems);
        long unfinished = folder.resolve(ResultFiles.STAGING).list().size();
        if (unfinished > 0) {
            problems.add(
                    ResultFiles.STAGING + "/ holds " + unfinished + " unfinished writes (the next run removes them)");
        }
        Map<String, ResultDataset.Row> rows = new LinkedHashMap<>();
        ResultDataset.scan(folder, sweep, rows).forEach((file, problem) -> problems.add(file.name() + ": " + problem));
        Map<String, Integer> byStatus = new TreeMap<>();
        int images = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<RowCheck>> checks = new ArrayList<>();
            for (ResultDataset.Row row : rows.values()) {
                checks.add(pool.submit(() -> check(row)));
            }
            int done = 0;
            for (Future<RowCheck> future : checks) {
                RowCheck check = future.get();
                if (check.status() != null) {
                    byStatus.merge(check.status(), 1, Integer::sum);
                }
                images += check.images();
                problems.addAll(check.problems());
                progress.rows(++done, checks.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Location> leftovers = new ArrayList<>();
        List<String> resumable = new ArrayList<>();
        for (Map.Entry<String, Location> checkpoint :
                ResultDataset.checkpoints(folder, leftovers).entrySet()) {
            String name =
                    ResultDataset.CHECKPOINTS + "/" + checkpoint.getValue().name();
            Optional<CheckpointFile.Progress> saved = CheckpointFile.peek(checkpoint.getValue());
            if (rows.containsKey(checkpoint.getKey())) {
                problems.add(name + ": stale, its trial has a row (the next run removes it)");
            } else if (saved.isEmpty()) {
                problems.add(name + ": damaged (the next run moves it to " + ResultDataset.QUARANTINE
                        + "/ and starts its trial over)");
            } else {
                resumable.add("trial " + checkpoint.getKey() + " continues from step "
                        + saved.get().step() + " (epoch " + saved.get().epoch() + ")");
            }
        }
        leftovers.forEach(file -> problems.add(ResultDataset.CHECKPOINTS + "/" + file.name()
                + ": left by a checkpoint save that was cut short (the next run removes it)"));
        return new Report(sweep, byStatus, images, resumable, problems);
    }

    /** What one row's check found: its status (null if unreadable), images decoded, problems. */
    private record RowCheck(String status, int images, List<String> problems) {}

    private static RowCheck check(ResultDataset.Row row) {
        List<String> problems = new ArrayList<>();
        String where = row.file().name() + ": ";
        try {
            Group record = readOnlyRow(row.file(), where, problems);
            if (record == null) {
                return new RowCheck(null, 0, problems);
            }
            String status = record.getString("status", 0);
            if (Arrays.stream(TrialStatus.values()).noneMatch(s -> s.inRows() && s.id().equals(status))) {
                problems.add(where + "unknown status '" + status + "'");
            }
            if (!record.getString("trial_id", 0).equals(row.trialId())) {
                problems.add(where + "holds trial " + record.getString("trial_id", 0));
            }
            if (!status.equals(TrialStatus.FAILED.id()) && record.getFieldRepetitionCount("weights_npz") == 0) {
                problems.add(where + "a trained row without weights");
            }
            if (status.equals(TrialStatus.FAILED.id()) && record.getFieldRepetitionCount("error") == 0) {
                problems.add(where + "a failed row without its error");
            }
            return new RowCheck(status, decodeImages(record, where, problems), problems);
        } catch (IOException | RuntimeException e) {
            problems.add(where + "unreadable row: " + e.getMessage());
            return new RowCheck(null, 0, problems);
        }
    }

    /** A result file's one row in the documented schema, or null with what is wrong added to {@code problems}. */
    static Group readOnlyRow(Location file, String where, List<String> problems) throws IOException {
        try (ResultFiles.RowReader reader = ResultFiles.openRows(file, ResultFiles.SCHEMA)) {
            if (!reader.fileSchema().equals(ResultFiles.SCHEMA)) {
                problems.add(where + "its schema is not the documented one (written by another siren-sweep version?)");
                return null;
            }
            Group record = reader.read();
            if (record == null || reader.read() != null) {
                problems.add(where + "does not hold exactly one row");
                return null;
            }
            return record;
        }
    }

    private static int decodeImages(Group record, String where, List<String> problems) {
        if (record.getFieldRepetitionCount("images") == 0) {
            return 0;
        }
        Group list = record.getGroup("images", 0);
        int decoded = 0;
        for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
            Group image = list.getGroup("list", i).getGroup("element", 0);
            String name = image.getString("kind", 0) + " at " + image.getInteger("size", 0);
            try {
                PngCodec.decode(image.getBinary("png", 0).getBytes(), name);
                decoded++;
            } catch (ImageFormatException e) {
                problems.add(where + "image " + e.getMessage());
            }
        }
        return decoded;
    }
}
