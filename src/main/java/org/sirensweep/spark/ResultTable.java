package org.sirensweep.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A sweep's rows without their pictures and weights: read from the dataset folder on all cores with a projection
 * (only the columns asked for are decoded), for ranking trials ({@code best}) and for writing one compact Parquet
 * file that analyses of very large sweeps read in one go ({@code compact}).
 */
public final class ResultTable {
    /** The columns left out of a compact table: the bulk of every row. */
    public static final Set<String> BULK = Set.of("images", "weights_npz");
    /** Every row column but the bulk ones, in the row schema's order. */
    public static final MessageType COMPACT_SCHEMA = new MessageType(ResultFiles.SCHEMA.getName(),
            ResultFiles.SCHEMA.getFields().stream().filter(f -> !BULK.contains(f.getName())).toList());

    private ResultTable() {
    }

    /**
     * The scalar columns (numbers, strings, booleans; not lists) of every row in {@code dataset}, each row a map from
     * column to value ({@code null} where the row has none), in the folder's order.
     */
    public static List<Map<String, Object>> scalars(Path dataset) throws IOException {
        MessageType projection = new MessageType(ResultFiles.SCHEMA.getName(), ResultFiles.SCHEMA.getFields().stream()
                .filter(Type::isPrimitive).toList());
        return read(dataset, projection).stream().map(ResultTable::scalarsOf).toList();
    }

    /** Writes every row of {@code dataset} without its images and weights into one Parquet file, atomically. */
    public static int compact(Path dataset, Path out) throws IOException {
        List<Group> rows = read(dataset, COMPACT_SCHEMA);
        Path absolute = out.toAbsolutePath();
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (ParquetWriter<Group> writer = ResultFiles.newWriter(temporary, COMPACT_SCHEMA, Map.of())) {
                for (Group row : rows) {
                    writer.write(row);
                }
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return rows.size();
    }

    /** The rows of every result file in {@code dataset}, reading only {@code projection}'s columns. */
    private static List<Group> read(Path dataset, MessageType projection) throws IOException {
        Map<String, ResultDataset.Row> rows = new LinkedHashMap<>();
        ResultDataset.scan(dataset, ResultDataset.sweepOf(dataset, new ArrayList<>()), rows);
        try {
            return rows.values().parallelStream().map(row -> readOne(row.file(), projection)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Group readOne(Path file, MessageType projection) {
        try (ParquetReader<Group> reader = ResultFiles.openRows(file, projection)) {
            return reader.read();
        } catch (IOException e) {
            throw new UncheckedIOException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> scalarsOf(Group row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Type field : row.getType().getFields()) {
            String name = field.getName();
            if (row.getFieldRepetitionCount(name) == 0) {
                values.put(name, null);
                continue;
            }
            PrimitiveType.PrimitiveTypeName type = field.asPrimitiveType().getPrimitiveTypeName();
            values.put(name, switch (type) {
                case INT32 -> row.getInteger(name, 0);
                case INT64 -> row.getLong(name, 0);
                case DOUBLE -> row.getDouble(name, 0);
                case FLOAT -> (double) row.getFloat(name, 0);
                case BOOLEAN -> row.getBoolean(name, 0);
                default -> row.getString(name, 0);
            });
        }
        return values;
    }
}
