package org.sirensweep.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A sweep file as YAML, and the reading of its parts with one-line errors that name the file and the key: the
 * tree itself (tabs, malformed YAML, duplicate keys refused), unknown keys with the nearest known one suggested,
 * required strings, mappings, bounded integers.
 */
final class SweepYaml {
    private static final Pattern TAB_INDENT = Pattern.compile("^[ ]*\t", Pattern.MULTILINE);

    private final Path file;
    private final String where;

    SweepYaml(Path file) {
        this.file = file;
        this.where = file.toString();
    }

    /** The file, for resolving what it names relative to it. */
    Path file() {
        return file;
    }

    JsonNode read() throws SweepFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SweepFileException(where + ": sweep file not found");
        } catch (IOException e) {
            throw new SweepFileException(where + ": cannot read the sweep file: " + e.getMessage());
        }
        var tab = TAB_INDENT.matcher(text);
        if (tab.find()) {
            long line = text.substring(0, tab.start())
                            .chars()
                            .filter(c -> c == '\n')
                            .count()
                    + 1;
            throw new SweepFileException(where + ":" + line + ": a tab indents this line; YAML indents with spaces");
        }
        JsonNode root;
        try {
            YAMLMapper yaml = YAMLMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .build();
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String position = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            String problem = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
            throw new SweepFileException(where + position + ": malformed YAML: " + problem);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SweepFileException(
                    where + ": the file is empty (expected a mapping with name, settings and grid)");
        }
        if (!root.isObject()) {
            throw new SweepFileException(where + ": the top level must be a mapping of name, settings, grid, ..., not "
                    + (root.isArray() ? "a list" : "a single value"));
        }
        return root;
    }

    void checkKeys(JsonNode mapping, String prefix, Set<String> known) throws SweepFileException {
        for (Map.Entry<String, JsonNode> entry : iterable(mapping)) {
            if (!known.contains(entry.getKey())) {
                throw error(prefix + entry.getKey(), "unknown key" + suggestion(entry.getKey(), known));
            }
        }
    }

    String requiredText(JsonNode root, String key) throws SweepFileException {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw error(key, "is required");
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw error(key, "expected a non-empty string, got " + node);
        }
        return node.textValue();
    }

    JsonNode optionalMapping(JsonNode root, String key) throws SweepFileException {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw error(
                    key,
                    "expected a mapping of key: value lines, got " + (node.isArray() ? "a list" : node.toString()));
        }
        return node;
    }

    int positiveInt(JsonNode node, String path, int max) throws SweepFileException {
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
            throw error(path, "expected an integer, got " + node);
        }
        int value = node.intValue();
        if (value < 1 || value > max) {
            throw error(path, "must be between 1 and " + max + ", got " + value);
        }
        return value;
    }

    SweepFileException error(String key, String problem) {
        return new SweepFileException(where + ": " + key + ": " + problem);
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode mapping) {
        return mapping::fields;
    }

    /** ", did you mean 'x'?" for the known key nearest to {@code key} by edit distance, if it is near enough. */
    static String suggestion(String key, Set<String> known) {
        return known.stream()
                .min(Comparator.comparingInt((String k) -> editDistance(key, k)).thenComparing(k -> k))
                .filter(best -> editDistance(key, best) <= Math.max(2, best.length() / 3))
                .map(best -> ", did you mean '" + best + "'?")
                .orElse(" (expected one of " + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
