package org.sirensweep.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sirensweep.store.ResultDataset;
import org.sirensweep.store.ResultTable;

/**
 * A dataset's rows as a report reads them, without their weights (and without pictures when the report shows
 * none). Kept between reads: a live report re-reads only the row files that are new or changed since the last read.
 */
final class DatasetRows {
    private record Cached(FileTime modified, long size, ReportedTrial trial) {
    }

    private final Path folder;
    private final Set<String> leftOut;
    private final Map<String, Cached> cache = new HashMap<>();

    DatasetRows(Path folder, boolean pictures) {
        this.folder = folder;
        this.leftOut = pictures ? Set.of("weights_npz") : Set.of("weights_npz", "images");
    }

    /**
     * The rows now, in the folder's order; one line naming the problem when the folder is not a dataset or holds a
     * file that is not one of its rows.
     */
    List<ReportedTrial> read() throws ResultDataset.DatasetException, IOException {
        Map<String, Path> files = ResultDataset.rowFiles(folder);
        cache.keySet().retainAll(files.keySet());
        Map<String, Path> stale = new HashMap<>();
        Map<String, BasicFileAttributes> attributes = new HashMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            BasicFileAttributes now = Files.readAttributes(file.getValue(), BasicFileAttributes.class);
            Cached cached = cache.get(file.getKey());
            if (cached == null || !cached.modified().equals(now.lastModifiedTime()) || cached.size() != now.size()) {
                stale.put(file.getKey(), file.getValue());
                attributes.put(file.getKey(), now);
            }
        }
        try {
            stale.entrySet().parallelStream().map(e -> Map.entry(e.getKey(), readOne(e.getValue()))).toList()
                    .forEach(e -> cache.put(e.getKey(), new Cached(attributes.get(e.getKey()).lastModifiedTime(),
                            attributes.get(e.getKey()).size(), e.getValue())));
        } catch (UncheckedIOException e) {
            throw new ResultDataset.DatasetException(e.getMessage());
        }
        return files.keySet().stream().map(id -> cache.get(id).trial()).toList();
    }

    private ReportedTrial readOne(Path file) {
        try {
            return ReportedTrial.of(ResultTable.row(file, leftOut));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException(folder.resolve(file.getFileName()) + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable")
                    + "; siren-sweep verify " + folder + " checks every row"));
        }
    }
}
