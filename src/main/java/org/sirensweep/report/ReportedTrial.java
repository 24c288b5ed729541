package org.sirensweep.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a dataset as a report shows it: its scalar columns (settings, status, measures, timings, versions),
 * its learning curve and upscale scores (lists of column maps), and its pictures.
 */
record ReportedTrial(
        Map<String, Object> columns,
        List<Map<String, Object>> curve,
        List<Map<String, Object>> upscale,
        List<Picture> pictures) {

    /** A picture of the row: its kind ({@code value}, {@code gradient}, ...), side in pixels and PNG bytes. */
    record Picture(String kind, int size, byte[] png) {}

    ReportedTrial {
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        curve = List.copyOf(curve);
        upscale = List.copyOf(upscale);
        pictures = List.copyOf(pictures);
    }

    /** The trial of a row as {@code ResultTable.row} reads it. */
    @SuppressWarnings("unchecked")
    static ReportedTrial of(Map<String, Object> row) {
        Map<String, Object> columns = new LinkedHashMap<>();
        row.forEach((name, value) -> {
            if (!(value instanceof List<?>)) {
                columns.put(name, value);
            }
        });
        List<Map<String, Object>> curve =
                row.get("curve") instanceof List<?> c ? (List<Map<String, Object>>) c : List.of();
        List<Map<String, Object>> upscale =
                row.get("upscale") instanceof List<?> u ? (List<Map<String, Object>>) u : List.of();
        List<Picture> pictures = row.get("images") instanceof List<?> images
                ? images.stream()
                        .map(i -> (Map<String, Object>) i)
                        .map(i -> new Picture((String) i.get("kind"), (Integer) i.get("size"), (byte[]) i.get("png")))
                        .toList()
                : List.of();
        return new ReportedTrial(columns, curve, upscale, pictures);
    }

    String id() {
        return (String) columns.get("trial_id");
    }

    String status() {
        return (String) columns.get("status");
    }

    /** A numeric column, NaN where the row has none. */
    double number(String column) {
        return columns.get(column) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The epoch the trial's curve reached (its rung, for a trial stopped there); 0 without a curve. */
    int lastEpoch() {
        return curve.isEmpty() ? 0 : ((Number) curve.get(curve.size() - 1).get("epoch")).intValue();
    }
}
