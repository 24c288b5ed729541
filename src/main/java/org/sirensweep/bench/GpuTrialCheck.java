package org.sirensweep.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PngCodec;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialEngine;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.trial.TrialSettings;
import org.sirensweep.trial.UpscaleScore;

/**
 * The GPU check's whole trial: the code a Spark task runs for a trial ({@link TrialEngine} on a device: training,
 * measures, renders at the training size and an upscale size, PNGs, upscale scores, weights), less Spark and the
 * store, against the same trial on the CPU engine, recorded where the check's kit is made ({@link #record}). A short
 * Laplacian training (every derivative stream, the harmonic fit), so that chaos has not yet amplified the products'
 * rounding: the curve, measures and scores must agree within {@value #TOLERANCE} relative, each picture within
 * {@value #MAX_LEVELS} levels of 255 with at most {@value #MAX_DIFFERING} of its samples different at all, the
 * weights within {@value #TOLERANCE} of their largest magnitude.
 */
final class GpuTrialCheck {
    static final double TOLERANCE = 1e-3;
    static final int MAX_LEVELS = 2;
    static final double MAX_DIFFERING = 0.01;
    private static final String OUTCOME = "outcome.txt";
    private static final String WEIGHTS = "params.npz";

    private GpuTrialCheck() {}

    /** The trial of {@code cases}: the camera at the small size and width, Laplacian, also rendered larger. */
    static TrialSettings settings(Path image, GpuCheck.Cases cases) {
        return new TrialSettings(
                Map.of(
                        Setting.IMAGE,
                        image.toAbsolutePath().toString(),
                        Setting.RESOLUTION,
                        cases.small(),
                        Setting.SUPERVISION,
                        "laplacian",
                        Setting.EPOCHS,
                        cases.trialEpochs(),
                        Setting.DEPTH,
                        GpuCheck.DEPTH,
                        Setting.WIDTH,
                        cases.smallWidth(),
                        Setting.OMEGA0,
                        GpuCheck.OMEGA0),
                Math.max(1, cases.trialEpochs() / 4),
                List.of(cases.trialRender()),
                List.of());
    }

    /** Trains the trial on the CPU engine and writes what it gave into {@code folder}. */
    static void record(Path image, Path folder, GpuCheck.Cases cases) throws IOException, ImageFormatException {
        TrialOutcome cpu = TrialEngine.prepare(settings(image, cases)).run(1, TrainingProgress.NONE);
        Files.createDirectories(folder);
        Files.writeString(
                folder.resolve(OUTCOME),
                String.join(
                                "\n",
                                values(cpu).entrySet().stream()
                                        .map(e -> e.getKey() + " " + e.getValue())
                                        .toList()) + "\n");
        for (TrialImage picture : cpu.images()) {
            Files.write(folder.resolve(name(picture)), picture.png());
        }
        Files.write(folder.resolve(WEIGHTS), cpu.weightsNpz());
    }

    /** Runs the trial on the GPU and puts it against the recorded CPU trial in {@code folder}: one line. */
    static int compare(Path image, Path folder, GpuCheck.Cases cases, GpuCheck.Opener gpu, PrintStream out)
            throws IOException, ImageFormatException {
        Map<String, String> cpu = new LinkedHashMap<>();
        for (String line : Files.readAllLines(folder.resolve(OUTCOME))) {
            String[] parts = line.split(" ", 2);
            cpu.put(parts[0], parts[1]);
        }
        TrialOutcome outcome;
        try (Device device = gpu.open(false, true)) {
            outcome =
                    TrialEngine.prepare(settings(image, cases)).run(1, TrainingProgress.NONE, Checkpoints.NONE, device);
        }
        Map<String, String> ours = values(outcome);
        boolean statusSame = ours.get("status").equals(cpu.get("status"));
        double values = 0;
        for (Map.Entry<String, String> e : cpu.entrySet()) {
            if (!e.getKey().equals("status")) {
                values = Math.max(
                        values,
                        relative(
                                Double.parseDouble(e.getValue()),
                                Double.parseDouble(ours.getOrDefault(e.getKey(), "NaN"))));
            }
        }
        List<Object> pictures = new ArrayList<>();
        boolean picturesPass = true;
        for (TrialImage picture : outcome.images()) {
            Path recorded = folder.resolve(name(picture));
            if (!Files.exists(recorded)) {
                pictures.add(JsonLine.object().put("picture", name(picture)).put("recorded", false));
                picturesPass = false;
                continue;
            }
            double[] a = PngCodec.decode(Files.readAllBytes(recorded), recorded.toString())
                    .samples();
            double[] b = PngCodec.decode(picture.png(), name(picture)).samples();
            int levels = 0;
            int differing = 0;
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                int d = (int) Math.round(Math.abs(a[i] - b[i]) * 255);
                levels = Math.max(levels, d);
                differing += d > 0 ? 1 : 0;
            }
            double fraction = a.length == b.length ? differing / (double) a.length : 1;
            picturesPass &= a.length == b.length && levels <= MAX_LEVELS && fraction <= MAX_DIFFERING;
            pictures.add(JsonLine.object()
                    .put("picture", name(picture))
                    .put("max_levels", levels)
                    .put("differing", fraction));
        }
        double weights = weightDifference(Files.readAllBytes(folder.resolve(WEIGHTS)), outcome.weightsNpz());
        boolean pass = statusSame
                && values <= TOLERANCE
                && picturesPass
                && weights <= TOLERANCE
                && outcome.images().size() == countPictures(folder);
        out.println(JsonLine.of("trial")
                .put("supervision", "laplacian")
                .put("device", outcome.device())
                .put("status", ours.get("status"))
                .put("cpu_status", cpu.get("status"))
                .put("values_max_difference", values)
                .put("weights_max_difference", weights)
                .put("pictures", pictures)
                .put("pass", pass));
        return pass ? 0 : 1;
    }

    private static long countPictures(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".png"))
                    .count();
        }
    }

    /** A picture's file name: its kind and size. */
    private static String name(TrialImage picture) {
        return picture.kind() + "-" + picture.size() + ".png";
    }

    /** The outcome's comparable values by name: status, final loss, the curve's losses and measures, the scores. */
    private static Map<String, String> values(TrialOutcome outcome) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        values.put("final_loss", number(outcome.finalLoss()));
        for (CurvePoint point : outcome.curve()) {
            values.put("loss@" + point.epoch(), number(point.loss()));
        }
        Measures m = outcome.measures();
        values.put("psnr", number(m.psnr()));
        values.put("psnr_affine", number(m.psnrAffine()));
        values.put("psnr_harmonic", number(m.psnrHarmonic()));
        values.put("gradient_error", number(m.gradientError()));
        values.put("laplacian_error", number(m.laplacianError()));
        for (UpscaleScore score : outcome.upscale()) {
            values.put("psnr@" + score.size() + "/" + score.method(), number(score.psnr()));
            values.put("ssim@" + score.size() + "/" + score.method(), number(score.ssim()));
        }
        return values;
    }

    private static String number(double value) {
        return Double.toString(value);
    }

    private static double relative(double expected, double actual) {
        if (expected == actual) {
            return 0;
        }
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
    }

    /** The largest difference between two archives' float32 weights, over the largest weight's magnitude. */
    static double weightDifference(byte[] a, byte[] b) throws IOException {
        Map<String, float[]> x = floats(a);
        Map<String, float[]> y = floats(b);
        if (!x.keySet().equals(y.keySet())) {
            return Double.POSITIVE_INFINITY;
        }
        double largest = 0;
        double difference = 0;
        for (String name : x.keySet()) {
            float[] u = x.get(name);
            float[] v = y.get(name);
            if (u.length != v.length) {
                return Double.POSITIVE_INFINITY;
            }
            for (int i = 0; i < u.length; i++) {
                largest = Math.max(largest, Math.abs(u[i]));
                difference = Math.max(difference, Math.abs(u[i] - v[i]));
            }
        }
        return difference / Math.max(largest, Float.MIN_NORMAL);
    }

    /** The float32 entries of an .npz archive of the engine's (format 1.0, C order), by name. */
    private static Map<String, float[]> floats(byte[] npz) throws IOException {
        Map<String, float[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(npz))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                byte[] npy = zip.readAllBytes();
                int headerLength = ByteBuffer.wrap(npy, 8, 2)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getShort()
                        & 0xffff;
                String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
                if (header.contains("'<f4'")) {
                    ByteBuffer data = ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    float[] values = new float[data.remaining() / Float.BYTES];
                    data.asFloatBuffer().get(values);
                    entries.put(e.getName(), values);
                }
            }
        }
        return entries;
    }
}
