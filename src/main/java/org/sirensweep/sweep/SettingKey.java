package org.sirensweep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.sirensweep.image.Supervision;

/**
 * The training settings a sweep file may fix under {@code settings:} or vary under {@code grid:}, with their types,
 * rules and defaults. {@link #parse} turns a YAML value into the setting's canonical Java value (Integer, Long,
 * Double, Boolean or String), so equal settings compare and hash equal however they were written.
 */
public enum SettingKey {
    IMAGE("image", null, "path of a PNG image, relative to the sweep file"),
    RESOLUTION("resolution", 256, "training resolution in px (square), at least 2"),
    SUPERVISION("supervision", "vanilla", "vanilla, gradient, laplacian or combined"),
    EPOCHS("epochs", 10000, "passes over all pixels, at least 1"),
    BATCH_SIZE("batch_size", 0, "points per step: a positive number, or 0 / 'full' for full batch"),
    SHUFFLE("shuffle", false, "true: fresh permutation every epoch; false: contiguous batches (Siren-Jax)"),
    LR("lr", 1e-4, "Adam learning rate, a positive number"),
    DEPTH("depth", 3, "hidden sine layers after the first, at least 1"),
    WIDTH("width", 256, "units per sine layer, at least 1"),
    OMEGA0("omega0", 30.0, "sine frequency factor, a positive number"),
    SEED("seed", 0L, "seed of every random draw, an integer"),
    OMEGA0_RESOLUTION("omega0_resolution", null, "the resolution omega0 is meant for: at another resolution the "
            + "network uses omega0 · (resolution − 1) / (omega0_resolution − 1), the same frequency per pixel "
            + "(default: omega0 as it is)"),
    TARGET_RESOLUTION("target_resolution", null, "the resolution Siren-Jax's derivative target factors are meant "
            + "for: at another resolution they scale with the pixel spacing (default: the factors as they are)"),
    INJECT_FAULT("inject_fault", null, "tests only: 'always' or 'first-attempt' makes the training throw; 'none'");

    private final String key;
    private final Object defaultValue;
    private final String help;

    SettingKey(String key, Object defaultValue, String help) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.help = help;
    }

    /** The name used in sweep files and as the result column. */
    public String key() {
        return key;
    }

    /** The value when a sweep sets nothing; {@code null} when the setting is required or optional-absent. */
    public Object defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** Whether this is a setting of the training itself (all but {@code inject_fault}, which only tests use). */
    public boolean isTraining() {
        return this != INJECT_FAULT;
    }

    public static Optional<SettingKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** The canonical value of {@code node}; the exception's message says what was expected and what was found. */
    public Object parse(JsonNode node) {
        return switch (this) {
            case IMAGE -> text(node);
            case INJECT_FAULT -> text(node).equals("none") ? null : text(node);
            case SUPERVISION -> Supervision.parse(text(node)).id();
            case SHUFFLE -> {
                if (!node.isBoolean()) {
                    throw wrongType("true or false", node);
                }
                yield node.booleanValue();
            }
            case RESOLUTION, OMEGA0_RESOLUTION, TARGET_RESOLUTION -> atLeast(integer(node), 2);
            case EPOCHS, DEPTH, WIDTH -> atLeast(integer(node), 1);
            case BATCH_SIZE -> node.isTextual() && node.textValue().equalsIgnoreCase("full") ? 0 : atLeast(integer(node), 0);
            case SEED -> {
                if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                    throw wrongType("an integer", node);
                }
                yield node.longValue();
            }
            case LR, OMEGA0 -> {
                double x = number(node);
                if (!(x > 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("must be a positive number, got " + node.asText());
                }
                yield x;
            }
        };
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

    private static int atLeast(int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static IllegalArgumentException wrongType(String expected, JsonNode node) {
        String found = node.isTextual() ? "'" + node.textValue() + "'"
                : node.isContainerNode() ? (node.isArray() ? "a list" : "a mapping") : node.isNull() ? "nothing" : node.toString();
        return new IllegalArgumentException("expected " + expected + ", got " + found);
    }
}
