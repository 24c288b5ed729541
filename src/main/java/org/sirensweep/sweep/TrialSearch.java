package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.sirensweep.train.Batches;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialSettings;

/**
 * A sweep's search space made into trials (Ray Tune's searcher): grid search, optionally combined with random
 * sampling ({@link Sampling}), every point completed with the fixed settings and the defaults and given its id.
 */
final class TrialSearch {
    private TrialSearch() {}

    /** The settings the sweep varies: the grid's keys in the file's order, then the sampled ones. */
    static List<String> variedKeys(Map<Setting, List<Object>> grid, Sampling sampling) {
        List<String> varied =
                new ArrayList<>(grid.keySet().stream().map(Setting::key).toList());
        if (sampling != null) {
            sampling.keys().forEach(k -> varied.add(k.key()));
        }
        return varied;
    }

    /**
     * The trials of the grid (the cartesian product of its lists, last key fastest), each grid point combined with
     * every draw of {@code sampling} (if any), over the {@code fixed} settings and the defaults. A point is one
     * trial: its id hashes its settings, with the image by the SHA-256 of its bytes; a full batch shuffled is the
     * same trial as unshuffled, and a draw that repeats another is kept once.
     */
    static List<Trial> expand(
            SweepYaml yaml,
            Map<Setting, Object> fixed,
            Map<Setting, List<Object>> grid,
            Sampling sampling,
            Integer curveInterval,
            List<Integer> renderSizes,
            Map<String, SweepImages.LoadedImage> images,
            EarlyStopping earlyStopping)
            throws SweepFileException {
        Set<Map<Setting, Object>> drawn = new HashSet<>();
        List<Map<Setting, Object>> points = points(grid, sampling, drawn);
        List<Trial> trials = new ArrayList<>();
        Map<String, Map<Setting, Object>> seen = new HashMap<>();
        Set<String> canonicalised = new HashSet<>();
        for (Map<Setting, Object> point : points) {
            Map<Setting, Object> all = new LinkedHashMap<>();
            for (Setting key : Setting.values()) {
                Object value = point.containsKey(key) ? point.get(key) : fixed.getOrDefault(key, key.defaultValue());
                if (value != null) {
                    all.put(key, value);
                }
            }
            // One batch per epoch is the same shuffled or not: such a point is the unshuffled trial.
            int resolution = (Integer) all.get(Setting.RESOLUTION);
            int batchSize = (Integer) all.get(Setting.BATCH_SIZE);
            boolean singleBatch = Batches.count((long) resolution * resolution, batchSize) == 1;
            boolean wasShuffled = Boolean.TRUE.equals(all.get(Setting.SHUFFLE));
            if (singleBatch && wasShuffled) {
                all.put(Setting.SHUFFLE, false);
            }
            SweepImages.LoadedImage image = images.get((String) all.get(Setting.IMAGE));
            int epochs = (Integer) all.get(Setting.EPOCHS);
            int interval = curveInterval != null ? curveInterval : TrialSettings.defaultCurveInterval(epochs);
            TrialSettings settings;
            try {
                Map<Setting, Object> trial = new EnumMap<>(all);
                trial.put(Setting.IMAGE, image.absolutePath());
                settings = new TrialSettings(
                        trial, interval, renderSizes, earlyStopping == null ? List.of() : earlyStopping.rungs());
            } catch (IllegalArgumentException e) {
                throw yaml.error(
                        point.isEmpty() ? "settings" : "grid", "trial " + describe(point) + ": " + e.getMessage());
            }
            Map<String, Object> values = new LinkedHashMap<>();
            all.forEach((key, value) -> values.put(key.key(), value));
            values.put("curve_interval", interval);
            values.put("render_sizes", renderSizes);
            if (earlyStopping != null) {
                // Which trials stop depends on the whole schedule: another schedule makes other trials.
                values.put("early_stopping", earlyStopping.describe());
            }
            String id = idOf(all, values, image.sha256());
            if (singleBatch && wasShuffled) {
                canonicalised.add(id);
            }
            Map<Setting, Object> twin = seen.putIfAbsent(id, point);
            if (twin != null) {
                if (canonicalised.contains(id) || drawn.contains(point)) {
                    continue; // the shuffled twin of a full-batch trial, or a draw that repeats one: run once
                }
                throw yaml.error(
                        "grid", "trials " + describe(twin) + " and " + describe(point) + " are the same trial");
            }
            trials.add(new Trial(id, settings, (String) all.get(Setting.IMAGE), image.sha256(), values));
        }
        return trials;
    }

    /**
     * The grid's points (its cartesian product, last key fastest), each combined with every draw of {@code sampling}
     * if any; the combined points go into {@code drawn} too.
     */
    private static List<Map<Setting, Object>> points(
            Map<Setting, List<Object>> grid, Sampling sampling, Set<Map<Setting, Object>> drawn) {
        List<Map<Setting, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<Setting, List<Object>> axis : grid.entrySet()) {
            List<Map<Setting, Object>> next = new ArrayList<>();
            for (Map<Setting, Object> point : points) {
                for (Object value : axis.getValue()) {
                    Map<Setting, Object> extended = new LinkedHashMap<>(point);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        if (sampling != null) {
            List<Map<Setting, Object>> next = new ArrayList<>();
            for (Map<Setting, Object> point : points) {
                for (int i = 0; i < sampling.trials(); i++) {
                    Map<Setting, Object> extended = new LinkedHashMap<>(point);
                    extended.putAll(sampling.draw(i));
                    next.add(extended);
                    drawn.add(extended);
                }
            }
            points = next;
        }
        return points;
    }

    /**
     * A trial's id from its {@code values} (settings and evaluation) with the image by the SHA-256 of its bytes; a
     * setting declared later than the first fourteen counts only off its default, so ids stay as they were before it.
     */
    private static String idOf(Map<Setting, Object> settings, Map<String, Object> values, String imageSha256) {
        Map<String, Object> identity = new LinkedHashMap<>(values);
        settings.forEach((key, value) -> {
            if (!key.identifies(value)) {
                identity.remove(key.key());
            }
        });
        identity.remove(Setting.IMAGE.key());
        identity.put("image_sha256", imageSha256);
        return Trial.idOf(identity);
    }

    private static String describe(Map<Setting, Object> point) {
        return point.entrySet().stream()
                .map(e -> e.getKey().key() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
