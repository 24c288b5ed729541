package org.sirensweep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.sirensweep.cuda.CudaUnavailableException;
import org.sirensweep.cuda.Device;
import org.sirensweep.files.Durations;
import org.sirensweep.files.Location;
import org.sirensweep.files.StorePatience;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.Supervision;
import org.sirensweep.sweep.SettingParser;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.InsufficientMemoryException;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.CheckpointFile;
import org.sirensweep.trial.Compute;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialEngine;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.trial.TrialSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siren-sweep train}: fits one SIREN to one image and writes its weights, pictures and a result.json. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Train one SIREN on an image; writes params.npz, result.json and PNG renders to --out.")
public final class TrainCommand implements Callable<Integer> {
    /** Exit code of a training whose loss became NaN/Inf (its results are still written). */
    public static final int DIVERGED = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--curve-interval",
            defaultValue = "0",
            description = "Epochs between learning-curve samples; 0 = about 50 samples.")
    int curveInterval;

    @Option(
            names = "--render-size",
            split = ",",
            description = "Extra render sizes (px), e.g. 512 for the upscale test.")
    List<Integer> renderSizes = new ArrayList<>();

    @Option(
            names = "--checkpoint-minutes",
            defaultValue = "" + CheckpointFile.DEFAULT_MINUTES,
            paramLabel = "MINUTES",
            description =
                    "Training minutes "
                            + "between checkpoints, kept beside --out as .<name>.checkpoint until the results are written: the same "
                            + "command run again after a kill or Ctrl-C continues from it. 0 = none. Default: ${DEFAULT-VALUE}.")
    double checkpointMinutes;

    @Option(
            names = "--gpu",
            paramLabel = "N",
            description = "Train on this node's GPU N (PCI bus order, as "
                    + "nvidia-smi numbers them) through its CUDA 12 or 13 install, instead of the CPU.")
    Integer gpu;

    @Mixin
    ThreadsOption threads;

    @Mixin
    OutputOptions output;

    /** The settings of this training, from the options; set when it starts. */
    private TrialSettings settings;

    /**
     * Adds an option per training setting ({@link Setting#option()}: {@code --batch-size} for {@code batch_size}) to
     * {@code train}'s {@code spec}, with the setting's help and default; test-only settings are hidden.
     */
    static void declareSettings(CommandLine.Model.CommandSpec spec) {
        for (Setting setting : Setting.values()) {
            String help = Character.toUpperCase(setting.help().charAt(0))
                    + setting.help().substring(1)
                    + (setting.defaultValue() == null || setting.kind() == Setting.Kind.BOOLEAN
                            ? "."
                            : ". Default: " + setting.defaultValue() + ".");
            CommandLine.Model.OptionSpec.Builder option = CommandLine.Model.OptionSpec.builder(setting.option())
                    .description(help)
                    .required(setting.required())
                    .hidden(!setting.isTraining());
            if (setting.kind() == Setting.Kind.BOOLEAN) {
                option.type(boolean.class).arity("0");
            } else {
                option.type(String.class)
                        .paramLabel(setting.kind().type().getSimpleName().toUpperCase(Locale.ROOT));
            }
            spec.addOption(option.build());
        }
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        settings = settings(cli);
        TrialEngine runner;
        try {
            runner = TrialEngine.prepare(settings);
        } catch (ImageFormatException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--image: " + e.getMessage());
        }
        Duration checkpointInterval;
        try {
            checkpointInterval = Durations.minutesOrNone(checkpointMinutes);
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

    private int train(CommandLine cli, TrialEngine runner, Duration checkpointInterval, Device device)
            throws IOException {
        OutputFolder folder = output.prepare(cli);
        Path target = folder.target();
        CheckpointFile checkpoints = new CheckpointFile(
                Location.local(target.resolveSibling("." + target.getFileName() + CheckpointFile.SUFFIX)),
                checkpointInterval,
                runner.fingerprint(),
                Location.local(target.getParent()),
                new StorePatience(
                        Location.local(target.getParent()),
                        Durations.positiveMinutes(StorePatience.DEFAULT_MINUTES),
                        () -> {},
                        since -> {},
                        System.err));
        if (checkpoints.file().isFile()) {
            System.err.println("continuing from the checkpoint " + checkpoints.file());
        }
        Instant started = Instant.now();
        TrialOutcome outcome = folder.write(staged -> {
            TrialOutcome trained;
            try {
                if (System.console() != null) {
                    try (ProgressBar bar = new ProgressBarBuilder()
                            .setTaskName(settings.supervision().id())
                            .setInitialMax(1)
                            .setStyle(ProgressBarStyle.ASCII)
                            .setUpdateIntervalMillis(500)
                            .continuousUpdate()
                            .showSpeed()
                            .build()) {
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
                String name = image.fileName(settings.resolution());
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

    /** The settings the options give (each read as a sweep file reads it), the others at their defaults. */
    private TrialSettings settings(CommandLine cli) {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            CommandLine.Model.OptionSpec option = spec.findOption(setting.option());
            if (option.originalStringValues().isEmpty()) {
                continue;
            }
            try {
                values.put(setting, SettingParser.parse(setting, node(setting, option.getValue())));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, setting.option() + ": " + e.getMessage());
            }
        }
        try {
            int epochs = (Integer) values.getOrDefault(Setting.EPOCHS, Setting.EPOCHS.defaultValue());
            int interval = curveInterval == 0 ? TrialSettings.defaultCurveInterval(epochs) : curveInterval;
            return new TrialSettings(values, interval, renderSizes, List.of());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    /** An option's value as YAML: a flag's boolean, text for names, paths and "full", else a YAML scalar. */
    private static JsonNode node(Setting setting, Object value) {
        if (value instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        String text = (String) value;
        if (setting.kind().type() == String.class || text.equalsIgnoreCase("full")) {
            return TextNode.valueOf(text);
        }
        try {
            JsonNode node = new YAMLMapper().readTree(text);
            return node == null || !node.isValueNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
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
                bar.setExtraMessage(String.format(
                        " loss %.3g  PSNR %.2f dB (fitted %.2f)",
                        point.loss(), point.measures().psnr(), point.measures().determined(settings.supervision())));
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
                log.printf(
                        "%s: step %d/%d (epoch %d), loss %.4g, PSNR %.2f dB (fitted %.2f), gradient error "
                                + "%.3f, Laplacian error %.3f, %.0f s%s%n",
                        settings.supervision().id(),
                        point.step(),
                        steps[1],
                        point.epoch(),
                        point.loss(),
                        point.measures().psnr(),
                        point.measures().determined(settings.supervision()),
                        point.measures().gradientError(),
                        point.measures().laplacianError(),
                        seconds,
                        eta);
                log.flush();
            }
        };
    }

    private static Map<String, Object> report(TrialOutcome outcome, Map<String, String> files, Instant started) {
        TrialSettings s = outcome.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            if (setting.isTraining()) {
                settings.put(setting.key(), s.get(setting));
            }
        }
        settings.put("channels", outcome.channels());
        settings.put("omega0_effective", s.effectiveOmega0());
        settings.put("gradient_target_scale", s.targetScales().gradient());
        settings.put("laplacian_target_scale", s.targetScales().laplacian());
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
        report.put(
                "curve",
                outcome.curve().stream()
                        .map(p -> {
                            Map<String, Object> point = new LinkedHashMap<>();
                            point.put("step", p.step());
                            point.put("epoch", p.epoch());
                            point.put("loss", finite(p.loss()));
                            point.putAll(measures(p.measures(), s.supervision()));
                            point.put("seconds", p.seconds());
                            return point;
                        })
                        .toList());
        report.put(
                "upscale",
                outcome.upscale().stream()
                        .map(u -> {
                            Map<String, Object> score = new LinkedHashMap<>();
                            score.put("size", u.size());
                            score.put("method", u.method());
                            score.put("psnr", finite(u.psnr()));
                            score.put("ssim", finite(u.ssim()));
                            return score;
                        })
                        .toList());
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

    /** JSON has no NaN/Infinity: those become null. */
    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }
}
