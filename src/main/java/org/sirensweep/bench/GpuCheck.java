package org.sirensweep.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.CudaUnavailableException;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TargetScales;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingConfig;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrainingResult;

/**
 * The GPU check ({@code benchmarks/gpu-check.sh}): on a GPU machine, without Spark and without ND4J's natives, it
 * trains on GPU 0 and prints one JSON line per measurement:
 * <ul>
 *   <li>correctness: the image at 64², width 64, full batch, 500 epochs, each supervision:
 *       its loss at the epochs of the CPU engine's recorded curve ({@code --reference}, made by {@code --record}),
 *       the largest relative difference over the first {@value #EARLY_EPOCHS} epochs (which must stay below
 *       {@value #EARLY_TOLERANCE}) and over all, next to the difference between two CPU BLAS kernels' curves
 *       ({@code --spread}): gradient and Laplacian training is chaotic, so any rounding difference grows
 *       (OpenBLAS's Haswell and SkylakeX kernels end up to several times apart in loss at 64², width 64);</li>
 *   <li>speed: 256², width 256, full batch, each supervision, float32 and TF32 products: ms per step;</li>
 *   <li>packs: 64², width 64, batches of 64, K = 1, 16, 64 trials of each supervision: trial-steps per second.</li>
 * </ul>
 * Every case is the paper's network shape (depth 3, ω0 30, Adam 1e-4) from seed 0 (a pack: seeds 0..K-1). The
 * tests run the same check at small sizes on a stand-in device.
 */
public final class GpuCheck {
    static final int CURVE_INTERVAL = 50;
    /** Recorded epochs besides every {@value #CURVE_INTERVAL}th: the early ones, before chaos amplifies rounding. */
    private static final List<Integer> EARLY = List.of(1, 2, 5, 10, 20);
    static final int EARLY_EPOCHS = 50;
    /** The GPU's largest relative difference from the CPU's loss over the first {@value #EARLY_EPOCHS} epochs. */
    static final double EARLY_TOLERANCE = 1e-3;
    private static final int DEPTH = 3;
    private static final double OMEGA0 = 30;
    private static final double LR = 1e-4;
    private static final Supervision[] SUPERVISIONS = {Supervision.VANILLA, Supervision.GRADIENT,
        Supervision.LAPLACIAN};

    /**
     * The check's cases: correctness at {@code small}², width {@code smallWidth}, full batch, {@code
     * correctnessEpochs}; speed at {@code large}², width {@code largeWidth}, full batch, {@code speedEpochs} in runs
     * of {@code speedRunEpochs} (the first run records the graph and is not timed); packs of {@code packs} trials at
     * {@code small}², width {@code smallWidth}, batches of {@code packBatch}, {@code packEpochs} epochs of which the
     * first is not timed.
     */
    record Cases(int small, int smallWidth, int correctnessEpochs, int large, int largeWidth, int speedEpochs,
                 int speedRunEpochs, List<Integer> packs, int packBatch, int packEpochs) {
    }

    /** The cases (issue 22's device check). */
    static final Cases CASES = new Cases(64, 64, 500, 256, 256, 220, 20, List.of(1, 16, 64), 64, 4);

    /** Opens GPU 0 with float32 products, or TF32 ones. */
    interface Opener {
        Device open(boolean tf32);
    }

    private GpuCheck() {
    }

    /**
     * {@code --image PNG --reference JSON --spread JSON} runs the check on GPU 0; {@code --image PNG --record JSON}
     * writes the CPU engine's reference losses (with the OpenBLAS kernel {@code OPENBLAS_CORETYPE} picks).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path image = Path.of(options.getOrDefault("--image", "data/camera.png"));
        if (options.containsKey("--record")) {
            Files.writeString(Path.of(options.get("--record")), recordOnCpu(image, CASES));
            return;
        }
        try {
            check(image, reference(Files.readString(Path.of(options.getOrDefault("--reference",
                            "benchmarks/gpu-reference.json")))),
                    reference(Files.readString(Path.of(options.getOrDefault("--spread",
                            "benchmarks/gpu-reference-haswell.json")))),
                    CASES, tf32 -> CudaDevice.open(0, tf32, true), System.out);
        } catch (CudaUnavailableException e) {
            System.err.println("gpu check: " + e.getMessage());
            System.exit(2);
        }
    }

    private static TrainingConfig config(Supervision supervision, int epochs, int batchSize, long seed) {
        return new TrainingConfig(supervision, epochs, batchSize, false, LR, seed, CURVE_INTERVAL);
    }

    private static SirenConfig network(PixelImage image, int width) {
        return SirenConfig.forImage(image.channels(), width, DEPTH, OMEGA0);
    }

    /** The CPU engine's losses of the correctness cases at the recorded epochs, as JSON. */
    static String recordOnCpu(Path file, Cases cases) throws Exception {
        PixelImage image = TrainingImage.load(file, cases.small());
        StringBuilder json = new StringBuilder("{");
        for (Supervision s : SUPERVISIONS) {
            TrainingConfig recorded = new TrainingConfig(s, cases.correctnessEpochs(), 0, false, LR, 0,
                    CURVE_INTERVAL, TargetScales.SIREN_JAX, EARLY);
            TrainingResult result = Trainer.train(Siren.initialise(network(image, cases.smallWidth()), 0,
                    DataType.FLOAT), image, recorded, TrainingProgress.NONE);
            List<String> points = new ArrayList<>();
            result.curve().forEach(c -> points.add(String.format(Locale.ROOT, "\"%d\": %.17g", c.epoch(), c.loss())));
            json.append(json.length() > 1 ? ", " : "").append('"').append(s.id()).append("\": {")
                    .append(String.join(", ", points)).append('}');
        }
        return json.append("}\n").toString();
    }
    /** The recorded losses by supervision id and epoch. */
    static Map<String, Map<Integer, Double>> reference(String json) {
        Map<String, Map<Integer, Double>> reference = new LinkedHashMap<>();
        Matcher group = Pattern.compile("\"(\\w+)\": \\{([^}]*)}").matcher(json);
        while (group.find()) {
            Map<Integer, Double> losses = new LinkedHashMap<>();
            Matcher point = Pattern.compile("\"(\\d+)\": ([-0-9.eE+]+)").matcher(group.group(2));
            while (point.find()) {
                losses.put(Integer.parseInt(point.group(1)), Double.parseDouble(point.group(2)));
            }
            reference.put(group.group(1), losses);
        }
        return reference;
    }

    /** Runs every case on the devices {@code open} gives, printing one JSON line per measurement to {@code out}. */
    static void check(Path file, Map<String, Map<Integer, Double>> reference,
                      Map<String, Map<Integer, Double>> spread, Cases cases, Opener open, PrintStream out)
            throws Exception {
        PixelImage small = TrainingImage.load(file, cases.small());
        PixelImage large = TrainingImage.load(file, cases.large());
        try (Device gpu = open.open(false)) {
            out.println(String.format(Locale.ROOT, "{\"case\": \"device\", \"device\": \"%s\"}", gpu.describe()));
            for (Supervision s : SUPERVISIONS) {
                correctness(gpu, s, small, cases, reference.get(s.id()), spread.get(s.id()), out);
            }
            speed(gpu, "float32", large, cases, out);
        }
        try (Device gpu = open.open(true)) {
            speed(gpu, "tf32", large, cases, out);
        }
        try (Device gpu = open.open(false)) {
            for (Supervision s : SUPERVISIONS) {
                for (int k : cases.packs()) {
                    SirenConfig net = network(small, cases.smallWidth());
                    List<float[]> initial = new ArrayList<>();
                    List<TrainingConfig> configs = new ArrayList<>();
                    for (int p = 0; p < k; p++) {
                        initial.add(Siren.initialFloats(net, p));
                        configs.add(config(s, cases.packEpochs(), cases.packBatch(), p));
                    }
                    // One epoch a run: the first records the graph, the others are timed.
                    Trainer.DeviceTraining run = Trainer.trainOnDevice(gpu, net, initial, configs, small,
                            cases.packEpochs(), 1);
                    out.println(String.format(Locale.ROOT, "{\"case\": \"pack\", \"supervision\": \"%s\", \"k\": %d, "
                            + "\"ms_per_step\": %.4f, \"trial_steps_per_second\": %.1f}", s.id(), k,
                            run.millisPerStep(), k * 1000 / run.millisPerStep()));
                }
            }
        }
    }

    /** One supervision's correctness line: its losses against the CPU's at the recorded epochs. */
    private static void correctness(Device gpu, Supervision s, PixelImage image, Cases cases,
                                    Map<Integer, Double> cpu, Map<Integer, Double> otherCpu, PrintStream out) {
        SirenConfig net = network(image, cases.smallWidth());
        Trainer.DeviceTraining run = Trainer.trainOnDevice(gpu, net, List.of(Siren.initialFloats(net, 0)),
                List.of(config(s, cases.correctnessEpochs(), 0, 0)), image, cases.correctnessEpochs(),
                CURVE_INTERVAL);
        double early = 0;
        double all = 0;
        double cpus = 0;
        List<String> rows = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : cpu.entrySet()) {
            int epoch = e.getKey();
            double expected = e.getValue();
            double gpuLoss = run.epochLosses()[0][epoch - 1];
            double other = otherCpu.get(epoch);
            double difference = Math.abs(gpuLoss - expected) / Math.abs(expected);
            all = Math.max(all, difference);
            early = epoch <= EARLY_EPOCHS ? Math.max(early, difference) : early;
            cpus = Math.max(cpus, Math.abs(other - expected) / Math.abs(expected));
            rows.add(String.format(Locale.ROOT, "[%d, %.9g, %.9g, %.9g]", epoch, expected, other, gpuLoss));
        }
        out.println(String.format(Locale.ROOT, "{\"case\": \"correctness\", \"supervision\": \"%s\", "
                + "\"early_difference\": %.3g, \"pass\": %b, \"max_difference\": %.3g, "
                + "\"cpu_kernels_max_difference\": %.3g, \"epoch_cpu_cpu2_gpu\": [%s]}", s.id(), early,
                early <= EARLY_TOLERANCE, all, cpus, String.join(", ", rows)));
    }

    /** Full batch at the large size: the first run records the graph and warms up, the others are timed. */
    private static void speed(Device gpu, String precision, PixelImage image, Cases cases, PrintStream out) {
        for (Supervision s : SUPERVISIONS) {
            SirenConfig net = network(image, cases.largeWidth());
            Trainer.DeviceTraining run = Trainer.trainOnDevice(gpu, net, List.of(Siren.initialFloats(net, 0)),
                    List.of(config(s, cases.speedEpochs(), 0, 0)), image, cases.speedEpochs(),
                    cases.speedRunEpochs());
            out.println(String.format(Locale.ROOT, "{\"case\": \"speed\", \"supervision\": \"%s\", \"precision\": "
                    + "\"%s\", \"ms_per_step\": %.4f, \"final_loss\": %.6g}", s.id(), precision, run.millisPerStep(),
                    run.epochLosses()[0][cases.speedEpochs() - 1]));
        }
    }
}
