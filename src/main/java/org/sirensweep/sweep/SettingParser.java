package org.sirensweep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.sirensweep.image.Supervision;
import org.sirensweep.trial.Setting;

/**
 * Reads a {@link Setting}'s value from YAML (a sweep file, or one of {@code train}'s options read as a YAML scalar)
 * into its canonical Java value, so equal settings compare and hash equal however they were written; the
 * exception's message says what was expected and what was found.
 */
public final class SettingParser {
    private SettingParser() {}

    /** The canonical value of {@code node} for {@code setting}, checked against the setting's rules. */
    public static Object parse(Setting setting, JsonNode node) {
        Object value = switch (setting.kind()) {
            case TEXT -> text(node);
            case FAULT -> text(node).equals("none") ? null : text(node);
            case SUPERVISION -> Supervision.parse(text(node)).id();
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw wrongType("true or false", node);
                }
                yield node.booleanValue();
            }
            case INTEGER -> integer(node);
            case BATCH_SIZE -> node.isTextual() && node.textValue().equalsIgnoreCase("full") ? 0 : integer(node);
            case LONG -> {
                if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                    throw wrongType("an integer", node);
                }
                yield node.longValue();
            }
            case POSITIVE_REAL -> number(node);
        };
        return setting.check(value);
    }

    private static String text(JsonNode node) {
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw wrongType("a non-empty string", node);
        }
        return node.textValue();
    }

    private static int integer(JsonNode node) {
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
            throw wrongType("an integer", node);
        }
        return node.intValue();
    }

    /** YAML 1.1 reads {@code 1e-4} (no dot) as a string; accept it as the number everyone means. */
    private static double number(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim().toLowerCase(Locale.ROOT);
            if (text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?")) {
                return Double.parseDouble(text);
            }
        }
        throw wrongType("a number", node);
    }

    private static IllegalArgumentException wrongType(String expected, JsonNode node) {
        String found = node.isTextual()
                ? "'" + node.textValue() + "'"
                : node.isContainerNode()
                        ? (node.isArray() ? "a list" : "a mapping")
                        : node.isNull() ? "nothing" : node.toString();
        return new IllegalArgumentException("expected " + expected + ", got " + found);
    }
}
