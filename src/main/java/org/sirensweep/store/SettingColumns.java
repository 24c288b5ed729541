package org.sirensweep.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.parquet.example.data.Group;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialSettings;

/**
 * The columns a row gives its trial's settings, in one list: the first fourteen settings where rows have always had
 * them, with the values derived from them (the image's path and hash, the ω0 used, the target factors, the curve
 * interval and render sizes) beside them; then each setting declared later, an optional column at the row's end
 * holding a value only where the trial has one. A setting's column type and whether it is required follow from its
 * declaration ({@link Setting}); the order of the first ones is fixed by the datasets already written.
 */
final class SettingColumns {
    /** One column: its Parquet declaration and its value in a row (null: left empty, for optional columns). */
    private record Column(String declaration, Function<TrialResult, Object> value) {
        /** Its name: the declaration's third word ({@code required int32 name}). */
        String name() {
            return declaration.split(" ")[2];
        }
    }

    private static final List<Column> FIRST = List.of(
            new Column("required binary image (STRING)", r -> r.trial().image()),
            new Column(
                    "required binary image_path (STRING)",
                    r -> r.trial().settings().image()),
            new Column("required binary image_sha256 (STRING)", r -> r.trial().imageSha256()),
            of(Setting.RESOLUTION),
            of(Setting.SUPERVISION),
            of(Setting.EPOCHS),
            of(Setting.BATCH_SIZE),
            of(Setting.SHUFFLE),
            of(Setting.LR),
            of(Setting.DEPTH),
            of(Setting.WIDTH),
            of(Setting.OMEGA0),
            of(Setting.OMEGA0_RESOLUTION),
            new Column(
                    "required double omega0_effective",
                    r -> r.trial().settings().effectiveOmega0()),
            of(Setting.TARGET_RESOLUTION),
            new Column(
                    "required double gradient_target_scale",
                    r -> r.trial().settings().targetScales().gradient()),
            new Column(
                    "required double laplacian_target_scale",
                    r -> r.trial().settings().targetScales().laplacian()),
            of(Setting.SEED),
            new Column(
                    "required int32 curve_interval", r -> r.trial().settings().curveInterval()),
            new Column(
                    "required group render_sizes (LIST) { repeated group list { required int32 element; } }",
                    r -> r.trial().settings().renderSizes()),
            of(Setting.INJECT_FAULT));

    private SettingColumns() {}

    /** A first setting's own column: typed by its kind, required where it always has a value. */
    private static Column of(Setting setting) {
        boolean required = setting.required() || setting.defaultValue() != null;
        return new Column(
                (required ? "required " : "optional ") + typed(setting),
                r -> r.trial().settings().get(setting));
    }

    /** A setting's column type and name, from its kind and key: {@code int32 width}. */
    private static String typed(Setting setting) {
        return switch (setting.kind()) {
            case TEXT, SUPERVISION, FAULT -> "binary " + setting.key() + " (STRING)";
            case BOOLEAN -> "boolean " + setting.key();
            case INTEGER, BATCH_SIZE -> "int32 " + setting.key();
            case LONG -> "int64 " + setting.key();
            case POSITIVE_REAL -> "double " + setting.key();
        };
    }

    /** The first settings' columns, as lines of a Parquet message type. */
    static String firstDeclarations() {
        StringBuilder lines = new StringBuilder();
        FIRST.forEach(c -> lines.append("  ")
                .append(c.declaration())
                .append(c.declaration().endsWith("}") ? "\n" : ";\n"));
        return lines.toString();
    }

    /** The later settings' columns (each optional), as lines of a Parquet message type. */
    static String laterDeclarations() {
        StringBuilder lines = new StringBuilder();
        later().forEach(s -> lines.append("  optional ").append(typed(s)).append(";\n"));
        return lines.toString();
    }

    private static List<Setting> later() {
        List<Setting> later = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (!setting.isFirst()) {
                later.add(setting);
            }
        }
        return later;
    }

    /** Appends the first settings' columns of {@code result} to {@code row}. */
    static void appendFirst(Group row, TrialResult result) {
        FIRST.forEach(c -> append(row, c.name(), c.value().apply(result)));
    }

    /** Appends each later setting's value, where the trial has one. */
    static void appendLater(Group row, TrialSettings settings) {
        later().forEach(s -> append(row, s.key(), settings.get(s)));
    }

    /** Appends {@code value} (nothing if null) to the column {@code name}. */
    private static void append(Group row, String name, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            Group group = row.addGroup(name);
            list.forEach(element -> group.addGroup("list").append("element", (Integer) element));
        } else if (value instanceof Integer i) {
            row.append(name, i);
        } else if (value instanceof Long l) {
            row.append(name, l);
        } else if (value instanceof Double d) {
            row.append(name, d);
        } else if (value instanceof Boolean b) {
            row.append(name, b);
        } else {
            row.append(name, value.toString());
        }
    }
}
