package org.sirensweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sirensweep.cuda.CudaUnavailableException;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.Supervision;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.InsufficientMemoryException;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;
import org.sirensweep.trial.Compute;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.trial.TrialRunner;
import org.sirensweep.trial.TrialSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siren-sweep train}: fits one SIREN to one image and writes its weights, pictures and a result.json. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one SIREN on an image; writes params.npz, result.json and PNG renders to --out.")
public final class TrainCommand implements Callable<Integer> {
    /** Exit code of a training whose loss became NaN/Inf (its results are still written). */
    public static final int DIVERGED = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--image", required = true, description = "PNG image to fit (gray or RGB).")
    Path image;
    @Option(names = "--resolution", defaultValue = "256", description = "Training resolution (square side, px). Default: ${DEFAULT-VALUE}.")
    int resolution;
    @Option(names = "--supervision", defaultValue = "vanilla", description = "vanilla, gradient, laplacian or combined. Default: ${DEFAULT-VALUE}.")
    String supervision;
    @Option(names = "--epochs", defaultValue = "10000", description = "Passes over all pixels. Default: ${DEFAULT-VALUE}.")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "0", description = "Points per step; 0 = full batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;
    @Option(names = "--shuffle", description = "Fresh permutation of the points every epoch (default: contiguous batches, as Siren-Jax).")
    boolean shuffle;
    @Option(names = "--lr", defaultValue = "1e-4", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;
    @Option(names = "--depth", defaultValue = "3", description = "Hidden sine layers after the first. Default: ${DEFAULT-VALUE}.")
    int depth;
    @Option(names = "--width", defaultValue = "256", description = "Units per sine layer. Default: ${DEFAULT-VALUE}.")
    int width;
    @Option(names = "--omega0", defaultValue = "30", description = "Sine frequency factor. Default: ${DEFAULT-VALUE}.")
    double omega0;
    @Option(names = "--omega0-resolution", paramLabel = "R", description = "The resolution --omega0 is meant for: "
            + "the network uses omega0 · (resolution − 1)/(R − 1), the same frequency per pixel (default: omega0 as "
            + "it is).")
    Integer omega0Resolution;
    @Option(names = "--target-resolution", paramLabel = "R", description = "The resolution Siren-Jax's derivative "
            + "target factors (10, 1e4) are meant for: they scale with the pixel spacing from there (default: as "
            + "they are).")
    Integer targetResolution;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--curve-interval", defaultValue = "0", description = "Epochs between learning-curve samples; 0 = about 50 samples.")
    int curveInterval;
    @Option(names = "--render-size", split = ",", description = "Extra render sizes (px), e.g. 512 for the upscale test.")
    List<Integer> renderSizes = new ArrayList<>();
    @Option(names = "--checkpoint-minutes", defaultValue = "5", paramLabel = "MINUTES", description = "Training minutes "
            + "between checkpoints, kept beside --out as .<name>.checkpoint until the results are written: the same "
            + "command run again after a kill or Ctrl-C continues from it. 0 = none. Default: ${DEFAULT-VALUE}.")
    double checkpointMinutes;
    @Option(names = "--gpu", paramLabel = "N", description = "Train on this node's GPU N (PCI bus order, as "
            + "nvidia-smi numbers them) through its CUDA 12 or 13 install, instead of the CPU.")
    Integer gpu;
    @Mixin
    ThreadsOption threads;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        TrialSettings settings = settings(cli);
        TrialRunner runner;
        try {
            runner = TrialRunner.prepare(settings);
        } catch (ImageFormatException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--image: " + e.getMessage());
        }
        Duration checkpointInterval;
        try {
            checkpointInterval = CheckpointFile.interval(checkpointMinutes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--checkpoint-minutes " + e.getMessage());
        }
        threads.apply(cli);
        Device device = openGpu(cli);
        try {
            return train(cli, runner, checkpointInterval, device);
        } finally {
            if (device != null) {
                device.close();
            }
        }
    }

    /** The GPU of {@code --gpu}, or null (the CPU); a node without usable CUDA gets one line before any work. */
    private Device openGpu(CommandLine cli) {
        if (gpu == null) {
            return null;
        }
        try {
            return Compute.openGpu(gpu);
        } catch (CudaUnavailableException e) {
            throw new CommandLine.ParameterException(cli, "--gpu " + gpu + ": " + e.getMessage());
        }
    }

    private int train(CommandLine cli, TrialRunner runner, Duration checkpointInterval, Device device)
            throws IOException {
        OutputFolder folder = output.prepare(cli);
        Path target = folder.target();
        CheckpointFile checkpoints = new CheckpointFile(
                target.resolveSibling("." + target.getFileName() + CheckpointFile.SUFFIX),
                checkpointInterval, runner.fingerprint(), target.getParent());
        if (Files.exists(checkpoints.file())) {
            System.err.println("continuing from the checkpoint " + checkpoints.file());
        }
        Instant started = Instant.now();
        TrialOutcome outcome = folder.write(staged -> {
            TrialOutcome trained;
            try {
                if (System.console() != null) {
                    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(supervision).setInitialMax(1)
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                            .showSpeed().build()) {
                        trained = runner.run(1, progressBar(bar), checkpoints, device);
                    }
                } else {
                    // No terminal (a log file, a pipe): a plain line per curve sample, no carriage returns.
                    trained = runner.run(1, progressLines(System.err), checkpoints, device);
                }
            } catch (InsufficientMemoryException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            Map<String, String> files = new LinkedHashMap<>();
            Files.write(staged.file("params.npz"), trained.weightsNpz());
            files.put("params.npz", "weights (NumPy .npz)");
            for (TrialImage image : trained.images()) {
                String name = image.fileName(resolution);
                Files.write(staged.file(name), image.png());
                files.put(name, image.description());
            }
            mapper().writeValue(staged.file("result.json").toFile(), report(trained, files, started));
            return trained;
        });
        checkpoints.delete(); // the results are in place
        PrintSummary.of(outcome, folder.target(), cli.getOut());
        return outcome.status() == TrialStatus.OK ? 0 : DIVERGED;
    }

    private TrialSettings settings(CommandLine cli) {
        try {
            int interval = curveInterval == 0 ? TrialSettings.defaultCurveInterval(epochs) : curveInterval;
            return new TrialSettings(image.toString(), resolution, Supervision.parse(supervision), epochs, batchSize,
                    shuffle, learningRate, depth, width, omega0, seed, interval, renderSizes, null, omega0Resolution,
                    targetResolution, List.of());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    private TrainingProgress progressBar(ProgressBar bar) {
        return new TrainingProgress() {
            @Override
            public void step(long done, long total) {
                if (bar.getMax() != total) {
                    bar.maxHint(total);
                }
                bar.stepTo(done);
            }

            @Override
            public void curve(CurvePoint point) {
                bar.setExtraMessage(String.format(" loss %.3g  PSNR %.2f dB (fitted %.2f)", point.loss(),
                        point.measures().psnr(), point.measures().determined(supervisionType())));
            }
        };
    }

    /** "laplacian: step 400/10000 (epoch 400), loss 1.23e+04, PSNR 11.20 dB (affine 11.79), 1m10s, ETA 28m" lines. */
    private TrainingProgress progressLines(PrintStream log) {
        long start = System.nanoTime();
        long[] steps = {0, 0, -1};
        return new TrainingProgress() {
            @Override
            public void step(long done, long total) {
                if (steps[2] < 0) {
                    steps[2] = done; // a resumed training's first report: the steps a checkpoint saved
                }
                steps[0] = done;
                steps[1] = total;
            }

            @Override
            public void curve(CurvePoint point) {
                double seconds = (System.nanoTime() - start) / 1e9;
                long taken = steps[0] - Math.max(steps[2], 0);
                String eta = taken > 0 ? ", ETA " + Math.round(seconds / taken * (steps[1] - steps[0])) + " s" : "";
                log.printf("%s: step %d/%d (epoch %d), loss %.4g, PSNR %.2f dB (fitted %.2f), gradient error "
                        + "%.3f, Laplacian error %.3f, %.0f s%s%n", supervision, point.step(), steps[1],
                        point.epoch(), point.loss(), point.measures().psnr(),
                        point.measures().determined(supervisionType()), point.measures().gradientError(),
                        point.measures().laplacianError(), seconds, eta);
                log.flush();
            }
        };
    }

    private static Map<String, Object> report(TrialOutcome outcome, Map<String, String> files, Instant started) {
        TrialSettings s = outcome.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("image", s.image());
        settings.put("resolution", s.resolution());
        settings.put("channels", outcome.channels());
        settings.put("supervision", s.supervision().id());
        settings.put("epochs", s.epochs());
        settings.put("batch_size", s.batchSize());
        settings.put("shuffle", s.shuffle());
        settings.put("lr", s.learningRate());
        settings.put("depth", s.depth());
        settings.put("width", s.width());
        settings.put("omega0", s.omega0());
        settings.put("omega0_resolution", s.omega0Resolution());
        settings.put("omega0_effective", s.effectiveOmega0());
        settings.put("target_resolution", s.targetResolution());
        settings.put("gradient_target_scale", s.targetScales().gradient());
        settings.put("laplacian_target_scale", s.targetScales().laplacian());
        settings.put("seed", s.seed());
        settings.put("curve_interval", s.curveInterval());
        settings.put("render_sizes", s.renderSizes());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("settings", settings);
        report.put("status", outcome.status().id());
        report.put("diverged_at_step", outcome.divergedAtStep() < 0 ? null : outcome.divergedAtStep());
        report.put("steps", outcome.steps());
        report.put("resumed_from_step", outcome.resumedFromStep());
        report.put("final_loss", finite(outcome.finalLoss()));
        report.putAll(measures(outcome.measures(), s.supervision()));
        report.put("curve", outcome.curve().stream().map(p -> {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("step", p.step());
            point.put("epoch", p.epoch());
            point.put("loss", finite(p.loss()));
            point.putAll(measures(p.measures(), s.supervision()));
            point.put("seconds", p.seconds());
            return point;
        }).toList());
        report.put("upscale", outcome.upscale().stream().map(u -> {
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("size", u.size());
            score.put("method", u.method());
            score.put("psnr", finite(u.psnr()));
            score.put("ssim", finite(u.ssim()));
            return score;
        }).toList());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("setup_s", outcome.timings().setupSeconds());
        timings.put("train_s", outcome.timings().trainSeconds());
        timings.put("ms_per_step", finite(outcome.timings().msPerStep()));
        timings.put("render_s", outcome.timings().renderSeconds());
        report.put("timings", timings);
        report.put("started_at", started.toString());
        report.put("finished_at", Instant.now().toString());
        Map<String, Object> machine = Machine.describe();
        machine.put("device", outcome.device());
        report.put("machine", machine);
        report.put("files", files);
        return report;
    }

    private static Map<String, Object> measures(Measures m, Supervision supervision) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("psnr", finite(m.psnr()));
        values.put("psnr_affine", finite(m.psnrAffine()));
        values.put("psnr_harmonic", finite(m.psnrHarmonic()));
        values.put("psnr_determined", finite(m.determined(supervision)));
        values.put("gradient_error", finite(m.gradientError()));
        values.put("laplacian_error", finite(m.laplacianError()));
        return values;
    }

    private Supervision supervisionType() {
        return Supervision.parse(supervision);
    }

    /** JSON has no NaN/Infinity: those become null. */
    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }
}
