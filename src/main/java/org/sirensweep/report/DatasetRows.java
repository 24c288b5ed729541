package org.sirensweep.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sirensweep.files.Location;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultTable;

/**
 * A dataset's rows as a report reads them, without their weights (and without pictures when the report shows
 * none). Kept between reads: a live report re-reads only the row files that are new or changed since the last read.
 */
final class DatasetRows {
    private record Cached(long modified, long size, ReportedTrial trial) {}

    private final Location folder;
    private final Set<String> leftOut;
    private final Map<String, Cached> cache = new HashMap<>();

    DatasetRows(Location folder, boolean pictures) {
        this.folder = folder;
        this.leftOut = pictures ? Set.of("weights_npz") : Set.of("weights_npz", "images");
    }

    /**
     * The rows now, in the folder's order; one line naming the problem when the folder is not a dataset or holds a
     * file that is not one of its rows.
     */
    List<ReportedTrial> read() throws ResultDataset.DatasetException, IOException {
        Map<String, Location.Entry> files = ResultDataset.rowFiles(folder);
        cache.keySet().retainAll(files.keySet());
        Map<String, Location.Entry> stale = new HashMap<>();
        for (Map.Entry<String, Location.Entry> file : files.entrySet()) {
            Location.Entry now = file.getValue();
            Cached cached = cache.get(file.getKey());
            if (cached == null || cached.modified() != now.modifiedMillis() || cached.size() != now.length()) {
                stale.put(file.getKey(), now);
            }
        }
        try {
            stale.entrySet().parallelStream()
                    .map(e -> Map.entry(e.getKey(), readOne(e.getValue().location())))
                    .toList()
                    .forEach(e -> cache.put(
                            e.getKey(),
                            new Cached(
                                    stale.get(e.getKey()).modifiedMillis(),
                                    stale.get(e.getKey()).length(),
                                    e.getValue())));
        } catch (UncheckedIOException e) {
            throw new ResultDataset.DatasetException(e.getMessage());
        }
        return files.keySet().stream().map(id -> cache.get(id).trial()).toList();
    }

    private ReportedTrial readOne(Location file) {
        try {
            return ReportedTrial.of(ResultTable.row(file, leftOut));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException(file + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable")
                    + "; siren-sweep verify " + folder + " checks every row"));
        }
    }
}
