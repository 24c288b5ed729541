package org.sirensweep.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.CudaDevice;
import org.sirensweep.cuda.CudaLibraries;
import org.sirensweep.cuda.CudaUnavailableException;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.ImageFormatException;
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
 * The GPU check ({@code benchmarks/gpu-check.sh}): on a GPU machine, without Spark and without ND4J's natives, one
 * phase per run, each printing one JSON line per measurement:
 * <ul>
 *   <li>{@code libraries}: the CUDA libraries found, the driver's CUDA, the GPUs by number, and the first GPU opened
 *       (NVRTC compiles the kernels, the module loads, cuBLAS starts);</li>
 *   <li>{@code correctness}: the image at 64², width 64, full batch, 500 epochs, each supervision, with CUDA graphs
 *       and then launched call by call: its loss at the epochs of the CPU engine's recorded curve ({@code record}),
 *       the largest relative difference over the first {@value #EARLY_EPOCHS} epochs (which must stay below
 *       {@value #EARLY_TOLERANCE}) and over all, next to the difference between two CPU BLAS kernels' curves:
 *       gradient and Laplacian training is chaotic, so any rounding difference grows (OpenBLAS's Haswell and
 *       SkylakeX kernels end up to several times apart in loss at 64², width 64); and whether both ways give the
 *       same bits;</li>
 *   <li>{@code trial}: one whole trial as a Spark task runs it ({@link GpuTrialCheck});</li>
 *   <li>{@code speed}: 256², width 256, full batch, each supervision, float32 and TF32 products: ms per step;</li>
 *   <li>{@code packs}: 64², width 64, batches of 64, K = 1, 16, 64 trials of each supervision: trial-steps per
 *       second.</li>
 * </ul>
 * Every case is the paper's network shape (depth 3, ω0 30, Adam 1e-4) from seed 0 (a pack: seeds 0..K-1), on the
 * first GPU the process can use. The CPU engine's references are made here ({@code record}, {@code record-trial})
 * and travel with the check's kit. A phase that cannot run (no CUDA, no GPU) prints one line saying why and exits
 * with 3; one that fails exits with 1; {@code --cases small} runs every phase at sizes a CPU stand-in manages.
 */
public final class GpuCheck {
    static final int CURVE_INTERVAL = 50;
    /** Recorded epochs besides every {@value #CURVE_INTERVAL}th: the early ones, before chaos amplifies rounding. */
    private static final List<Integer> EARLY = List.of(1, 2, 5, 10, 20);

    static final int EARLY_EPOCHS = 50;
    /** The GPU's largest relative difference from the CPU's loss over the first {@value #EARLY_EPOCHS} epochs. */
    static final double EARLY_TOLERANCE = 1e-3;

    static final int DEPTH = 3;
    static final double OMEGA0 = 30;
    private static final double LR = 1e-4;
    private static final Supervision[] SUPERVISIONS = {Supervision.VANILLA, Supervision.GRADIENT, Supervision.LAPLACIAN
    };
    /** Exit status of a phase that cannot run here. */
    static final int CANNOT_RUN = 3;

    /**
     * The check's cases: correctness at {@code small}², width {@code smallWidth}, full batch, {@code
     * correctnessEpochs}; speed at {@code large}², width {@code largeWidth}, full batch, {@code speedEpochs} in runs
     * of {@code speedRunEpochs} (the first run records the graph and is not timed); packs of {@code packs} trials at
     * {@code small}², width {@code smallWidth}, batches of {@code packBatch}, {@code packEpochs} epochs of which the
     * first is not timed; the trial at {@code small}², width {@code smallWidth}, {@code trialEpochs} epochs, also
     * rendered at {@code trialRender}².
     */
    record Cases(
            String name,
            int small,
            int smallWidth,
            int correctnessEpochs,
            int large,
            int largeWidth,
            int speedEpochs,
            int speedRunEpochs,
            List<Integer> packs,
            int packBatch,
            int packEpochs,
            int trialEpochs,
            int trialRender) {
        static Cases named(String name) {
            return switch (name) {
                case "full" -> FULL;
                case "small" -> SMALL;
                default -> throw new IllegalArgumentException("--cases is full or small, not " + name);
            };
        }
    }

    /** The cases (issue 22's device check). */
    static final Cases FULL = new Cases("full", 64, 64, 500, 256, 256, 220, 20, List.of(1, 16, 64), 64, 4, 20, 128);
    /** The same phases at sizes the CPU stand-in runs in seconds (the kit's rehearsal, the tests). */
    static final Cases SMALL = new Cases("small", 12, 8, 6, 16, 8, 4, 2, List.of(1, 3), 48, 2, 4, 24);

    /** Opens the GPU the check runs on, with float32 or TF32 products, with CUDA graphs or without. */
    interface Opener {
        Device open(boolean tf32, boolean graphs);
    }

    /**
     * The kit's files: the image, the CPU engine's recorded losses (two OpenBLAS kernels' for the full cases) and
     * the recorded trial, by cases.
     */
    record Kit(Path folder) {
        Path image() {
            return folder.resolve("data/camera.png");
        }

        Path losses(Cases cases) {
            return folder.resolve("reference/losses-" + cases.name() + ".json");
        }

        Path otherKernelLosses(Cases cases) {
            Path haswell = folder.resolve("reference/losses-" + cases.name() + "-haswell.json");
            return Files.exists(haswell) ? haswell : losses(cases);
        }

        Path trial(Cases cases) {
            return folder.resolve("reference/trial-" + cases.name());
        }
    }

    private GpuCheck() {}

    /**
     * {@code PHASE [--kit DIR] [--cases full|small]}: {@code libraries}, {@code correctness}, {@code trial}, {@code
     * speed} or {@code packs} on the GPU; {@code record [--out FILE]} and {@code record-trial} on the CPU.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: GpuCheck libraries|correctness|trial|speed|packs|record|record-trial "
                    + "[--kit DIR] [--cases full|small] [--out FILE]");
            System.exit(2);
        }
        String phase = args[0];
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Kit kit = new Kit(Path.of(options.getOrDefault("--kit", ".")));
        Cases cases = Cases.named(options.getOrDefault("--cases", "full"));
        PrintStream out = System.out;
        int status;
        try {
            status = run(phase, kit, cases, options, (tf32, graphs) -> CudaDevice.open(firstGpu(), tf32, graphs), out);
        } catch (CudaUnavailableException e) {
            out.println(JsonLine.of(phase).put("cannot_run", e.getMessage()));
            System.err.println("cannot run: " + e.getMessage());
            status = CANNOT_RUN;
        } catch (Exception | Error e) {
            String line = e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).replace('\n', ' ');
            out.println(JsonLine.of(phase).put("error", line));
            System.err.println("failed: " + line);
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    /** Runs one phase on the GPUs {@code gpu} opens; 0 when every check of it passed, 1 when one did not. */
    static int run(String phase, Kit kit, Cases cases, Map<String, String> options, Opener gpu, PrintStream out)
            throws Exception {
        return switch (phase) {
            case "libraries" -> libraries(gpu, out);
            case "correctness" ->
                correctness(
                        kit.image(),
                        reference(Files.readString(kit.losses(cases))),
                        reference(Files.readString(kit.otherKernelLosses(cases))),
                        cases,
                        gpu,
                        out);
            case "trial" -> GpuTrialCheck.compare(kit.image(), kit.trial(cases), cases, gpu, out);
            case "speed" -> speed(kit.image(), cases, gpu, out);
            case "packs" -> packs(kit.image(), cases, gpu, out);
            case "record" -> {
                Files.writeString(
                        Path.of(options.getOrDefault("--out", kit.losses(cases).toString())),
                        recordOnCpu(kit.image(), cases));
                yield 0;
            }
            case "record-trial" -> {
                GpuTrialCheck.record(kit.image(), kit.trial(cases), cases);
                yield 0;
            }
            default -> throw new IllegalArgumentException("no phase " + phase);
        };
    }

    /** The first GPU this process can use; none is one line naming what CUDA lacks. */
    private static int firstGpu() {
        List<Integer> gpus = CudaDevice.usableGpus(); // a node without CUDA is told what is missing
        if (gpus.isEmpty()) {
            throw new CudaUnavailableException("CUDA is there but this process can use no GPU");
        }
        return gpus.get(0);
    }

    private static TrainingConfig config(Supervision supervision, int epochs, int batchSize, long seed) {
        return new TrainingConfig(supervision, epochs, batchSize, false, LR, seed, CURVE_INTERVAL);
    }

    static SirenConfig network(PixelImage image, int width) {
        return SirenConfig.forImage(image.channels(), width, DEPTH, OMEGA0);
    }

    /** The libraries found and the GPU opened: every step of a device's start. */
    private static int libraries(Opener gpu, PrintStream out) {
        CudaLibraries libs = CudaDevice.libraries();
        try (Device device = gpu.open(false, true)) {
            out.println(JsonLine.of("libraries")
                    .put("libraries", libs.describe())
                    .put("gpus", CudaDevice.usableGpus())
                    .put("device", device.describe())
                    .put("free_gib", device.freeMemory() / (double) (1L << 30)));
        }
        return 0;
    }

    /** The CPU engine's losses of the correctness cases at the recorded epochs, as JSON. */
    static String recordOnCpu(Path file, Cases cases) throws Exception {
        PixelImage image = TrainingImage.load(file, cases.small());
        StringBuilder json = new StringBuilder("{");
        for (Supervision s : SUPERVISIONS) {
            TrainingConfig recorded = new TrainingConfig(
                    s, cases.correctnessEpochs(), 0, false, LR, 0, CURVE_INTERVAL, TargetScales.SIREN_JAX, EARLY);
            TrainingResult result = Trainer.train(
                    Siren.initialise(network(image, cases.smallWidth()), 0, DataType.FLOAT),
                    image,
                    recorded,
                    TrainingProgress.NONE);
            List<String> points = new ArrayList<>();
            result.curve().forEach(c -> points.add(String.format(Locale.ROOT, "\"%d\": %.17g", c.epoch(), c.loss())));
            json.append(json.length() > 1 ? ", " : "")
                    .append('"')
                    .append(s.id())
                    .append("\": {")
                    .append(String.join(", ", points))
                    .append('}');
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

    /**
     * Each supervision's losses against the CPU's, trained with graphs and then without: a line each, the second
     * saying whether both ways gave the same bits. A way that fails is a line with its error; the other still runs.
     */
    static int correctness(
            Path file,
            Map<String, Map<Integer, Double>> reference,
            Map<String, Map<Integer, Double>> otherKernels,
            Cases cases,
            Opener gpu,
            PrintStream out)
            throws ImageFormatException {
        PixelImage image = TrainingImage.load(file, cases.small());
        int status = 0;
        for (Supervision s : SUPERVISIONS) {
            double[] withGraphs = null;
            for (boolean graphs : new boolean[] {true, false}) {
                JsonLine line =
                        JsonLine.of("correctness").put("supervision", s.id()).put("graphs", graphs);
                try (Device device = gpu.open(false, graphs)) {
                    double[] losses = trainOne(
                                    device, image, cases.smallWidth(), s, cases.correctnessEpochs(), CURVE_INTERVAL)
                            .epochLosses()[0];
                    boolean pass = compare(losses, reference.get(s.id()), otherKernels.get(s.id()), line);
                    if (graphs) {
                        withGraphs = losses;
                    } else if (withGraphs != null) {
                        line.put("same_as_graphs", Arrays.equals(losses, withGraphs));
                    }
                    status |= pass ? 0 : 1;
                } catch (CudaUnavailableException e) {
                    throw e; // the phase cannot run here at all
                } catch (RuntimeException e) {
                    line.put("pass", false).put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
                    status = 1;
                }
                out.println(line);
            }
        }
        return status;
    }

    /** One full-batch training from seed 0 on {@code device}, in runs of {@code epochsPerRun} epochs. */
    private static Trainer.DeviceTraining trainOne(
            Device device, PixelImage image, int width, Supervision s, int epochs, int epochsPerRun) {
        SirenConfig net = network(image, width);
        return Trainer.trainOnDevice(
                device,
                net,
                List.of(Siren.initialFloats(net, 0)),
                List.of(config(s, epochs, 0, 0)),
                image,
                epochs,
                epochsPerRun);
    }

    /** Puts a training's losses against the CPU's into {@code line}; whether the early ones are close enough. */
    private static boolean compare(
            double[] losses, Map<Integer, Double> cpu, Map<Integer, Double> otherCpu, JsonLine line) {
        double early = 0;
        double all = 0;
        double cpus = 0;
        List<Object> rows = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : cpu.entrySet()) {
            int epoch = e.getKey();
            double expected = e.getValue();
            double gpuLoss = losses[epoch - 1];
            double other = otherCpu.get(epoch);
            double difference = Math.abs(gpuLoss - expected) / Math.abs(expected);
            all = Math.max(all, difference);
            early = epoch <= EARLY_EPOCHS ? Math.max(early, difference) : early;
            cpus = Math.max(cpus, Math.abs(other - expected) / Math.abs(expected));
            rows.add(List.of(epoch, expected, other, gpuLoss));
        }
        boolean pass = early <= EARLY_TOLERANCE;
        line.put("early_difference", early)
                .put("pass", pass)
                .put("max_difference", all)
                .put("cpu_kernels_max_difference", cpus)
                .put("epoch_cpu_cpu2_gpu", rows);
        return pass;
    }

    /** Full batch at the large size, float32 and TF32: the first run records the graph, the others are timed. */
    static int speed(Path file, Cases cases, Opener gpu, PrintStream out) throws ImageFormatException {
        PixelImage image = TrainingImage.load(file, cases.large());
        for (String precision : List.of("float32", "tf32")) {
            try (Device device = gpu.open(precision.equals("tf32"), true)) {
                for (Supervision s : SUPERVISIONS) {
                    Trainer.DeviceTraining run =
                            trainOne(device, image, cases.largeWidth(), s, cases.speedEpochs(), cases.speedRunEpochs());
                    out.println(JsonLine.of("speed")
                            .put("supervision", s.id())
                            .put("precision", precision)
                            .put("ms_per_step", run.millisPerStep())
                            .put("final_loss", run.epochLosses()[0][cases.speedEpochs() - 1]));
                }
            }
        }
        return 0;
    }

    /** Packs of each size at the small size, batches of {@code packBatch}: trial-steps per second. */
    static int packs(Path file, Cases cases, Opener gpu, PrintStream out) throws ImageFormatException {
        PixelImage small = TrainingImage.load(file, cases.small());
        try (Device device = gpu.open(false, true)) {
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
                    Trainer.DeviceTraining run =
                            Trainer.trainOnDevice(device, net, initial, configs, small, cases.packEpochs(), 1);
                    out.println(JsonLine.of("pack")
                            .put("supervision", s.id())
                            .put("k", k)
                            .put("ms_per_step", run.millisPerStep())
                            .put("trial_steps_per_second", k * 1000 / run.millisPerStep()));
                }
            }
        }
        return 0;
    }
}
