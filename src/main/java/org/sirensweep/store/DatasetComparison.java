package org.sirensweep.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.sirensweep.files.Location;

/**
 * Two datasets compared trial by trial: whether every trial both hold computed the same results, bit for bit. A
 * row's results are all it holds except where, when, how fast and by which versions it ran ({@link #PROVENANCE}):
 * settings, status, error, scores, the curve (without its clock), upscale scores, images and weights. This is how a
 * re-run of a sweep, on this build or another, shows that it repeated.
 */
public final class DatasetComparison {
    /**
     * Row fields, by path, that say where, when, how fast and by which versions a trial ran rather than what it
     * computed; a resumed trial and one that ran through compute the same, so where it resumed from is here too.
     */
    public static final Set<String> PROVENANCE = Set.of(
            "sweep",
            "image_path",
            "resumed_from_step",
            "setup_s",
            "train_s",
            "ms_per_step",
            "render_s",
            "device",
            "gpu",
            "host",
            "executor_id",
            "attempt",
            "started_at",
            "finished_at",
            "siren_sweep_version",
            "nd4j_version",
            "spark_version",
            "java_version",
            "curve.list.element.seconds");

    private DatasetComparison() {}

    /**
     * What the comparison found.
     *
     * @param inBoth    trials with a row in both datasets
     * @param differing each trial in both whose results differ, with the fields that do ("3f2a…: weights_npz, curve")
     * @param onlyHere  trials only the first dataset holds
     * @param onlyThere trials only the second dataset holds
     */
    public record Report(int inBoth, List<String> differing, List<String> onlyHere, List<String> onlyThere) {
        /** Trials in both with the same results. */
        public int same() {
            return inBoth - differing.size();
        }
    }

    /** Compares the rows of dataset {@code here} with those of dataset {@code there}. */
    public static Report of(Location here, Location there) throws IOException {
        Map<String, ResultDataset.Row> ours = rows(here);
        Map<String, ResultDataset.Row> theirs = rows(there);
        List<String> inBoth =
                ours.keySet().stream().filter(theirs::containsKey).sorted().toList();
        // Rows are read on all cores: a large sweep's rows hold megabytes of images and weights each.
        List<String> differing = inBoth.parallelStream()
                .map(id -> {
                    List<String> problems = new ArrayList<>();
                    try {
                        Group ourRow = DatasetCheck.readOnlyRow(ours.get(id).file(), "here: ", problems);
                        Group theirRow = DatasetCheck.readOnlyRow(theirs.get(id).file(), "there: ", problems);
                        if (ourRow == null || theirRow == null) {
                            return id + ": unreadable row (" + String.join("; ", problems) + ")";
                        }
                        Set<String> fields = differences(ourRow, theirRow);
                        return fields.isEmpty() ? null : id + ": " + String.join(", ", fields);
                    } catch (IOException e) {
                        return id + ": unreadable row ("
                                + e.getMessage().lines().findFirst().orElse("") + ")";
                    }
                })
                .filter(line -> line != null)
                .toList();
        return new Report(inBoth.size(), differing, missing(ours, theirs), missing(theirs, ours));
    }

    private static Map<String, ResultDataset.Row> rows(Location folder) throws IOException {
        List<String> problems = new ArrayList<>();
        String sweep = ResultDataset.sweepOf(folder, problems);
        if (!problems.isEmpty()) {
            throw new IOException(folder + ": " + problems.get(0));
        }
        Map<String, ResultDataset.Row> rows = new LinkedHashMap<>();
        ResultDataset.scan(folder, sweep, rows);
        return rows;
    }

    private static List<String> missing(Map<String, ?> from, Map<String, ?> in) {
        return from.keySet().stream().filter(id -> !in.containsKey(id)).sorted().toList();
    }

    /** The top-level fields of two rows whose values differ, outside {@link #PROVENANCE}. */
    static Set<String> differences(Group a, Group b) {
        Set<String> fields = new TreeSet<>();
        GroupType schema = ResultFiles.SCHEMA;
        for (int i = 0; i < schema.getFieldCount(); i++) {
            String name = schema.getFieldName(i);
            if (!PROVENANCE.contains(name) && !same(a, b, i, schema.getType(i), name)) {
                fields.add(name);
            }
        }
        return fields;
    }

    /** Whether field {@code i} holds the same values in both groups, bit for bit, leaving out provenance paths. */
    private static boolean same(Group a, Group b, int i, Type type, String path) {
        int count = a.getFieldRepetitionCount(i);
        if (count != b.getFieldRepetitionCount(i)) {
            return false;
        }
        for (int r = 0; r < count; r++) {
            if (type.isPrimitive()
                    ? !samePrimitive(a, b, i, r, type.asPrimitiveType())
                    : !sameGroup(a.getGroup(i, r), b.getGroup(i, r), type.asGroupType(), path)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameGroup(Group a, Group b, GroupType type, String path) {
        for (int i = 0; i < type.getFieldCount(); i++) {
            String child = path + "." + type.getFieldName(i);
            if (!PROVENANCE.contains(child) && !same(a, b, i, type.getType(i), child)) {
                return false;
            }
        }
        return true;
    }

    private static boolean samePrimitive(Group a, Group b, int i, int r, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case BINARY, FIXED_LEN_BYTE_ARRAY -> a.getBinary(i, r).equals(b.getBinary(i, r));
            // Bits, not values: -0.0 and 0.0 differ, and a NaN equals the same NaN.
            case DOUBLE ->
                Double.doubleToRawLongBits(a.getDouble(i, r)) == Double.doubleToRawLongBits(b.getDouble(i, r));
            case FLOAT -> Float.floatToRawIntBits(a.getFloat(i, r)) == Float.floatToRawIntBits(b.getFloat(i, r));
            case INT32 -> a.getInteger(i, r) == b.getInteger(i, r);
            case INT64 -> a.getLong(i, r) == b.getLong(i, r);
            case BOOLEAN -> a.getBoolean(i, r) == b.getBoolean(i, r);
            case INT96 -> a.getInt96(i, r).equals(b.getInt96(i, r));
        };
    }
}
