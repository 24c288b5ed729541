package org.sirensweep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sirensweep.files.Durations;
import org.sirensweep.files.FileSettings;
import org.sirensweep.model.Memory;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialSettings;

/**
 * Reads a sweep file and expands it into trials, refusing anything that could not run before any work starts. The
 * format (see {@code sweeps/README.md}):
 * <pre>
 * name: quickstart                 # names the dataset; letters, digits, '.', '_', '-'
 * description: what it answers     # optional
 * settings:                        # fixed training settings (any {@link Setting})
 *   image: ../data/camera.png      # relative to this file
 *   epochs: 200
 * grid:                            # the trials are the cartesian product of these lists
 *   supervision: [vanilla, gradient, laplacian]
 *   seed: [0, 1]
 * sample:                          # optional: random configurations, each combined with every grid point
 *   trials: 20                     # (see {@link Sampling})
 *   lr: loguniform(1e-5, 1e-2)
 * evaluation:                      # optional
 *   curve_interval: 10             # epochs between curve samples (default: about 50 samples)
 *   render_sizes: [512]            # also render the trained network at these sizes
 * checkpoint_minutes: 5            # optional: training minutes between checkpoints (0: none)
 * pack: auto                       # optional: trials per Spark task (auto, off or K; see {@link TrialPacks})
 * early_stopping:                  # optional: successive halving (see {@link EarlyStopping})
 *   grace_epochs: 250
 *   max_epochs: 2000               # the trials' epochs
 * </pre>
 */
public final class SweepFile {
    private static final Set<String> TOP_KEYS = Set.of(
            "name",
            "description",
            "settings",
            "grid",
            "sample",
            "evaluation",
            "checkpoint_minutes",
            "early_stopping",
            "pack");
    /** Largest pack a sweep file may ask for. */
    private static final int MAX_PACK = 256;

    private static final Set<String> EARLY_STOPPING_KEYS =
            Set.of("metric", "grace_epochs", "reduction_factor", "max_epochs", "by");
    private static final Set<String> EVALUATION_KEYS = Set.of("curve_interval", "render_sizes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path file;
    private final SweepYaml yaml;

    private SweepFile(Path file) {
        this.file = file;
        this.yaml = new SweepYaml(file);
    }

    /** Reads, validates and expands {@code file}; a sweep of more than {@code maxTrials} trials is refused. */
    public static Sweep read(Path file, int maxTrials) throws SweepFileException {
        return read(file, maxTrials, Long.MAX_VALUE, "");
    }

    /**
     * As {@link #read(Path, int)}, also refusing a trial whose planned memory ({@link org.sirensweep.trial.TrialCost#plannedBytes})
     * exceeds {@code maxTrialBytes}, what one executor can give; {@code limitSource} says where that figure came
     * from, for the error.
     */
    public static Sweep read(Path file, int maxTrials, long maxTrialBytes, String limitSource)
            throws SweepFileException {
        return read(file, maxTrials, maxTrialBytes, limitSource, FileSettings.NONE);
    }

    /** As {@link #read(Path, int, long, String)}, reading images named by URIs with {@code files}' settings. */
    public static Sweep read(Path file, int maxTrials, long maxTrialBytes, String limitSource, FileSettings files)
            throws SweepFileException {
        return new SweepFile(file).parse(maxTrials, maxTrialBytes, limitSource, files);
    }

    private Sweep parse(int maxTrials, long maxTrialBytes, String limitSource, FileSettings files)
            throws SweepFileException {
        JsonNode root = yaml.read();
        yaml.checkKeys(root, "", TOP_KEYS);
        String name = yaml.requiredText(root, "name");
        if (!NAME.matcher(name).matches()) {
            throw yaml.error(
                    "name",
                    "'" + name + "' is not a valid sweep name (letters, digits, '.', '_', '-'; no path separators)");
        }
        String description = root.hasNonNull("description") ? yaml.requiredText(root, "description") : "";

        Map<Setting, Object> fixed = fixedSettings(root);
        Map<Setting, List<Object>> grid = grid(root, fixed);
        if (!fixed.containsKey(Setting.IMAGE) && !grid.containsKey(Setting.IMAGE)) {
            throw yaml.error("settings.image", "is required (the PNG to fit, relative to the sweep file)");
        }
        Sampling sampling = sampling(root, fixed, grid);
        EarlyStopping earlyStopping = earlyStopping(root, fixed, grid, sampling);
        if (earlyStopping != null) {
            fixed.put(Setting.EPOCHS, earlyStopping.maxEpochs());
        }

        JsonNode evaluation = yaml.optionalMapping(root, "evaluation");
        yaml.checkKeys(evaluation, "evaluation.", EVALUATION_KEYS);
        Integer curveInterval = evaluation.has("curve_interval")
                ? yaml.positiveInt(evaluation.get("curve_interval"), "evaluation.curve_interval", Integer.MAX_VALUE)
                : null;
        List<Integer> renderSizes = renderSizes(evaluation.get("render_sizes"));

        long count = grid.values().stream().mapToLong(List::size).reduce(1, Math::multiplyExact)
                * (sampling == null ? 1 : sampling.trials());
        if (count > maxTrials) {
            throw yaml.error(
                    sampling == null ? "grid" : "sample.trials",
                    "expands to " + count + " trials, more than the limit of " + maxTrials
                            + " (raise it with --max-trials)");
        }
        Double checkpointMinutes =
                root.has("checkpoint_minutes") ? minutes(root.get("checkpoint_minutes"), "checkpoint_minutes") : null;
        Map<String, SweepImages.LoadedImage> images = SweepImages.load(yaml, fixed, grid, files);
        List<Trial> trials =
                TrialSearch.expand(yaml, fixed, grid, sampling, curveInterval, renderSizes, images, earlyStopping);
        for (Trial trial : trials) {
            long bytes = trial.settings()
                    .cost()
                    .plannedBytes(images.get(trial.image()).channels());
            if (bytes > maxTrialBytes) {
                throw yaml.error(
                        grid.isEmpty() ? "settings" : "grid",
                        "trial " + trial.id() + " " + trial.shape()
                                + " needs " + Memory.describe(bytes) + " of training buffers, more than the "
                                + Memory.describe(maxTrialBytes) + " an executor has (" + limitSource
                                + "); use a smaller width or batch_size, or set the limit with --max-trial-memory");
            }
        }
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, Integer> channels = new HashMap<>();
        images.values().forEach(img -> {
            bytes.put(img.absolutePath(), img.bytes());
            channels.put(img.absolutePath(), img.channels());
        });
        return new Sweep(
                name,
                description,
                file,
                TrialSearch.variedKeys(grid, sampling),
                trials,
                bytes,
                channels,
                checkpointMinutes,
                earlyStopping,
                pack(root.get("pack")),
                maxTrialBytes);
    }

    /** The {@code settings:} block: each fixed setting's value. */
    private Map<Setting, Object> fixedSettings(JsonNode root) throws SweepFileException {
        Map<Setting, Object> fixed = new LinkedHashMap<>();
        JsonNode settings = yaml.optionalMapping(root, "settings");
        for (Map.Entry<String, JsonNode> entry : SweepYaml.iterable(settings)) {
            Setting key = settingKey("settings", entry.getKey());
            fixed.put(key, value(key, entry.getValue(), "settings." + entry.getKey()));
        }
        return fixed;
    }

    /** The {@code grid:} block: each varied setting's values, none repeated and none also fixed. */
    private Map<Setting, List<Object>> grid(JsonNode root, Map<Setting, Object> fixed) throws SweepFileException {
        Map<Setting, List<Object>> grid = new LinkedHashMap<>();
        JsonNode gridNode = yaml.optionalMapping(root, "grid");
        for (Map.Entry<String, JsonNode> entry : SweepYaml.iterable(gridNode)) {
            String path = "grid." + entry.getKey();
            Setting key = settingKey("grid", entry.getKey());
            if (fixed.containsKey(key)) {
                throw yaml.error(path, "is also fixed under settings; set it in one place");
            }
            JsonNode list = entry.getValue();
            if (!list.isArray()) {
                throw yaml.error(
                        path, "expected a list of values, e.g. [" + entry.getKey() + "1, " + entry.getKey() + "2]");
            }
            if (list.isEmpty()) {
                throw yaml.error(path, "the list is empty, so the sweep would have no trials");
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object v = value(key, list.get(i), path + "[" + i + "]");
                if (values.contains(v)) {
                    throw yaml.error(path + "[" + i + "]", "repeats the value " + v + " (trials would be duplicated)");
                }
                values.add(v);
            }
            grid.put(key, values);
        }
        return grid;
    }

    /** {@code early_stopping.by}: settings the sweep varies, each once; one setting may go without brackets. */
    private List<String> by(JsonNode byNode, List<String> varied) throws SweepFileException {
        List<String> by = new ArrayList<>();
        List<JsonNode> keys = new ArrayList<>();
        if (byNode != null) {
            if (byNode.isArray()) {
                byNode.elements().forEachRemaining(keys::add);
            } else {
                keys.add(byNode); // one setting without brackets
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            JsonNode key = keys.get(i);
            String path = "early_stopping.by" + (byNode.isArray() ? "[" + i + "]" : "");
            if (!key.isTextual()) {
                throw yaml.error(path, "expected a setting name, got " + key);
            }
            if (!varied.contains(key.textValue())) {
                throw yaml.error(
                        path,
                        "'" + key.textValue() + "' is not a setting the grid or sample varies"
                                + (varied.isEmpty()
                                        ? ""
                                        : " (" + varied.stream().sorted().collect(Collectors.joining(", ")) + ")"));
            }
            if (by.contains(key.textValue())) {
                throw yaml.error(path, "repeats '" + key.textValue() + "'");
            }
            by.add(key.textValue());
        }
        return by;
    }

    /** What a report says of a sweep file: its description, and the settings it draws log-uniformly. */
    public record Outline(String description, Set<String> logSampled) {
        public Outline {
            logSampled = Set.copyOf(logSampled);
        }
    }

    /**
     * The outline of {@code file} from its YAML alone (no validation, no images read), for describing a dataset
     * whose sweep file may have changed since it ran; null when the file is gone or is not YAML.
     */
    public static Outline outline(Path file) {
        try {
            JsonNode root = new SweepYaml(file).read();
            Set<String> logSampled = new java.util.TreeSet<>();
            for (Map.Entry<String, JsonNode> entry : SweepYaml.iterable(root.path("sample"))) {
                if (entry.getValue().isTextual()
                        && entry.getValue().textValue().trim().startsWith("loguniform(")) {
                    logSampled.add(entry.getKey());
                }
            }
            return new Outline(root.path("description").asText(""), logSampled);
        } catch (SweepFileException | RuntimeException e) {
            return null;
        }
    }

    private Setting settingKey(String section, String key) throws SweepFileException {
        var found = Setting.byKey(key);
        if (found.isPresent()) {
            return found.get();
        }
        if (TOP_KEYS.contains(key) || EVALUATION_KEYS.contains(key)) {
            throw yaml.error(
                    section + "." + key,
                    "is not a training setting; it belongs "
                            + (TOP_KEYS.contains(key) ? "at the top level" : "under evaluation"));
        }
        Set<String> keys = Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.toSet());
        throw yaml.error(section + "." + key, "unknown setting" + SweepYaml.suggestion(key, keys));
    }

    private Object value(Setting key, JsonNode node, String path) throws SweepFileException {
        try {
            return SettingParser.parse(key, node);
        } catch (IllegalArgumentException e) {
            throw yaml.error(path, e.getMessage());
        }
    }

    /** The {@code pack:} value: auto (the default), off (1) or a number of trials. */
    private int pack(JsonNode node) throws SweepFileException {
        if (node == null
                || node.isNull()
                || (node.isTextual() && node.textValue().equals("auto"))) {
            return TrialPacks.AUTO;
        }
        if ((node.isTextual() && node.textValue().equals("off")) || (node.isBoolean() && !node.booleanValue())) {
            return 1; // YAML 1.1 reads a bare off as false
        }
        if (node.isTextual()) {
            throw yaml.error(
                    "pack", "expected auto, off or a number of trials per task, got '" + node.textValue() + "'");
        }
        return yaml.positiveInt(node, "pack", MAX_PACK);
    }

    /** A duration in minutes: a number from 0 (none) up to a week. */
    private double minutes(JsonNode node, String path) throws SweepFileException {
        if (!node.isNumber()) {
            throw yaml.error(path, "expected minutes, a number from 0 (no checkpoints) to 10080, got " + node);
        }
        try {
            Durations.minutesOrNone(node.doubleValue());
        } catch (IllegalArgumentException e) {
            throw yaml.error(path, "expected minutes, a number from 0 (no checkpoints) to 10080: " + e.getMessage());
        }
        return node.doubleValue();
    }

    private List<Integer> renderSizes(JsonNode node) throws SweepFileException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String path = "evaluation.render_sizes";
        if (!node.isArray()) {
            return List.of(yaml.positiveInt(node, path, TrialSettings.MAX_RENDER_SIZE));
        }
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            int size = yaml.positiveInt(node.get(i), path + "[" + i + "]", TrialSettings.MAX_RENDER_SIZE);
            if (sizes.contains(size)) {
                throw yaml.error(path + "[" + i + "]", "repeats the size " + size);
            }
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }

    /** The {@code sample:} block, or null; its settings must be set nowhere else. */
    private Sampling sampling(JsonNode root, Map<Setting, Object> fixed, Map<Setting, List<Object>> grid)
            throws SweepFileException {
        if (!root.has("sample") || root.get("sample").isNull()) {
            return null;
        }
        JsonNode block = yaml.optionalMapping(root, "sample");
        Map<String, Setting> sampled = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : SweepYaml.iterable(block)) {
            if (Sampling.OWN_KEYS.contains(entry.getKey())) {
                continue;
            }
            if (entry.getKey().contains(")")) {
                throw yaml.error(
                        "sample",
                        "'" + entry.getKey() + "' is the end of a distribution that YAML split at its "
                                + "comma: inside {...} quote it, e.g. {lr: 'loguniform(1e-5, 1e-2)'}, or write one per line");
            }
            Setting key = settingKey("sample", entry.getKey());
            if (fixed.containsKey(key) || grid.containsKey(key)) {
                throw yaml.error(
                        "sample." + entry.getKey(),
                        "is also set under " + (fixed.containsKey(key) ? "settings" : "grid")
                                + "; set it in one place");
            }
            if (key == Setting.IMAGE || key == Setting.INJECT_FAULT) {
                throw yaml.error("sample." + entry.getKey(), "cannot be sampled; list its values under grid");
            }
            sampled.put(entry.getKey(), key);
        }
        try {
            return Sampling.parse(block, sampled);
        } catch (Sampling.Problem e) {
            throw yaml.error(e.path, e.getMessage());
        }
    }

    /**
     * The {@code early_stopping:} block, or null. It sets the trials' epochs ({@code max_epochs}), so epochs may not
     * vary, and compares within groups of settings that do.
     */
    private EarlyStopping earlyStopping(
            JsonNode root, Map<Setting, Object> fixed, Map<Setting, List<Object>> grid, Sampling sampling)
            throws SweepFileException {
        if (!root.has("early_stopping") || root.get("early_stopping").isNull()) {
            return null;
        }
        JsonNode block = yaml.optionalMapping(root, "early_stopping");
        yaml.checkKeys(block, "early_stopping.", EARLY_STOPPING_KEYS);
        for (String required : List.of("grace_epochs", "max_epochs")) {
            if (!block.has(required)) {
                throw yaml.error("early_stopping." + required, "is required");
            }
        }
        int maxEpochs = yaml.positiveInt(block.get("max_epochs"), "early_stopping.max_epochs", Integer.MAX_VALUE);
        int grace = yaml.positiveInt(block.get("grace_epochs"), "early_stopping.grace_epochs", Integer.MAX_VALUE);
        int factor = block.has("reduction_factor")
                ? yaml.positiveInt(block.get("reduction_factor"), "early_stopping.reduction_factor", 1000)
                : EarlyStopping.DEFAULT_REDUCTION_FACTOR;
        JsonNode metricNode = block.get("metric");
        if (metricNode != null && !metricNode.isTextual()) {
            throw yaml.error("early_stopping.metric", "expected a measure name, got " + metricNode);
        }
        String metric = metricNode == null ? EarlyStopping.DEFAULT_METRIC : metricNode.textValue();
        List<String> by = by(block.get("by"), TrialSearch.variedKeys(grid, sampling));
        if (grid.containsKey(Setting.EPOCHS)
                || (sampling != null && sampling.keys().contains(Setting.EPOCHS))) {
            throw yaml.error(
                    (grid.containsKey(Setting.EPOCHS) ? "grid" : "sample") + ".epochs",
                    "cannot vary with " + "early_stopping: every trial trains up to early_stopping.max_epochs");
        }
        if (fixed.containsKey(Setting.EPOCHS) && !fixed.get(Setting.EPOCHS).equals(maxEpochs)) {
            throw yaml.error(
                    "settings.epochs",
                    "is " + fixed.get(Setting.EPOCHS) + " but early_stopping.max_epochs is " + maxEpochs
                            + "; max_epochs sets the trials' epochs, so remove one of them");
        }
        try {
            return new EarlyStopping(metric, grace, factor, maxEpochs, by);
        } catch (IllegalArgumentException e) {
            throw yaml.error("early_stopping", e.getMessage());
        }
    }
}
