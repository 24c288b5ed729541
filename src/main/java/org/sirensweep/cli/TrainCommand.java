package org.sirensweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.image.Supervision;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.model.Siren;
import org.sirensweep.model.SirenConfig;
import org.sirensweep.train.CurvePoint;
import org.sirensweep.train.Evaluation;
import org.sirensweep.train.Renderer;
import org.sirensweep.train.Rendering;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingConfig;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrainingResult;
import org.sirensweep.train.TrainingStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--curve-interval", defaultValue = "0", description = "Epochs between learning-curve samples; 0 = about 50 samples.")
    int curveInterval;
    @Option(names = "--render-size", split = ",", description = "Extra render sizes (px), e.g. 512 for the upscale test.")
    List<Integer> renderSizes = new ArrayList<>();
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;
    @Option(names = "--overwrite", description = "Replace the output folder if it already holds results.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        TrainingConfig config = trainingConfig(cli);
        sirenConfig(cli, 1); // checks depth, width and omega0 before the image is read
        for (int size : renderSizes) {
            if (size < 1) {
                throw new CommandLine.ParameterException(cli, "--render-size must be positive, got " + size);
            }
        }
        PixelImage picture = loadImage(cli);
        if (config.batchSize() > picture.pixels()) {
            throw new CommandLine.ParameterException(cli, "--batch-size " + batchSize + " is larger than the "
                    + picture.pixels() + " pixels of a " + resolution + "x" + resolution + " image");
        }
        OutputFolder folder = OutputFolder.prepare(cli, "--out", out, overwrite);
        try {
            long setupStart = System.nanoTime();
            Siren network = Siren.initialise(sirenConfig(cli, picture.channels()), seed, DataType.FLOAT);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            TrainingResult result;
            Instant started = Instant.now();
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName(supervision).setInitialMax(1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                    .showSpeed().build()) {
                result = Trainer.train(network, picture, config, progressBar(bar));
            }
            long renderStart = System.nanoTime();
            Map<String, String> files = writeArtefacts(folder, network, picture, result);
            double renderSeconds = (System.nanoTime() - renderStart) / 1e9;
            Map<String, Object> report = report(config, network.config(), result, files, started, setupSeconds,
                    renderSeconds);
            mapper().writeValue(folder.file("result.json").toFile(), report);
            folder.commit();
            PrintSummary.of(result, folder.target(), spec.commandLine().getOut());
            return result.status() == TrainingStatus.OK ? 0 : DIVERGED;
        } catch (IOException | RuntimeException | Error e) {
            folder.discard();
            throw e;
        }
    }

    private TrainingConfig trainingConfig(CommandLine cli) {
        Supervision kind;
        try {
            kind = Supervision.parse(supervision);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--supervision: " + e.getMessage());
        }
        int interval = curveInterval == 0 ? Math.max(1, epochs / 50) : curveInterval;
        try {
            return new TrainingConfig(kind, epochs, batchSize, shuffle, learningRate, seed, interval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    private SirenConfig sirenConfig(CommandLine cli, int channels) {
        try {
            return SirenConfig.forImage(channels, width, depth, omega0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    private PixelImage loadImage(CommandLine cli) {
        try {
            return TrainingImage.load(image, resolution);
        } catch (ImageFormatException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--image: " + e.getMessage());
        }
    }

    private static TrainingProgress progressBar(ProgressBar bar) {
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
                bar.setExtraMessage(String.format(" loss %.3g  PSNR %.2f dB (affine %.2f)", point.loss(), point.psnr(),
                        point.psnrAffine()));
            }
        };
    }

    /** Renders at the training size (and any extra sizes) and writes every file; returns name → description. */
    private Map<String, String> writeArtefacts(OutputFolder folder, Siren network, PixelImage picture,
                                               TrainingResult result) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        NpzWeights.write(network, folder.file("params.npz"));
        files.put("params.npz", "weights (NumPy .npz)");
        PngCodec.write(picture, folder.file("target.png"));
        files.put("target.png", "the training image at " + resolution + "x" + resolution);
        if (result.status() == TrainingStatus.DIVERGED) {
            return files;
        }
        Renderer renderer = new Renderer(network, Derivatives.ALL);
        Rendering training = renderer.render(picture.height(), picture.width());
        Evaluation.Affine affine = Evaluation.fitAffine(training, picture);
        RenderFiles.write(training, affine, "", folder::file, files);
        for (int size : renderSizes) {
            RenderFiles.write(renderer.render(size, size), affine, size + "-", folder::file, files);
        }
        return files;
    }

    private Map<String, Object> report(TrainingConfig config, SirenConfig net, TrainingResult result,
                                       Map<String, String> files, Instant started, double setupSeconds,
                                       double renderSeconds) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("image", image.toString());
        settings.put("resolution", resolution);
        settings.put("channels", net.outputs());
        settings.put("supervision", config.supervision().id());
        settings.put("epochs", config.epochs());
        settings.put("batch_size", config.batchSize());
        settings.put("shuffle", config.shuffle());
        settings.put("lr", config.learningRate());
        settings.put("depth", net.depth());
        settings.put("width", net.width());
        settings.put("omega0", net.omega0());
        settings.put("seed", config.seed());
        settings.put("curve_interval", config.curveInterval());
        settings.put("render_sizes", renderSizes);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("settings", settings);
        report.put("status", result.status().id());
        report.put("diverged_at_step", result.divergedAtStep() < 0 ? null : result.divergedAtStep());
        report.put("steps", result.steps());
        report.put("final_loss", finite(result.finalLoss()));
        report.put("psnr", finite(result.psnr()));
        report.put("psnr_affine", finite(result.psnrAffine()));
        report.put("curve", result.curve().stream().map(p -> {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("step", p.step());
            point.put("epoch", p.epoch());
            point.put("loss", finite(p.loss()));
            point.put("psnr", finite(p.psnr()));
            point.put("psnr_affine", finite(p.psnrAffine()));
            point.put("seconds", p.seconds());
            return point;
        }).toList());
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("setup_s", setupSeconds);
        timings.put("train_s", result.trainSeconds());
        timings.put("ms_per_step", finite(result.msPerStep()));
        timings.put("render_s", renderSeconds);
        report.put("timings", timings);
        report.put("started_at", started.toString());
        report.put("finished_at", Instant.now().toString());
        report.put("machine", Machine.describe());
        report.put("files", files);
        return report;
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
