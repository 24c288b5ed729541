package org.sirensweep.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.sirensweep.image.Supervision;
import org.sirensweep.trial.TrialSettings;

/**
 * A sweep's search space made into trials (Ray Tune's searcher): grid search, optionally combined with random
 * sampling ({@link Sampling}), every point completed with the fixed settings and the defaults and given its id.
 */
final class TrialSearch {
    private TrialSearch() {
    }

    /** The settings the sweep varies: the grid's keys in the file's order, then the sampled ones. */
    static List<String> variedKeys(Map<SettingKey, List<Object>> grid, Sampling sampling) {
        List<String> varied = new ArrayList<>(grid.keySet().stream().map(SettingKey::key).toList());
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
    static List<Trial> expand(SweepYaml yaml, Map<SettingKey, Object> fixed, Map<SettingKey, List<Object>> grid,
                              Sampling sampling, Integer curveInterval, List<Integer> renderSizes,
                              Map<String, SweepImages.LoadedImage> images, EarlyStopping earlyStopping)
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
            SweepImages.LoadedImage image = images.get((String) all.get(SettingKey.IMAGE));
            int epochs = (Integer) all.get(SettingKey.EPOCHS);
            int interval = curveInterval != null ? curveInterval : TrialSettings.defaultCurveInterval(epochs);
            TrialSettings settings;
            try {
                settings = new TrialSettings(image.absolutePath(), (Integer) all.get(SettingKey.RESOLUTION),
                        Supervision.parse((String) all.get(SettingKey.SUPERVISION)), epochs,
                        (Integer) all.get(SettingKey.BATCH_SIZE), (Boolean) all.get(SettingKey.SHUFFLE),
                        (Double) all.get(SettingKey.LR), (Integer) all.get(SettingKey.DEPTH),
                        (Integer) all.get(SettingKey.WIDTH), (Double) all.get(SettingKey.OMEGA0),
                        (Long) all.get(SettingKey.SEED), interval, renderSizes,
                        (String) all.get(SettingKey.INJECT_FAULT), (Integer) all.get(SettingKey.OMEGA0_RESOLUTION),
                        (Integer) all.get(SettingKey.TARGET_RESOLUTION),
                        earlyStopping == null ? List.of() : earlyStopping.rungs());
            } catch (IllegalArgumentException e) {
                throw yaml.error(point.isEmpty() ? "settings" : "grid", "trial " + describe(point) + ": " + e.getMessage());
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
            identity.put("image_sha256", image.sha256());
            String id = Trial.idOf(identity);
            if (singleBatch && wasShuffled) {
                canonicalised.add(id);
            }
            Map<SettingKey, Object> twin = seen.putIfAbsent(id, point);
            if (twin != null) {
                if (canonicalised.contains(id) || drawn.contains(point)) {
                    continue; // the shuffled twin of a full-batch trial, or a draw that repeats one: run once
                }
                throw yaml.error("grid", "trials " + describe(twin) + " and " + describe(point) + " are the same trial");
            }
            trials.add(new Trial(id, settings, (String) all.get(SettingKey.IMAGE), image.sha256(), values));
        }
        return trials;
    }

    private static String describe(Map<SettingKey, Object> point) {
        return point.entrySet().stream().map(e -> e.getKey().key() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
