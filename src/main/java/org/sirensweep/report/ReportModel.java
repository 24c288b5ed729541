package org.sirensweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.sirensweep.files.Location;
import org.sirensweep.image.Supervision;
import org.sirensweep.store.ResultTable;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.SweepProgress;
import org.sirensweep.train.Measures;
import org.sirensweep.train.ParetoFront;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.UpscaleScore;

/**
 * What a report page shows, as the JSON its script draws from: the sweep (name, description, the command that
 * reproduces it, machines and versions, counts and times), the settings it varied (with their scales), and per
 * trial its varied settings, status, measures, curve, upscale scores and references to its pictures, which {@link
 * PictureStore} holds once each.
 */
final class ReportModel {
    /** The measures the page ranks and plots by, the first the default: PSNR of what the supervision determines. */
    static final List<String> MEASURES = List.of(
            "psnr_determined",
            "psnr",
            "psnr_affine",
            "psnr_harmonic",
            "gradient_error",
            "laplacian_error",
            "final_loss",
            "train_s",
            "ms_per_step");
    /** The curve's columns besides its epoch. */
    static final List<String> CURVE_MEASURES = List.of(
            "psnr_determined",
            "psnr",
            "psnr_affine",
            "psnr_harmonic",
            "gradient_error",
            "laplacian_error",
            "loss",
            "seconds");
    /** Trials per supervision whose pictures a {@link ImageSelection#BEST} report carries at full size. */
    static final int BEST_PER_SUPERVISION = 3;

    private static final Set<String> ROW_DETAILS = Set.of(
            "steps",
            "diverged_at_step",
            "resumed_from_step",
            "setup_s",
            "render_s",
            "host",
            "executor_id",
            "device",
            "gpu",
            "attempt");
    private static final java.math.MathContext PLOT_PRECISION = new java.math.MathContext(4);
    /** Varied settings with at most this many values get category axes. */
    private static final int FEW_VALUES = 8;

    private static final List<String> VERSIONS =
            List.of("siren_sweep_version", "nd4j_version", "spark_version", "java_version");

    /**
     * Where the page's data comes from besides the rows; {@code outline} is the sweep file's, null when it is gone.
     */
    record Context(String sweep, Location dataset, String sweepFile, SweepFile.Outline outline, ImageSelection images) {
        Context(String sweep, Location dataset, String sweepFile, ImageSelection images) {
            this(sweep, dataset, sweepFile, sweepFile.isEmpty() ? null : SweepFile.outline(Path.of(sweepFile)), images);
        }
    }

    /** A run in progress: where its job stands, the settings of the trials it runs, and how often the page reloads. */
    record Live(SweepProgress progress, Map<String, Map<String, Object>> runningSettings, int refreshSeconds) {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ReportModel() {}

    /** The page's data for {@code trials}; {@code live} is null once the sweep's run is over. */
    static ObjectNode of(List<ReportedTrial> trials, Context context, Live live, PictureStore store) {
        ObjectNode page = JSON.objectNode();
        page.put("sweep", context.sweep());
        SweepFile.Outline outline = context.outline();
        page.put("description", outline == null ? "" : outline.description());
        page.put("dataset", context.dataset().toString());
        page.put("sweep_file", context.sweepFile());
        page.put(
                "command",
                "./siren-sweep run " + (context.sweepFile().isEmpty() ? "SWEEP_FILE" : context.sweepFile())
                        + " --output " + context.dataset());
        page.put("generated_at", Instant.now().toString());
        page.put("images", context.images().id());
        page.put("thumbnail", PictureStore.THUMBNAIL);
        ArrayNode supervisions = page.putArray("supervisions"); // the order figures list them in
        java.util.Arrays.stream(Supervision.values()).forEach(s -> supervisions.add(s.id()));

        List<String> varied = new ArrayList<>();
        ObjectNode fixed = page.putObject("fixed");
        ArrayNode settings = page.putArray("varied");
        for (String setting : ResultTable.SETTINGS) {
            Set<Object> values = trials.stream()
                    .map(t -> t.columns().get(setting))
                    .collect(Collectors.toCollection(
                            () -> new TreeSet<>(Comparator.comparing(v -> v == null ? "" : v, ReportModel::compare))));
            if (values.size() > 1) {
                varied.add(setting);
                ObjectNode axis = settings.addObject().put("name", setting);
                // Few values read best as evenly spaced categories (as a grid lists them); many (drawn at random)
                // as numbers on a linear or log scale.
                boolean numeric = values.stream().allMatch(v -> v instanceof Number) && values.size() > FEW_VALUES;
                axis.put("numeric", numeric);
                axis.put("log", numeric && logScale(setting, values, outline));
                values.forEach(v -> axis.withArray("values").add(node(v)));
            } else if (values.size() == 1 && values.iterator().next() != null) {
                fixed.set(setting, node(values.iterator().next()));
            }
        }
        ArrayNode measures = page.putArray("measures");
        MEASURES.forEach(m -> measures.addObject().put("name", m).put("lower", Measures.lowerIsBetter(m)));
        ArrayNode curveMeasures = page.putArray("curve_measures");
        CURVE_MEASURES.forEach(m -> curveMeasures.addObject().put("name", m).put("lower", Measures.lowerIsBetter(m)));

        Set<String> best = best(trials);
        boolean sizesVary = varied.contains("width") || varied.contains("depth");
        Set<String> timeFront = front(trials, "train_s", t -> t.number("train_s"));
        Set<String> sizeFront = sizesVary ? front(trials, ResultTable.PARAMETERS, ReportModel::parameters) : Set.of();
        page.put("size_front", sizesVary);
        Set<String> used = new HashSet<>();
        ArrayNode rows = page.putArray("trials");
        for (ReportedTrial trial : trials) {
            ObjectNode node = trialNode(trial, varied, context.images(), best.contains(trial.id()), store, used);
            List<String> fronts = new ArrayList<>();
            if (timeFront.contains(trial.id())) {
                fronts.add("time");
            }
            if (sizeFront.contains(trial.id())) {
                fronts.add("size");
            }
            rows.add(node.put("front", String.join(", ", fronts)));
        }
        if (live != null) {
            for (String id : live.progress().running()) {
                if (trials.stream().noneMatch(t -> t.id().equals(id))) {
                    ObjectNode running = rows.addObject().put("id", id).put("status", "running");
                    ObjectNode values = running.putObject("s");
                    Map<String, Object> known = live.runningSettings().getOrDefault(id, Map.of());
                    varied.forEach(s -> values.set(s, node(known.get(s))));
                }
            }
        }
        summary(page, trials);
        page.set("live", live == null ? null : liveNode(live));
        ObjectNode pictures = page.putObject("pictures");
        store.pictures(used).forEach(pictures::put);
        return page;
    }

    /**
     * The ok trials of each supervision that no other of it beats on both PSNR (of what the supervision determines)
     * and {@code cost} ({@code train_s}: training seconds; {@code parameters}: the network's size), lower cost better.
     */
    private static Set<String> front(List<ReportedTrial> trials, String cost, ToDoubleFunction<ReportedTrial> value) {
        List<ParetoFront.Measure<ReportedTrial>> measures = List.of(
                ParetoFront.Measure.of(MEASURES.get(0), t -> t.number(MEASURES.get(0))),
                ParetoFront.Measure.of(cost, value));
        Set<String> front = new HashSet<>();
        trials.stream()
                .filter(t -> TrialStatus.OK.id().equals(t.status()))
                .collect(Collectors.groupingBy(t -> String.valueOf(t.columns().get("supervision"))))
                .values()
                .forEach(group -> ParetoFront.of(group, measures).forEach(t -> front.add(t.id())));
        return front;
    }

    private static double parameters(ReportedTrial trial) {
        Long count = ResultTable.parameters(trial.columns());
        return count == null ? Double.NaN : count;
    }

    /** The ok trials whose pictures a BEST report carries at full size: the best few per supervision. */
    private static Set<String> best(List<ReportedTrial> trials) {
        Map<Object, List<ReportedTrial>> bySupervision = trials.stream()
                .filter(t -> TrialStatus.OK.id().equals(t.status()) && Double.isFinite(t.number(MEASURES.get(0))))
                .collect(Collectors.groupingBy(t -> String.valueOf(t.columns().get("supervision"))));
        Set<String> best = new HashSet<>();
        bySupervision
                .values()
                .forEach(group -> group.stream()
                        .sorted(Comparator.comparingDouble((ReportedTrial t) -> -t.number(MEASURES.get(0)))
                                .thenComparing(ReportedTrial::id))
                        .limit(BEST_PER_SUPERVISION)
                        .forEach(t -> best.add(t.id())));
        return best;
    }

    private static ObjectNode trialNode(
            ReportedTrial trial,
            List<String> varied,
            ImageSelection images,
            boolean best,
            PictureStore store,
            Set<String> used) {
        ObjectNode node = JSON.objectNode();
        node.put("id", trial.id());
        node.put("status", trial.status());
        if (trial.columns().get("error") != null) {
            node.put("error", (String) trial.columns().get("error"));
        }
        node.put("epoch", trial.lastEpoch());
        node.put("best", best);
        ObjectNode settings = node.putObject("s");
        varied.forEach(s -> settings.set(s, node(trial.columns().get(s))));
        ObjectNode measures = node.putObject("m");
        MEASURES.forEach(m -> measures.set(m, number(trial.number(m))));
        ObjectNode details = node.putObject("d");
        trial.columns().forEach((k, v) -> {
            if (ROW_DETAILS.contains(k) && v != null) {
                details.set(k, node(v));
            }
        });
        if (!trial.curve().isEmpty()) {
            ObjectNode curve = node.putObject("curve");
            ArrayNode epochs = curve.putArray("epoch");
            trial.curve().forEach(p -> epochs.add(((Number) p.get("epoch")).intValue()));
            for (String m : CURVE_MEASURES) {
                ArrayNode values = curve.putArray(m);
                // Four significant digits are plenty for a plot, and keep a large sweep's page small.
                trial.curve().forEach(p -> values.add(curveNumber(((Number) p.get(m)).doubleValue())));
            }
        }
        Supervision supervision =
                Supervision.parse(String.valueOf(trial.columns().get("supervision")));
        String fitKind = TrialImage.determinedKind(supervision);
        String fitMethod = UpscaleScore.determinedMethod(supervision);
        node.put("fit_kind", fitKind);
        node.put("fit_method", fitMethod);
        ArrayNode upscale = node.putArray("upscale");
        trial.upscale()
                .forEach(u -> upscale.addObject()
                        .put("size", (Integer) u.get("size"))
                        .put("method", (String) u.get("method"))
                        .set("psnr", number((Double) u.get("psnr"))));
        for (int i = 0; i < trial.upscale().size(); i++) {
            ((ObjectNode) upscale.get(i))
                    .set("ssim", number((Double) trial.upscale().get(i).get("ssim")));
        }
        if (images == ImageSelection.NONE || trial.pictures().isEmpty()) {
            return node;
        }
        boolean full = images == ImageSelection.ALL || best;
        int resolution = ((Number) trial.columns().get("resolution")).intValue();
        ObjectNode thumbnails = node.putObject("pic");
        ObjectNode fullSize = node.putObject("full");
        ArrayNode renders = node.putArray("up");
        for (ReportedTrial.Picture picture : trial.pictures()) {
            if (picture.size() == resolution) {
                String thumbnail = store.thumbnail(picture);
                thumbnails.put(picture.kind(), thumbnail);
                used.add(thumbnail);
                if (full && picture.size() > PictureStore.THUMBNAIL) {
                    String ref = store.add(picture.png());
                    fullSize.put(picture.kind(), ref);
                    used.add(ref);
                }
            } else if (full && (picture.kind().equals(fitKind) || picture.kind().equals("bicubic"))) {
                String ref = store.add(picture.png());
                renders.addObject()
                        .put("size", picture.size())
                        .put("kind", picture.kind())
                        .put("ref", ref);
                used.add(ref);
            }
        }
        return node;
    }

    /** Counts by status, training times, machines and versions, and the rungs trials stopped at. */
    private static void summary(ObjectNode page, List<ReportedTrial> trials) {
        ObjectNode statuses = page.putObject("statuses");
        new TreeMap<>(trials.stream().collect(Collectors.groupingBy(ReportedTrial::status, Collectors.counting())))
                .forEach(statuses::put);
        double[] train = trials.stream()
                .mapToDouble(t -> t.number("train_s"))
                .filter(Double::isFinite)
                .sorted()
                .toArray();
        page.put("train_s_total", java.util.Arrays.stream(train).sum());
        page.set("train_s_median", train.length == 0 ? null : number(train[train.length / 2]));
        long first = trials.stream()
                .mapToLong(t -> ((Number) t.columns().get("started_at")).longValue())
                .min()
                .orElse(0);
        long last = trials.stream()
                .mapToLong(t -> ((Number) t.columns().get("finished_at")).longValue())
                .max()
                .orElse(0);
        page.put("first_started", first == 0 ? "" : Instant.ofEpochMilli(first).toString());
        page.put("last_finished", last == 0 ? "" : Instant.ofEpochMilli(last).toString());
        ObjectNode machines = page.putObject("machines");
        for (String column : List.of("host", "device", "gpu")) {
            ArrayNode values = machines.putArray(column);
            trials.stream()
                    .map(t -> t.columns().get(column))
                    .filter(Objects::nonNull)
                    .map(String::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new))
                    .forEach(values::add);
        }
        ObjectNode versions = page.putObject("versions");
        for (String column : VERSIONS) {
            versions.put(
                    column,
                    trials.stream()
                            .map(t -> t.columns().get(column))
                            .filter(Objects::nonNull)
                            .map(String::valueOf)
                            .collect(Collectors.toCollection(TreeSet::new))
                            .stream()
                            .collect(Collectors.joining(", ")));
        }
        ArrayNode rungs = page.putArray("rungs");
        trials.stream()
                .filter(t -> TrialStatus.STOPPED.id().equals(t.status()))
                .map(ReportedTrial::lastEpoch)
                .collect(Collectors.toCollection(TreeSet::new))
                .forEach(rungs::add);
    }

    private static ObjectNode liveNode(Live live) {
        SweepProgress p = live.progress();
        ObjectNode node = JSON.objectNode();
        node.put("title", p.title())
                .put("trials", p.trials())
                .put("done", p.done())
                .put("ok", p.ok())
                .put("diverged", p.diverged())
                .put("failed", p.failed())
                .put("stopped", p.stopped())
                .put("paused", p.paused())
                .put("elapsed_s", p.elapsed().toSeconds())
                .put("refresh_s", live.refreshSeconds());
        node.set("eta_s", p.eta() == null ? null : JSON.numberNode(p.eta().toSeconds()));
        ArrayNode running = node.putArray("running");
        p.running().forEach(running::add);
        return node;
    }

    /** Log axes for settings drawn log-uniformly, and for positive settings spanning a decade or more. */
    private static boolean logScale(String setting, Set<Object> values, SweepFile.Outline outline) {
        if (outline != null && outline.logSampled().contains(setting)) {
            return true;
        }
        double min = values.stream()
                .mapToDouble(v -> ((Number) v).doubleValue())
                .min()
                .orElse(0);
        double max = values.stream()
                .mapToDouble(v -> ((Number) v).doubleValue())
                .max()
                .orElse(0);
        return min > 0 && max / min >= 10;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable c) {
            return c.compareTo(b);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    /** A column's value (a setting or a run detail: number, string or boolean) as JSON. */
    private static JsonNode node(Object value) {
        if (value instanceof Double d) {
            return number(d);
        }
        if (value instanceof Integer i) {
            return JSON.numberNode(i);
        }
        if (value instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        return value == null ? JSON.nullNode() : JSON.textNode(String.valueOf(value));
    }

    private static JsonNode curveNumber(double value) {
        return Double.isFinite(value)
                ? JSON.numberNode(
                        new java.math.BigDecimal(value).round(PLOT_PRECISION).doubleValue())
                : JSON.nullNode();
    }

    /** A number the page can read: JSON has no NaN or infinity, so those are null (shown as blank). */
    private static JsonNode number(double value) {
        return Double.isFinite(value) ? JSON.numberNode(value) : JSON.nullNode();
    }
}
