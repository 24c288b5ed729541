package org.sirensweep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sirensweep.trial.Setting;

/**
 * A sweep file's {@code sample:} block: {@code trials} random configurations of some settings, each setting drawn
 * from its own distribution, in real values:
 * <pre>
 * sample:
 *   trials: 20                      # configurations drawn (each grid point gets all of them)
 *   seed: 0                         # the draws' seed (default 0): the same file always draws the same trials
 *   lr: loguniform(1e-5, 1e-2)      # log-uniform between the two values (not their logarithms)
 *   omega0: uniform(10, 40)
 *   width: choice([64, 128, 256])
 *   depth: randint(2, 5)            # an integer from 2 to 5, both included
 * </pre>
 * Draw i of a setting comes from a generator seeded by the block's seed, i and the setting's name alone, so adding a
 * setting or raising {@code trials} leaves the earlier draws as they were (and their trials' ids, so a resumed or
 * extended sweep keeps its rows). Draws that repeat a configuration are one trial.
 */
final class Sampling {
    private static final Pattern CALL = Pattern.compile("\\s*(\\w+)\\s*\\((.*)\\)\\s*", Pattern.DOTALL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The kinds of setting each distribution draws from: the settings follow from their declarations. */
    private static final Set<Setting.Kind> REAL = EnumSet.of(Setting.Kind.POSITIVE_REAL);

    private static final Set<Setting.Kind> INTEGER =
            EnumSet.of(Setting.Kind.INTEGER, Setting.Kind.BATCH_SIZE, Setting.Kind.LONG);
    /** Keys of the block that are not settings. */
    static final Set<String> OWN_KEYS = Set.of("trials", "seed");

    /** One setting's distribution. */
    private sealed interface Distribution {
        Object draw(SplittableRandom random);
    }

    private record LogUniform(double low, double high) implements Distribution {
        public Object draw(SplittableRandom random) {
            return Math.exp(random.nextDouble(Math.log(low), Math.log(high)));
        }
    }

    private record Uniform(double low, double high) implements Distribution {
        public Object draw(SplittableRandom random) {
            return random.nextDouble(low, high);
        }
    }

    private record RandInt(long low, long high, boolean wide) implements Distribution {
        public Object draw(SplittableRandom random) {
            long value = random.nextLong(low, high + 1);
            return wide ? (Object) value : (Object) (int) value;
        }
    }

    private record Choice(List<Object> values) implements Distribution {
        public Object draw(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    private final int trials;
    private final long seed;
    private final Map<Setting, Distribution> axes;

    private Sampling(int trials, long seed, Map<Setting, Distribution> axes) {
        this.trials = trials;
        this.seed = seed;
        this.axes = axes;
    }

    /** The configurations drawn. */
    int trials() {
        return trials;
    }

    /** The settings the block samples, in the file's order. */
    Set<Setting> keys() {
        return axes.keySet();
    }

    /** Draw {@code i} (from 0) of every sampled setting. */
    Map<Setting, Object> draw(int i) {
        Map<Setting, Object> values = new LinkedHashMap<>();
        axes.forEach((key, distribution) -> values.put(key, distribution.draw(generator(i, key))));
        return values;
    }

    private SplittableRandom generator(int i, Setting key) {
        long mixed = new SplittableRandom(seed).nextLong() ^ (0x9E3779B97F4A7C15L * (i + 1));
        mixed = new SplittableRandom(mixed).nextLong() ^ key.key().hashCode();
        return new SplittableRandom(new SplittableRandom(mixed).nextLong());
    }

    /** Thrown with a message naming the problem; the caller adds the file and the key. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        final String path;

        Problem(String path, String message) {
            super(message);
            this.path = path;
        }
    }

    /** Parses a {@code sample:} mapping whose setting keys the caller has checked are settings not set elsewhere. */
    static Sampling parse(JsonNode block, Map<String, Setting> settings) throws Problem {
        JsonNode trialsNode = block.get("trials");
        if (trialsNode == null
                || !trialsNode.canConvertToExactIntegral()
                || !trialsNode.canConvertToInt()
                || trialsNode.intValue() < 1) {
            throw new Problem(
                    "sample.trials",
                    "is required: how many configurations to draw, at least 1"
                            + (trialsNode == null ? "" : ", got " + trialsNode));
        }
        JsonNode seedNode = block.get("seed");
        if (seedNode != null && (!seedNode.canConvertToExactIntegral() || !seedNode.canConvertToLong())) {
            throw new Problem("sample.seed", "expected an integer, got " + seedNode);
        }
        Map<Setting, Distribution> axes = new LinkedHashMap<>();
        for (Map.Entry<String, Setting> entry : settings.entrySet()) {
            String path = "sample." + entry.getKey();
            axes.put(entry.getValue(), distribution(entry.getValue(), block.get(entry.getKey()), path));
        }
        if (axes.isEmpty()) {
            throw new Problem("sample", "samples no setting: add one, e.g. lr: loguniform(1e-5, 1e-2)");
        }
        return new Sampling(trialsNode.intValue(), seedNode == null ? 0 : seedNode.longValue(), axes);
    }

    private static Distribution distribution(Setting key, JsonNode node, String path) throws Problem {
        String usage = "expected loguniform(low, high) or uniform(low, high) for " + settingsOf(REAL)
                + ", randint(low, high) for integer settings, or choice([a, b, ...]) for any";
        Matcher call = node.isTextual() ? CALL.matcher(node.textValue()) : null;
        if (call == null || !call.matches()) {
            throw new Problem(path, usage + ", got " + node);
        }
        JsonNode arguments;
        try {
            arguments = YAML.readTree("[" + call.group(2) + "]");
        } catch (Exception e) {
            throw new Problem(path, "cannot read the arguments of " + node.textValue());
        }
        String function = call.group(1);
        try {
            switch (function) {
                case "loguniform", "uniform" -> {
                    if (!REAL.contains(key.kind())) {
                        throw new Problem(
                                path,
                                function + " draws real numbers; " + key.key()
                                        + " takes integers or names: use randint(low, high) or choice([...])");
                    }
                    double[] bounds = bounds(key, arguments, node);
                    return function.equals("loguniform")
                            ? new LogUniform(bounds[0], bounds[1])
                            : new Uniform(bounds[0], bounds[1]);
                }
                case "randint" -> {
                    if (!INTEGER.contains(key.kind()) || arguments.size() != 2) {
                        throw new Problem(
                                path,
                                INTEGER.contains(key.kind())
                                        ? "randint takes two bounds, got " + node
                                        : "randint draws integers; " + key.key() + " is not an integer setting");
                    }
                    long low = ((Number) SettingParser.parse(key, arguments.get(0))).longValue();
                    long high = ((Number) SettingParser.parse(key, arguments.get(1))).longValue();
                    if (low > high) {
                        throw new Problem(path, "randint needs low ≤ high, got " + node.textValue());
                    }
                    return new RandInt(low, high, key.kind() == Setting.Kind.LONG);
                }
                case "choice" -> {
                    JsonNode list = arguments.size() == 1 ? arguments.get(0) : null;
                    if (list == null || !list.isArray() || list.isEmpty()) {
                        throw new Problem(
                                path, "choice takes a non-empty list, e.g. choice([64, 128]), got " + node.textValue());
                    }
                    List<Object> values = new ArrayList<>();
                    for (JsonNode element : list) {
                        Object value = SettingParser.parse(key, element);
                        if (values.contains(value)) {
                            throw new Problem(path, "choice repeats the value " + value);
                        }
                        values.add(value);
                    }
                    return new Choice(values);
                }
                default -> throw new Problem(path, "unknown distribution '" + function + "'; " + usage);
            }
        } catch (IllegalArgumentException e) {
            throw new Problem(path, e.getMessage());
        }
    }

    /** The training settings of {@code kinds}, by name: "lr and omega0". */
    private static String settingsOf(Set<Setting.Kind> kinds) {
        List<String> names = Arrays.stream(Setting.values())
                .filter(s -> s.isTraining() && kinds.contains(s.kind()))
                .map(Setting::key)
                .toList();
        return names.size() == 1
                ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** Two bounds in real values, each a valid value of the setting, low below high. */
    private static double[] bounds(Setting key, JsonNode arguments, JsonNode node) {
        if (arguments.size() != 2) {
            throw new IllegalArgumentException("takes two bounds, got " + node.textValue());
        }
        double low = (Double) SettingParser.parse(key, DoubleNode.valueOf(number(arguments.get(0))));
        double high = (Double) SettingParser.parse(key, DoubleNode.valueOf(number(arguments.get(1))));
        if (!(low < high)) {
            throw new IllegalArgumentException("needs low < high, got " + node.textValue());
        }
        return new double[] {low, high};
    }

    /** A bound: a YAML number, or text such as 1e-5 (which YAML 1.1 reads as a string). */
    private static double number(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        try {
            return Double.parseDouble(node.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number as a bound, got " + node);
        }
    }
}
