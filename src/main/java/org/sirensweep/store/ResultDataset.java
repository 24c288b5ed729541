package org.sirensweep.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.sirensweep.files.Location;
import org.sirensweep.sweep.Scheduler;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.Trial;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;

/**
 * A sweep's dataset folder, as the driver sees it: one {@code <trial id>.parquet} per finished trial, a {@code
 * _sweep.json} naming the sweep it belongs to, and a {@code _lock} held while a run writes to it, so two runs of a
 * sweep cannot interleave (the second is refused; {@link DatasetLock}). Names starting with '_' are skipped by Spark,
 * pyarrow and DuckDB globs of {@code *.parquet}. The folder is a {@link Location}: local, HDFS or an object store.
 */
public final class ResultDataset implements AutoCloseable {
    /** The file that names the sweep a dataset folder belongs to. */
    public static final String MARKER = "_sweep.json";
    /** Where files that are not this sweep's rows are moved, out of the readers' way. */
    public static final String QUARANTINE = "_quarantine";
    /**
     * The dataset's report page ({@code siren-sweep report}, kept current by {@code run}); '_' keeps it out of the
     * readers' way like the marker.
     */
    public static final String REPORT = "_report.html";
    /** Where running trials keep their checkpoints ({@code <trial id>.checkpoint}), until their row commits. */
    public static final String CHECKPOINTS = "_checkpoints";

    private static final Pattern RESULT_NAME = Pattern.compile("[0-9a-f]{16}\\.parquet");

    private final Location folder;
    private final String sweep;
    private final DatasetLock lock;
    private boolean abandoned;

    private ResultDataset(Location folder, String sweep, DatasetLock lock) {
        this.folder = folder;
        this.sweep = sweep;
        this.lock = lock;
    }

    /**
     * Checks that {@code folder} can hold {@code sweep}'s results without creating anything: it is a folder (or
     * absent), writable, and not another sweep's. The message of the exception is one line naming the problem.
     */
    public static void check(Location folder, String sweep) throws DatasetException {
        try {
            folder.checkScheme();
            if (folder.isFile()) {
                throw new DatasetException(folder + " is a file, not a dataset folder");
            }
            Location existing = folder;
            while (!existing.exists() && !existing.parent().equals(existing)) {
                existing = existing.parent();
            }
            if (!existing.isFolder() || !existing.mayWrite()) {
                throw new DatasetException(
                        folder + " cannot be created or written (" + existing + " is not a writable folder)");
            }
            Location marker = folder.resolve(MARKER);
            if (marker.isFile()) {
                String owner = ownerOf(marker);
                if (!sweep.equals(owner)) {
                    throw new DatasetException(folder + " holds the results of sweep '" + owner + "', not '" + sweep
                            + "'; choose another --output");
                }
            } else if (hasResultFiles(folder)) {
                throw new DatasetException(folder + " holds Parquet files but no " + MARKER
                        + ": not a siren-sweep dataset; choose another --output");
            }
        } catch (IOException e) {
            throw new DatasetException(folder + " cannot be reached: " + firstLine(e));
        }
    }

    /**
     * Creates (or reopens) the folder for {@code sweep} and takes its lock. The first write to the store happens
     * here, before any training: a store that refuses writes is named now, in one line.
     */
    public static ResultDataset open(Location folder, String sweep, String sweepFile)
            throws DatasetException, IOException {
        check(folder, sweep);
        DatasetLock lock;
        try {
            folder.makeFolders();
            lock = DatasetLock.take(folder);
        } catch (IOException | SecurityException e) {
            throw new DatasetException(folder + " cannot be created or written: " + firstLine(e));
        } catch (DatasetLock.HeldException e) {
            throw new DatasetException(folder + " is being written by another run of sweep '" + sweep + "' (its "
                    + DatasetLock.NAME + " is held: " + e.getMessage() + "); wait for it to finish");
        }
        ResultDataset dataset = new ResultDataset(folder, sweep, lock);
        try {
            Location marker = folder.resolve(MARKER);
            if (!marker.exists()) {
                Map<String, Object> about = new LinkedHashMap<>();
                about.put("sweep", sweep);
                about.put("sweep_file", sweepFile);
                about.put("created_at", Instant.now().toString());
                marker.write(
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(about),
                        folder.resolve(MARKER + "." + UUID.randomUUID() + ".tmp"));
            }
            dataset.removeStaging();
        } catch (IOException | RuntimeException e) {
            dataset.close();
            throw new DatasetException(folder + " cannot be written: " + firstLine(e));
        }
        return dataset;
    }

    public Location folder() {
        return folder;
    }

    /** A result file already in the folder, as its footer describes it. */
    public record Row(String trialId, TrialStatus status, Location.Entry entry) {
        public Location file() {
            return entry.location();
        }
    }

    /**
     * The rows in the folder, by trial id. Files that are not this sweep's results (foreign or damaged) are moved to
     * {@code _quarantine/} (where readers of the dataset do not look) and reported to {@code warnings}, one line
     * each; a damaged row of a trial counts as absent, so it is re-run.
     */
    public Map<String, Row> rows(List<String> warnings) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Map.Entry<Location, String> problem : scan(folder, sweep, rows).entrySet()) {
            Location quarantine = folder.resolve(QUARANTINE);
            quarantine.makeFolders();
            problem.getKey().moveTo(quarantine.resolve(problem.getKey().name()));
            warnings.add("moved " + problem.getKey().name() + " to " + QUARANTINE + "/: " + problem.getValue());
        }
        return rows;
    }

    /**
     * Reads every file's footer in {@code folder}: rows of {@code sweep} go into {@code rows}; the other files are
     * returned with what is wrong with them. Touches nothing.
     */
    static Map<Location, String> scan(Location folder, String sweep, Map<String, Row> rows) throws IOException {
        Map<Location, String> problems = new LinkedHashMap<>();
        List<Location.Entry> files = folder.files().stream()
                .filter(file -> {
                    String name = file.name();
                    return !name.startsWith("_") && !name.startsWith(".");
                })
                .toList();
        // Footers are read on all cores (a large sweep has a hundred thousand); the results keep the folder's order.
        List<Object> found =
                files.parallelStream().map(file -> footer(file, sweep)).toList();
        for (int i = 0; i < files.size(); i++) {
            if (found.get(i) instanceof Row row) {
                rows.put(row.trialId(), row);
            } else {
                problems.put(files.get(i).location(), (String) found.get(i));
            }
        }
        return problems;
    }

    /** A file's row of {@code sweep}, or what is wrong with it. */
    private static Object footer(Location.Entry file, String sweep) {
        String name = file.name();
        if (!RESULT_NAME.matcher(name).matches()) {
            return "not a trial result file";
        }
        try {
            ResultFiles.Summary summary = ResultFiles.summary(file.location(), file.length());
            String id = name.substring(0, name.length() - ResultFiles.SUFFIX.length());
            if (!summary.trialId().equals(id) || !summary.sweep().equals(sweep)) {
                return "it holds trial " + summary.trialId() + " of sweep '" + summary.sweep() + "'";
            }
            return new Row(id, summary.status(), file);
        } catch (IOException e) {
            return e.getMessage().lines().findFirst().orElse("unreadable") + " (its trial will run again)";
        }
    }

    /** Where trial {@code trialId}'s checkpoint lives in dataset {@code folder}. */
    public static Location checkpointOf(Location folder, String trialId) {
        return folder.resolve(CHECKPOINTS).resolve(trialId + CheckpointFile.SUFFIX);
    }

    /**
     * The checkpoints in the folder, by trial id, and in {@code leftovers} anything else under {@code _checkpoints/}
     * (a save cut short by a kill leaves its temporary file).
     */
    static Map<String, Location> checkpoints(Location folder, List<Location> leftovers) throws IOException {
        Map<String, Location> found = new TreeMap<>();
        for (Location.Entry entry : folder.resolve(CHECKPOINTS).files()) {
            String name = entry.name();
            if (name.endsWith(CheckpointFile.SUFFIX)) {
                found.put(name.substring(0, name.length() - CheckpointFile.SUFFIX.length()), entry.location());
            } else {
                leftovers.add(entry.location());
            }
        }
        return found;
    }

    /**
     * What the dataset holds of each trial of {@code sweep} that has a row or a checkpoint, for planning what runs
     * next: a row ends a trial, except a failed one listed in {@code retry}. With early stopping the standings carry
     * the curves (the rows', or the checkpoints' for trials paused or under way), which the rung decisions read.
     */
    public Map<String, Scheduler.Standing> standings(Sweep sweep, Map<String, Row> rows, Set<String> retry)
            throws IOException {
        boolean curves = sweep.earlyStopping() != null;
        Map<String, Location> checkpoints = curves ? checkpoints(folder, new ArrayList<>()) : Map.of();
        try {
            return sweep.trials().parallelStream()
                    .map(Trial::id)
                    .flatMap(id -> {
                        Row row = rows.get(id);
                        if (row != null && !(retry.contains(id) && row.status() == TrialStatus.FAILED)) {
                            return Stream.of(
                                    Map.entry(id, new Scheduler.Standing(true, curves ? curveOf(row) : List.of())));
                        }
                        Location checkpoint = checkpoints.get(id);
                        return checkpoint == null
                                ? Stream.empty()
                                : CheckpointFile.peek(checkpoint).stream()
                                        .map(saved -> Map.entry(id, new Scheduler.Standing(false, saved.curve())));
                    })
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static List<CurvePoint> curveOf(Row row) {
        try {
            return ResultFiles.curve(row.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes checkpoints that can no longer be used: those of trials that already have a row (a kill between the
     * row's commit and the checkpoint's removal) and temporary files of saves cut short.
     */
    public void removeStaleCheckpoints(Map<String, Row> rows) throws IOException {
        List<Location> stale = new ArrayList<>();
        checkpoints(folder, stale).forEach((id, file) -> {
            if (rows.containsKey(id)) {
                stale.add(file);
            }
        });
        for (Location file : stale) {
            file.delete();
        }
    }

    /** Deletes what unfinished writes left behind (their trials had no row and will run again). */
    public void removeStaging() throws IOException {
        folder.resolve(ResultFiles.STAGING).deleteAll();
    }

    /**
     * At the end of a run, once no task writes: deletes {@link #removeStaging() unfinished writes}, the checkpoints
     * of trials that have their rows (a removal the store failed) and temporary files of saves cut short, looking
     * up only the rows of trials with checkpoints.
     */
    public void removeLeftovers() throws IOException {
        removeStaging();
        List<Location> stale = new ArrayList<>();
        for (Map.Entry<String, Location> checkpoint : checkpoints(folder, stale).entrySet()) {
            if (ResultFiles.fileOf(folder, checkpoint.getKey()).isFile()) {
                stale.add(checkpoint.getValue());
            }
        }
        for (Location file : stale) {
            file.delete();
        }
    }

    /**
     * Ends this run's hold on the dataset without touching its store, which is gone: its lock is left to expire
     * ({@link DatasetLock#abandon}), and closing it afterwards does nothing.
     */
    public void abandon() {
        abandoned = true;
        lock.abandon();
    }

    @Override
    public void close() {
        if (!abandoned) {
            lock.close();
        }
    }

    private static boolean hasResultFiles(Location folder) throws IOException {
        return folder.files().stream().anyMatch(e -> e.name().endsWith(ResultFiles.SUFFIX));
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        return e.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse(message);
    }

    /** What a dataset folder's marker says: the sweep's name and the sweep file its first run read. */
    public record About(String sweep, String sweepFile) {}

    /** The folder's marker; one line naming the problem when the folder is not a siren-sweep dataset. */
    public static About about(Location folder) throws DatasetException {
        Location marker = folder.resolve(MARKER);
        try {
            if (!marker.isFile()) {
                throw new DatasetException(folder + " has no " + MARKER + ": not a siren-sweep dataset");
            }
        } catch (IOException e) {
            throw new DatasetException(folder + " cannot be reached: " + firstLine(e));
        }
        String sweep = ownerOf(marker);
        try {
            return new About(
                    sweep,
                    new ObjectMapper()
                            .readTree(marker.readAllBytes())
                            .path("sweep_file")
                            .asText(""));
        } catch (IOException e) {
            throw new DatasetException(marker + " is unreadable: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * The row files of dataset {@code folder} by trial id, for reading it; one line naming the first problem (not a
     * dataset, a damaged or foreign file) when any file is not one of its rows. Touches nothing.
     */
    public static Map<String, Location.Entry> rowFiles(Location folder) throws DatasetException, IOException {
        String sweep = about(folder).sweep();
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<Location, String> problems = scan(folder, sweep, rows);
        if (!problems.isEmpty()) {
            Map.Entry<Location, String> first = problems.entrySet().iterator().next();
            throw new DatasetException(first.getKey() + ": " + first.getValue()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more such files)" : "")
                    + "; siren-sweep verify " + folder + " lists them");
        }
        Map<String, Location.Entry> files = new LinkedHashMap<>();
        rows.forEach((id, row) -> files.put(id, row.entry()));
        return files;
    }

    /** The sweep named by the folder's marker; a missing or unreadable marker is added to {@code problems}. */
    static String sweepOf(Location folder, List<String> problems) {
        Location marker = folder.resolve(MARKER);
        try {
            if (!marker.isFile()) {
                problems.add("no " + MARKER + ": not a siren-sweep dataset, or its first run never started");
                return "";
            }
            return ownerOf(marker);
        } catch (DatasetException | IOException e) {
            problems.add(e.getMessage());
            return "";
        }
    }

    private static String ownerOf(Location marker) throws DatasetException {
        try {
            JsonNode about = new ObjectMapper().readTree(marker.readAllBytes());
            if (about == null || !about.path("sweep").isTextual()) {
                throw new DatasetException(marker + " does not name a sweep; is this a siren-sweep dataset?");
            }
            return about.get("sweep").textValue();
        } catch (IOException e) {
            throw new DatasetException(marker + " is unreadable: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A dataset folder that cannot take this sweep's results. */
    public static final class DatasetException extends Exception {
        private static final long serialVersionUID = 1L;

        public DatasetException(String message) {
            super(message);
        }
    }
}
