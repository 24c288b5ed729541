package org.sirensweep.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One JSON object on one line, for the GPU check's measurements: written without a JSON library, since the check
 * runs where only the engine's jar is (strings, numbers, booleans and lists of them; NaN and infinities as null).
 */
final class JsonLine {
    private final List<String> fields = new ArrayList<>();

    /** A line whose {@code case} is {@code name}. */
    static JsonLine of(String name) {
        return object().put("case", name);
    }

    /** An empty object, to nest in a line. */
    static JsonLine object() {
        return new JsonLine();
    }

    JsonLine put(String key, Object value) {
        fields.add(quote(key) + ": " + value(value));
        return this;
    }

    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.9g", d) : "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(value(item)));
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof JsonLine object) {
            return object.toString();
        }
        return quote(value.toString());
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    @Override
    public String toString() {
        return "{" + String.join(", ", fields) + "}";
    }
}
