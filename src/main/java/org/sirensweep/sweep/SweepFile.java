package org.sirensweep.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.image.Supervision;
import org.sirensweep.model.Memory;
import org.sirensweep.trial.CheckpointFile;
import org.sirensweep.trial.TrialSettings;

/**
 * Reads a sweep file and expands it into trials, refusing anything that could not run before any work starts. The
 * format (see {@code sweeps/README.md}):
 * <pre>
 * name: quickstart                 # names the dataset; letters, digits, '.', '_', '-'
 * description: what it answers     # optional
 * settings:                        # fixed training settings (any {@link SettingKey})
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
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "settings", "grid", "sample",
            "evaluation", "checkpoint_minutes", "early_stopping", "pack");
    /** Largest pack a sweep file may ask for. */
    private static final int MAX_PACK = 256;
    private static final Set<String> EARLY_STOPPING_KEYS = Set.of("metric", "grace_epochs", "reduction_factor",
            "max_epochs", "by");
    private static final Set<String> EVALUATION_KEYS = Set.of("curve_interval", "render_sizes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern TAB_INDENT = Pattern.compile("^[ ]*\t", Pattern.MULTILINE);

    private final Path file;
    private final String where;

    private SweepFile(Path file) {
        this.file = file;
        this.where = file.toString();
    }

    /** Reads, validates and expands {@code file}; a sweep of more than {@code maxTrials} trials is refused. */
    public static Sweep read(Path file, int maxTrials) throws SweepFileException {
        return read(file, maxTrials, Long.MAX_VALUE, "");
    }

    /**
     * As {@link #read(Path, int)}, also refusing a trial whose planned memory ({@link TrialSettings#plannedBytes})
     * exceeds {@code maxTrialBytes}, what one executor can give; {@code limitSource} says where that figure came
     * from, for the error.
     */
    public static Sweep read(Path file, int maxTrials, long maxTrialBytes, String limitSource)
            throws SweepFileException {
        return new SweepFile(file).parse(maxTrials, maxTrialBytes, limitSource);
    }

    private Sweep parse(int maxTrials, long maxTrialBytes, String limitSource) throws SweepFileException {
        JsonNode root = parseYaml();
        checkKeys(root, "", TOP_KEYS);
        String name = requiredText(root, "name");
        if (!NAME.matcher(name).matches()) {
            throw error("name", "'" + name + "' is not a valid sweep name (letters, digits, '.', '_', '-'; no path separators)");
        }
        String description = root.hasNonNull("description") ? requiredText(root, "description") : "";

        Map<SettingKey, Object> fixed = new LinkedHashMap<>();
        JsonNode settings = optionalMapping(root, "settings");
        for (Map.Entry<String, JsonNode> entry : iterable(settings)) {
            SettingKey key = settingKey("settings", entry.getKey());
            fixed.put(key, value(key, entry.getValue(), "settings." + entry.getKey()));
        }

        Map<SettingKey, List<Object>> grid = new LinkedHashMap<>();
        JsonNode gridNode = optionalMapping(root, "grid");
        for (Map.Entry<String, JsonNode> entry : iterable(gridNode)) {
            String path = "grid." + entry.getKey();
            SettingKey key = settingKey("grid", entry.getKey());
            if (fixed.containsKey(key)) {
                throw error(path, "is also fixed under settings; set it in one place");
            }
            JsonNode list = entry.getValue();
            if (!list.isArray()) {
                throw error(path, "expected a list of values, e.g. [" + entry.getKey() + "1, " + entry.getKey() + "2]");
            }
            if (list.isEmpty()) {
                throw error(path, "the list is empty, so the sweep would have no trials");
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object v = value(key, list.get(i), path + "[" + i + "]");
                if (values.contains(v)) {
                    throw error(path + "[" + i + "]", "repeats the value " + v + " (trials would be duplicated)");
                }
                values.add(v);
            }
            grid.put(key, values);
        }
        if (!fixed.containsKey(SettingKey.IMAGE) && !grid.containsKey(SettingKey.IMAGE)) {
            throw error("settings.image", "is required (the PNG to fit, relative to the sweep file)");
        }
        Sampling sampling = sampling(root, fixed, grid);
        EarlyStopping earlyStopping = earlyStopping(root, fixed, grid, sampling);
        if (earlyStopping != null) {
            fixed.put(SettingKey.EPOCHS, earlyStopping.maxEpochs());
        }

        JsonNode evaluation = optionalMapping(root, "evaluation");
        checkKeys(evaluation, "evaluation.", EVALUATION_KEYS);
        Integer curveInterval = evaluation.has("curve_interval")
                ? positiveInt(evaluation.get("curve_interval"), "evaluation.curve_interval", Integer.MAX_VALUE) : null;
        List<Integer> renderSizes = renderSizes(evaluation.get("render_sizes"));

        long count = grid.values().stream().mapToLong(List::size).reduce(1, Math::multiplyExact)
                * (sampling == null ? 1 : sampling.trials());
        if (count > maxTrials) {
            throw error(sampling == null ? "grid" : "sample.trials", "expands to " + count
                    + " trials, more than the limit of " + maxTrials + " (raise it with --max-trials)");
        }
        Double checkpointMinutes = root.has("checkpoint_minutes")
                ? minutes(root.get("checkpoint_minutes"), "checkpoint_minutes") : null;
        Map<String, LoadedImage> images = loadImages(fixed, grid);
        List<Trial> trials = expand(fixed, grid, sampling, curveInterval, renderSizes, images, earlyStopping);
        for (Trial trial : trials) {
            long bytes = trial.settings().plannedBytes(images.get(trial.image()).channels);
            if (bytes > maxTrialBytes) {
                throw error(grid.isEmpty() ? "settings" : "grid", "trial " + trial.id() + " " + trial.shape()
                        + " needs " + Memory.describe(bytes) + " of training buffers, more than the "
                        + Memory.describe(maxTrialBytes) + " an executor has (" + limitSource
                        + "); use a smaller width or batch_size, or set the limit with --max-trial-memory");
            }
        }
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, Integer> channels = new HashMap<>();
        images.values().forEach(img -> {
            bytes.put(img.absolutePath, img.bytes);
            channels.put(img.absolutePath, img.channels);
        });
        return new Sweep(name, description, file, variedKeys(grid, sampling), trials, bytes, channels, checkpointMinutes,
                earlyStopping, pack(root.get("pack")), maxTrialBytes);
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
            JsonNode root = new SweepFile(file).parseYaml();
            Set<String> logSampled = new java.util.TreeSet<>();
            for (Map.Entry<String, JsonNode> entry : iterable(root.path("sample"))) {
                if (entry.getValue().isTextual() && entry.getValue().textValue().trim().startsWith("loguniform(")) {
                    logSampled.add(entry.getKey());
                }
            }
            return new Outline(root.path("description").asText(""), logSampled);
        } catch (SweepFileException | RuntimeException e) {
            return null;
        }
    }

    private JsonNode parseYaml() throws SweepFileException {
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
            long line = text.substring(0, tab.start()).chars().filter(c -> c == '\n').count() + 1;
            throw new SweepFileException(where + ":" + line + ": a tab indents this line; YAML indents with spaces");
        }
        JsonNode root;
        try {
            YAMLMapper yaml = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String position = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            String problem = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
            throw new SweepFileException(where + position + ": malformed YAML: " + problem);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SweepFileException(where + ": the file is empty (expected a mapping with name, settings and grid)");
        }
        if (!root.isObject()) {
            throw new SweepFileException(where + ": the top level must be a mapping of name, settings, grid, ..., not "
                    + (root.isArray() ? "a list" : "a single value"));
        }
        return root;
    }

    private void checkKeys(JsonNode mapping, String prefix, Set<String> known) throws SweepFileException {
        for (Map.Entry<String, JsonNode> entry : iterable(mapping)) {
            if (!known.contains(entry.getKey())) {
                throw error(prefix + entry.getKey(), "unknown key" + suggestion(entry.getKey(), known));
            }
        }
    }

    private SettingKey settingKey(String section, String key) throws SweepFileException {
        var found = SettingKey.byKey(key);
        if (found.isPresent()) {
            return found.get();
        }
        if (TOP_KEYS.contains(key) || EVALUATION_KEYS.contains(key)) {
            throw error(section + "." + key, "is not a training setting; it belongs "
                    + (TOP_KEYS.contains(key) ? "at the top level" : "under evaluation"));
        }
        Set<String> keys = Arrays.stream(SettingKey.values()).map(SettingKey::key).collect(Collectors.toSet());
        throw error(section + "." + key, "unknown setting" + suggestion(key, keys));
    }

    private Object value(SettingKey key, JsonNode node, String path) throws SweepFileException {
        try {
            return key.parse(node);
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private String requiredText(JsonNode root, String key) throws SweepFileException {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw error(key, "is required");
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw error(key, "expected a non-empty string, got " + node);
        }
        return node.textValue();
    }

    private JsonNode optionalMapping(JsonNode root, String key) throws SweepFileException {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw error(key, "expected a mapping of key: value lines, got " + (node.isArray() ? "a list" : node.toString()));
        }
        return node;
    }

    private int positiveInt(JsonNode node, String path, int max) throws SweepFileException {
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
            throw error(path, "expected an integer, got " + node);
        }
        int value = node.intValue();
        if (value < 1 || value > max) {
            throw error(path, "must be between 1 and " + max + ", got " + value);
        }
        return value;
    }

    /** The {@code pack:} value: auto (the default), off (1) or a number of trials. */
    private int pack(JsonNode node) throws SweepFileException {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().equals("auto"))) {
            return TrialPacks.AUTO;
        }
        if ((node.isTextual() && node.textValue().equals("off")) || (node.isBoolean() && !node.booleanValue())) {
            return 1; // YAML 1.1 reads a bare off as false
        }
        if (node.isTextual()) {
            throw error("pack", "expected auto, off or a number of trials per task, got '" + node.textValue() + "'");
        }
        return positiveInt(node, "pack", MAX_PACK);
    }

    /** A duration in minutes: a number from 0 (none) up to a week. */
    private double minutes(JsonNode node, String path) throws SweepFileException {
        if (!node.isNumber()) {
            throw error(path, "expected minutes, a number from 0 (no checkpoints) to 10080, got " + node);
        }
        try {
            CheckpointFile.interval(node.doubleValue());
        } catch (IllegalArgumentException e) {
            throw error(path, "expected minutes, a number from 0 (no checkpoints) to 10080: " + e.getMessage());
        }
        return node.doubleValue();
    }

    private List<Integer> renderSizes(JsonNode node) throws SweepFileException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String path = "evaluation.render_sizes";
        if (!node.isArray()) {
            return List.of(positiveInt(node, path, TrialSettings.MAX_RENDER_SIZE));
        }
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            int size = positiveInt(node.get(i), path + "[" + i + "]", TrialSettings.MAX_RENDER_SIZE);
            if (sizes.contains(size)) {
                throw error(path + "[" + i + "]", "repeats the size " + size);
            }
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }

    private record LoadedImage(String absolutePath, byte[] bytes, String sha256, int height, int width, int channels) {
    }

    /** Reads and decodes every image once, and checks it is large enough for every resolution it is used at. */
    private Map<String, LoadedImage> loadImages(Map<SettingKey, Object> fixed, Map<SettingKey, List<Object>> grid)
            throws SweepFileException {
        String imagePath = fixed.containsKey(SettingKey.IMAGE) ? "settings.image" : "grid.image";
        List<Object> names = fixed.containsKey(SettingKey.IMAGE) ? List.of(fixed.get(SettingKey.IMAGE)) : grid.get(SettingKey.IMAGE);
        List<Object> resolutions = grid.getOrDefault(SettingKey.RESOLUTION,
                List.of(fixed.getOrDefault(SettingKey.RESOLUTION, SettingKey.RESOLUTION.defaultValue())));
        int largest = resolutions.stream().mapToInt(r -> (Integer) r).max().orElseThrow();
        Path base = file.toAbsolutePath().getParent();
        Map<String, LoadedImage> images = new LinkedHashMap<>();
        Map<String, String> bySha = new HashMap<>();
        for (Object name : names) {
            Path path = base.resolve((String) name).normalize();
            PixelImage decoded;
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
                decoded = PngCodec.decode(bytes, path.toString());
            } catch (NoSuchFileException e) {
                throw error(imagePath, "image not found: " + path);
            } catch (ImageFormatException e) {
                throw error(imagePath, e.getMessage());
            } catch (IOException e) {
                throw error(imagePath, "cannot read image " + path + ": " + e.getMessage());
            }
            if (largest > Math.min(decoded.height(), decoded.width())) {
                throw error(imagePath, "image " + name + " is " + decoded.width() + "x" + decoded.height()
                        + ", smaller than the training resolution " + largest + " (upsampling is refused)");
            }
            String sha = Trial.sha256(bytes);
            String twin = bySha.putIfAbsent(sha, (String) name);
            if (twin != null) {
                throw error(imagePath, "images " + twin + " and " + name + " have the same content (trials would be duplicated)");
            }
            images.put((String) name, new LoadedImage(path.toString(), bytes, sha, decoded.height(), decoded.width(),
                    decoded.channels()));
        }
        return images;
    }

    /** The {@code sample:} block, or null; its settings must be set nowhere else. */
    private Sampling sampling(JsonNode root, Map<SettingKey, Object> fixed, Map<SettingKey, List<Object>> grid)
            throws SweepFileException {
        if (!root.has("sample") || root.get("sample").isNull()) {
            return null;
        }
        JsonNode block = optionalMapping(root, "sample");
        Map<String, SettingKey> sampled = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : iterable(block)) {
            if (Sampling.OWN_KEYS.contains(entry.getKey())) {
                continue;
            }
            if (entry.getKey().contains(")")) {
                throw error("sample", "'" + entry.getKey() + "' is the end of a distribution that YAML split at its "
                        + "comma: inside {...} quote it, e.g. {lr: 'loguniform(1e-5, 1e-2)'}, or write one per line");
            }
            SettingKey key = settingKey("sample", entry.getKey());
            if (fixed.containsKey(key) || grid.containsKey(key)) {
                throw error("sample." + entry.getKey(), "is also set under " + (fixed.containsKey(key) ? "settings"
                        : "grid") + "; set it in one place");
            }
            if (key == SettingKey.IMAGE || key == SettingKey.INJECT_FAULT) {
                throw error("sample." + entry.getKey(), "cannot be sampled; list its values under grid");
            }
            sampled.put(entry.getKey(), key);
        }
        try {
            return Sampling.parse(block, sampled);
        } catch (Sampling.Problem e) {
            throw error(e.path, e.getMessage());
        }
    }

    /** The settings the sweep varies: the grid's keys in the file's order, then the sampled ones. */
    private static List<String> variedKeys(Map<SettingKey, List<Object>> grid, Sampling sampling) {
        List<String> varied = new ArrayList<>(grid.keySet().stream().map(SettingKey::key).toList());
        if (sampling != null) {
            sampling.keys().forEach(k -> varied.add(k.key()));
        }
        return varied;
    }

    /**
     * The {@code early_stopping:} block, or null. It sets the trials' epochs ({@code max_epochs}), so epochs may not
     * vary, and compares within groups of settings that do.
     */
    private EarlyStopping earlyStopping(JsonNode root, Map<SettingKey, Object> fixed,
                                        Map<SettingKey, List<Object>> grid, Sampling sampling)
            throws SweepFileException {
        if (!root.has("early_stopping") || root.get("early_stopping").isNull()) {
            return null;
        }
        JsonNode block = optionalMapping(root, "early_stopping");
        checkKeys(block, "early_stopping.", EARLY_STOPPING_KEYS);
        for (String required : List.of("grace_epochs", "max_epochs")) {
            if (!block.has(required)) {
                throw error("early_stopping." + required, "is required");
            }
        }
        int maxEpochs = positiveInt(block.get("max_epochs"), "early_stopping.max_epochs", Integer.MAX_VALUE);
        int grace = positiveInt(block.get("grace_epochs"), "early_stopping.grace_epochs", Integer.MAX_VALUE);
        int factor = block.has("reduction_factor")
                ? positiveInt(block.get("reduction_factor"), "early_stopping.reduction_factor", 1000)
                : EarlyStopping.DEFAULT_REDUCTION_FACTOR;
        JsonNode metricNode = block.get("metric");
        if (metricNode != null && !metricNode.isTextual()) {
            throw error("early_stopping.metric", "expected a measure name, got " + metricNode);
        }
        String metric = metricNode == null ? EarlyStopping.DEFAULT_METRIC : metricNode.textValue();
        List<String> by = new ArrayList<>();
        JsonNode byNode = block.get("by");
        List<String> varied = variedKeys(grid, sampling);
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
                throw error(path, "expected a setting name, got " + key);
            }
            if (!varied.contains(key.textValue())) {
                throw error(path, "'" + key.textValue() + "' is not a setting the grid or sample varies"
                        + (varied.isEmpty() ? "" : " (" + varied.stream().sorted().collect(Collectors.joining(", "))
                        + ")"));
            }
            if (by.contains(key.textValue())) {
                throw error(path, "repeats '" + key.textValue() + "'");
            }
            by.add(key.textValue());
        }
        if (grid.containsKey(SettingKey.EPOCHS) || (sampling != null && sampling.keys().contains(SettingKey.EPOCHS))) {
            throw error((grid.containsKey(SettingKey.EPOCHS) ? "grid" : "sample") + ".epochs", "cannot vary with "
                    + "early_stopping: every trial trains up to early_stopping.max_epochs");
        }
        if (fixed.containsKey(SettingKey.EPOCHS) && !fixed.get(SettingKey.EPOCHS).equals(maxEpochs)) {
            throw error("settings.epochs", "is " + fixed.get(SettingKey.EPOCHS) + " but early_stopping.max_epochs is "
                    + maxEpochs + "; max_epochs sets the trials' epochs, so remove one of them");
        }
        try {
            return new EarlyStopping(metric, grace, factor, maxEpochs, by);
        } catch (IllegalArgumentException e) {
            throw error("early_stopping", e.getMessage());
        }
    }

    private List<Trial> expand(Map<SettingKey, Object> fixed, Map<SettingKey, List<Object>> grid, Sampling sampling,
                               Integer curveInterval, List<Integer> renderSizes, Map<String, LoadedImage> images,
                               EarlyStopping earlyStopping)
            throws SweepFileException {
        List<Map<SettingKey, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<SettingKey, List<Object>> axis : grid.entrySet()) {
            List<Map<SettingKey, Object>> next = new ArrayList<>();
            for (Map<SettingKey, Object> point : points) {
                for (Object value : axis.getValue()) {
                    Map<SettingKey, Object> extended = new LinkedHashMap<>(point);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        Set<Map<SettingKey, Object>> drawn = new HashSet<>();
        if (sampling != null) {
            List<Map<SettingKey, Object>> next = new ArrayList<>();
            for (Map<SettingKey, Object> point : points) {
                for (int i = 0; i < sampling.trials(); i++) {
                    Map<SettingKey, Object> extended = new LinkedHashMap<>(point);
                    extended.putAll(sampling.draw(i));
                    next.add(extended);
                    drawn.add(extended);
                }
            }
            points = next;
        }
        List<Trial> trials = new ArrayList<>();
        Map<String, Map<SettingKey, Object>> seen = new HashMap<>();
        Set<String> canonicalised = new HashSet<>();
        for (Map<SettingKey, Object> point : points) {
            Map<SettingKey, Object> all = new LinkedHashMap<>();
            for (SettingKey key : SettingKey.values()) {
                Object value = point.containsKey(key) ? point.get(key) : fixed.getOrDefault(key, key.defaultValue());
                if (value != null) {
                    all.put(key, value);
                }
            }
            // One batch per epoch is the same shuffled or not: such a point is the unshuffled trial.
            int resolution = (Integer) all.get(SettingKey.RESOLUTION);
            int batchSize = (Integer) all.get(SettingKey.BATCH_SIZE);
            boolean singleBatch = batchSize == 0 || (long) batchSize >= (long) resolution * resolution;
            boolean wasShuffled = Boolean.TRUE.equals(all.get(SettingKey.SHUFFLE));
            if (singleBatch && wasShuffled) {
                all.put(SettingKey.SHUFFLE, false);
            }
            LoadedImage image = images.get((String) all.get(SettingKey.IMAGE));
            int epochs = (Integer) all.get(SettingKey.EPOCHS);
            int interval = curveInterval != null ? curveInterval : TrialSettings.defaultCurveInterval(epochs);
            TrialSettings settings;
            try {
                settings = new TrialSettings(image.absolutePath, (Integer) all.get(SettingKey.RESOLUTION),
                        Supervision.parse((String) all.get(SettingKey.SUPERVISION)), epochs,
                        (Integer) all.get(SettingKey.BATCH_SIZE), (Boolean) all.get(SettingKey.SHUFFLE),
                        (Double) all.get(SettingKey.LR), (Integer) all.get(SettingKey.DEPTH),
                        (Integer) all.get(SettingKey.WIDTH), (Double) all.get(SettingKey.OMEGA0),
                        (Long) all.get(SettingKey.SEED), interval, renderSizes,
                        (String) all.get(SettingKey.INJECT_FAULT), (Integer) all.get(SettingKey.OMEGA0_RESOLUTION),
                        (Integer) all.get(SettingKey.TARGET_RESOLUTION),
                        earlyStopping == null ? List.of() : earlyStopping.rungs());
            } catch (IllegalArgumentException e) {
                throw error(point.isEmpty() ? "settings" : "grid", "trial " + describe(point) + ": " + e.getMessage());
            }
            Map<String, Object> values = new LinkedHashMap<>();
            all.forEach((key, value) -> values.put(key.key(), value));
            values.put("curve_interval", interval);
            values.put("render_sizes", renderSizes);
            if (earlyStopping != null) {
                // Which trials stop depends on the whole schedule: another schedule makes other trials.
                values.put("early_stopping", earlyStopping.describe());
            }
            Map<String, Object> identity = new LinkedHashMap<>(values);
            identity.remove(SettingKey.IMAGE.key());
            identity.put("image_sha256", image.sha256);
            String id = Trial.idOf(identity);
            if (singleBatch && wasShuffled) {
                canonicalised.add(id);
            }
            Map<SettingKey, Object> twin = seen.putIfAbsent(id, point);
            if (twin != null) {
                if (canonicalised.contains(id) || drawn.contains(point)) {
                    continue; // the shuffled twin of a full-batch trial, or a draw that repeats one: run once
                }
                throw error("grid", "trials " + describe(twin) + " and " + describe(point) + " are the same trial");
            }
            trials.add(new Trial(id, settings, (String) all.get(SettingKey.IMAGE), image.sha256, values));
        }
        return trials;
    }

    private static String describe(Map<SettingKey, Object> point) {
        return point.entrySet().stream().map(e -> e.getKey().key() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private SweepFileException error(String key, String problem) {
        return new SweepFileException(where + ": " + key + ": " + problem);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode mapping) {
        return mapping::fields;
    }

    /** ", did you mean 'x'?" for the known key nearest to {@code key} by edit distance, if it is near enough. */
    static String suggestion(String key, Set<String> known) {
        return known.stream().min(Comparator.comparingInt((String k) -> editDistance(key, k)).thenComparing(k -> k))
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
