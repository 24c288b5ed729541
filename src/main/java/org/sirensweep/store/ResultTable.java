package org.sirensweep.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.sirensweep.files.Location;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.trial.Setting;

/**
 * A sweep's rows without their pictures and weights: read from the dataset folder on all cores with a projection
 * (only the columns asked for are decoded), for ranking trials ({@code best}) and for writing one compact Parquet
 * file that analyses of very large sweeps read in one go ({@code compact}).
 */
public final class ResultTable {
    /** The columns left out of a compact table: the bulk of every row. */
    public static final Set<String> BULK = Set.of("images", "weights_npz");
    /** Every row column but the bulk ones, in the row schema's order. */
    public static final MessageType COMPACT_SCHEMA = new MessageType(
            ResultFiles.SCHEMA.getName(),
            ResultFiles.SCHEMA.getFields().stream()
                    .filter(f -> !BULK.contains(f.getName()))
                    .toList());

    /** The columns that hold a trial's training settings (each its setting's key), in the order tables show them. */
    public static final List<String> SETTINGS = java.util.Arrays.stream(Setting.values())
            .filter(Setting::isTraining)
            .map(Setting::key)
            .toList();

    /** A column the rows do not store, for trading quality against size: the network's weights and biases. */
    public static final String PARAMETERS = "parameters";

    private ResultTable() {}

    /**
     * The parameter count of a row's network (column {@value #PARAMETERS}), from its width, depth and channels; null
     * where the row lacks one of them (a trial that failed before it read its image).
     */
    public static Long parameters(Map<String, Object> row) {
        return row.get("channels") instanceof Integer channels
                        && row.get("width") instanceof Integer width
                        && row.get("depth") instanceof Integer depth
                ? SirenConfig.forImage(channels, width, depth, 30).parameterCount() // ω₀ counts nothing
                : null;
    }

    /**
     * The scalar columns (numbers, strings, booleans; not lists) of every row in {@code dataset}, each row a map from
     * column to value ({@code null} where the row has none), in the folder's order.
     */
    public static List<Map<String, Object>> scalars(Location dataset) throws IOException {
        MessageType projection = new MessageType(
                ResultFiles.SCHEMA.getName(),
                ResultFiles.SCHEMA.getFields().stream()
                        .filter(f -> f.isPrimitive() && !BULK.contains(f.getName()))
                        .toList());
        return read(dataset, projection).stream().map(ResultTable::valuesOf).toList();
    }

    /**
     * One row file's columns but {@code leftOut}, as a map from column to value: numbers, strings, booleans, byte
     * arrays (PNGs), timestamps as epoch milliseconds, lists (the curve, the upscale scores, the images) as lists of
     * such values or maps; {@code null} where the row has none.
     */
    public static Map<String, Object> row(Location file, Set<String> leftOut) throws IOException {
        MessageType projection = new MessageType(
                ResultFiles.SCHEMA.getName(),
                ResultFiles.SCHEMA.getFields().stream()
                        .filter(f -> !leftOut.contains(f.getName()))
                        .toList());
        try (ResultFiles.RowReader reader = ResultFiles.openRows(file, projection)) {
            Group row = reader.read();
            if (row == null) {
                throw new IOException(file.name() + " holds no row");
            }
            return valuesOf(row);
        }
    }

    /** Writes every row of {@code dataset} without its images and weights into one Parquet file, atomically. */
    public static int compact(Location dataset, Location out) throws IOException {
        List<Group> rows = read(dataset, COMPACT_SCHEMA);
        ParquetStreams.InMemory file = new ParquetStreams.InMemory();
        try (ParquetWriter<Group> writer = ResultFiles.newWriter(file, COMPACT_SCHEMA, Map.of())) {
            for (Group row : rows) {
                writer.write(row);
            }
        }
        out.write(file.bytes(), out.parent().resolve("." + out.name() + "." + UUID.randomUUID() + ".tmp"));
        return rows.size();
    }

    /** The rows of every result file in {@code dataset}, reading only {@code projection}'s columns. */
    private static List<Group> read(Location dataset, MessageType projection) throws IOException {
        Map<String, ResultDataset.Row> rows = new LinkedHashMap<>();
        ResultDataset.scan(dataset, ResultDataset.sweepOf(dataset, new ArrayList<>()), rows);
        try {
            return rows.values().parallelStream()
                    .map(row -> readOne(row.file(), projection))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Group readOne(Location file, MessageType projection) {
        try (ResultFiles.RowReader reader = ResultFiles.openRows(file, projection)) {
            return reader.read();
        } catch (IOException e) {
            throw new UncheckedIOException(file.name() + ": " + e.getMessage(), e);
        }
    }

    /** A group's fields by name; a LIST group becomes the list of its elements. */
    private static Map<String, Object> valuesOf(Group group) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Type field : group.getType().getFields()) {
            String name = field.getName();
            values.put(name, group.getFieldRepetitionCount(name) == 0 ? null : valueOf(group, field));
        }
        return values;
    }

    private static Object valueOf(Group group, Type field) {
        String name = field.getName();
        if (!field.isPrimitive()) {
            Group list = group.getGroup(name, 0);
            List<Object> elements = new ArrayList<>();
            for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
                Group item = list.getGroup("list", i);
                Type element = item.getType().getType("element");
                elements.add(element.isPrimitive() ? valueOf(item, element) : valuesOf(item.getGroup("element", 0)));
            }
            return elements;
        }
        return switch (field.asPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> group.getInteger(name, 0);
            case INT64 -> group.getLong(name, 0);
            case DOUBLE -> group.getDouble(name, 0);
            case FLOAT -> (double) group.getFloat(name, 0);
            case BOOLEAN -> group.getBoolean(name, 0);
            default ->
                field.getLogicalTypeAnnotation() == null
                        ? group.getBinary(name, 0).getBytes()
                        : group.getString(name, 0);
        };
    }
}
