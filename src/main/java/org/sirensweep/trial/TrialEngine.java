package org.sirensweep.trial;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.sirensweep.cuda.Device;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.image.ResampleFilter;
import org.sirensweep.image.TrainingImage;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.model.Siren;
import org.sirensweep.train.Checkpoints;
import org.sirensweep.train.DeviceRenderer;
import org.sirensweep.train.Evaluation;
import org.sirensweep.train.HarmonicFit;
import org.sirensweep.train.NetworkRenderer;
import org.sirensweep.train.Renderer;
import org.sirensweep.train.Rendering;
import org.sirensweep.train.Trainer;
import org.sirensweep.train.TrainingProgress;
import org.sirensweep.train.TrainingResult;
import org.sirensweep.train.TrialStatus;

/**
 * The engine's one entry point: loads a trial's image, trains a SIREN on it, evaluates and renders the result. Used
 * by {@code siren-sweep train} and by each Spark task of a sweep alike.
 */
public final class TrialEngine {
    private final TrialSettings settings;
    private final PixelImage original;
    private final PixelImage picture;
    private final double loadSeconds;

    private TrialEngine(TrialSettings settings, PixelImage original, long loadStart) {
        this.settings = settings;
        this.original = original;
        this.picture = TrainingImage.fromOriginal(original, settings.image(), settings.resolution());
        this.loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    }

    /** Reads and resizes the trial's image; a missing or unusable image fails here, before anything is trained. */
    public static TrialEngine prepare(TrialSettings settings) throws ImageFormatException {
        long start = System.nanoTime();
        return new TrialEngine(settings, PngCodec.read(Path.of(settings.image())), start);
    }

    /** As {@link #prepare(TrialSettings)}, with the image file's bytes given (shipped to where the trial runs). */
    public static TrialEngine prepare(TrialSettings settings, byte[] imagePng) throws ImageFormatException {
        long start = System.nanoTime();
        return new TrialEngine(settings, PngCodec.decode(imagePng, settings.image()), start);
    }

    /**
     * What identifies this training for its checkpoints: every setting but the image's path, and the training
     * image's pixels (a SHA-256 over both), so a checkpoint is used only by the training that saved it, wherever
     * the files have moved.
     */
    public String fingerprint() {
        MessageDigest digest = sha256();
        TrialSettings s = settings;
        digest.update(String.join(
                        "|",
                        String.valueOf(s.resolution()),
                        s.supervision().id(),
                        String.valueOf(s.epochs()),
                        String.valueOf(s.batchSize()),
                        String.valueOf(s.shuffle()),
                        Double.toString(s.learningRate()),
                        String.valueOf(s.depth()),
                        String.valueOf(s.width()),
                        Double.toString(s.effectiveOmega0()),
                        String.valueOf(s.seed()),
                        String.valueOf(s.curveInterval()),
                        s.targetScales().toString())
                .getBytes(StandardCharsets.UTF_8));
        if (!s.rungs().isEmpty()) { // only then, so checkpoints saved before rungs existed stay valid
            digest.update(("|rungs" + s.rungs()).getBytes(StandardCharsets.UTF_8));
        }
        // The first fourteen settings are above, as saved checkpoints hold them; a later one enters by name where it
        // differs from its default, so checkpoints saved before it existed stay valid.
        for (Setting setting : Setting.values()) {
            if (!setting.isFirst() && setting.isTraining() && setting.identifies(s.get(setting))) {
                digest.update(("|" + setting.key() + "=" + s.get(setting)).getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteBuffer pixels = ByteBuffer.allocate(Double.BYTES * picture.samples().length);
        pixels.asDoubleBuffer().put(picture.samples());
        digest.update(pixels.array());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The training image (after the resize). */
    public PixelImage picture() {
        return picture;
    }

    /**
     * Trains, evaluates and renders. {@code attempt} (1 for the first) only matters to an injected fault. A loss that
     * becomes NaN/Inf is an outcome with status {@link TrialStatus#DIVERGED}; anything else that goes wrong throws.
     */
    public TrialOutcome run(int attempt, TrainingProgress progress) {
        return run(attempt, progress, Checkpoints.NONE);
    }

    /**
     * As {@link #run(int, TrainingProgress)}, continuing from {@code checkpoints}' saved state if it has one of this
     * training, and saving there as the training goes.
     */
    public TrialOutcome run(int attempt, TrainingProgress progress, Checkpoints checkpoints) {
        return run(attempt, progress, checkpoints, settings.epochs());
    }

    /**
     * As {@link #run(int, TrainingProgress, Checkpoints)}, ending after epoch {@code untilEpoch}: before the last
     * epoch the outcome is {@link TrialStatus#STOPPED}, with the pictures, measures and weights of the network at
     * that epoch (a trial successive halving stops at a rung).
     */
    public TrialOutcome run(int attempt, TrainingProgress progress, Checkpoints checkpoints, int untilEpoch) {
        return runPack(List.of(this), attempt, List.of(progress), List.of(checkpoints), untilEpoch, false, null)
                .get(0)
                .orElseThrow();
    }

    /** As {@link #run(int, TrainingProgress, Checkpoints)}, training on {@code gpu} (null: the CPU). */
    public TrialOutcome run(int attempt, TrainingProgress progress, Checkpoints checkpoints, Device gpu) {
        return runPack(List.of(this), attempt, List.of(progress), List.of(checkpoints), settings.epochs(), false, gpu)
                .get(0)
                .orElseThrow();
    }

    /**
     * Trains up to the end of epoch {@code untilEpoch}, before the last, and leaves the state in {@code checkpoints}
     * for a later call to continue, rendering nothing: a trial at a successive-halving rung, waiting for the others.
     * Returns the trial's outcome only if its training diverged (that is its result); otherwise empty.
     */
    public Optional<TrialOutcome> advance(
            int attempt, TrainingProgress progress, Checkpoints checkpoints, int untilEpoch) {
        return runPack(List.of(this), attempt, List.of(progress), List.of(checkpoints), untilEpoch, true, null)
                .get(0);
    }

    /**
     * Runs trials of one shape as one pack ({@link Trainer#trainPack}: the same bits as each alone), to the end of
     * epoch {@code untilEpoch}, then evaluates and renders each. With {@code pause} (before the last epoch) a trial
     * that did not diverge keeps its state in its checkpoints and has no outcome yet (empty); otherwise every trial
     * has its outcome. An injected fault of any trial fails the pack. The training, evaluation and rendering run on
     * {@code gpu} (null: the CPU).
     */
    public static List<Optional<TrialOutcome>> runPack(
            List<TrialEngine> runners,
            int attempt,
            List<TrainingProgress> progress,
            List<Checkpoints> checkpoints,
            int untilEpoch,
            boolean pause,
            Device gpu) {
        if (pause && untilEpoch >= runners.get(0).settings.epochs()) {
            throw new IllegalArgumentException("a pause must come before the last epoch "
                    + runners.get(0).settings.epochs() + ", got " + untilEpoch);
        }
        TrialSettings first = runners.get(0).settings;
        for (TrialEngine runner : runners) {
            if (!runner.settings.packShape().equals(first.packShape())) {
                throw new IllegalArgumentException("a pack's trials share their image and every shape setting: "
                        + runner.settings.packShape() + " against " + first.packShape());
            }
        }
        long setupStart = System.nanoTime();
        List<Trainer.Member> members = new ArrayList<>();
        for (int p = 0; p < runners.size(); p++) {
            TrialEngine runner = runners.get(p);
            runner.checkFault(attempt);
            TrialSettings s = runner.settings;
            members.add(new Trainer.Member(
                    Siren.initialise(s.sirenConfig(runner.picture.channels()), s.seed(), DataType.FLOAT),
                    s.trainingConfig(),
                    progress.get(p),
                    checkpoints.get(p)));
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9 / runners.size();
        List<TrainingResult> results = Trainer.trainPack(members, runners.get(0).picture, untilEpoch, gpu);
        List<Optional<TrialOutcome>> outcomes = new ArrayList<>();
        for (int p = 0; p < runners.size(); p++) {
            TrialEngine runner = runners.get(p);
            TrainingResult result = results.get(p);
            boolean diverged = result.status() == TrialStatus.DIVERGED;
            Trained trained =
                    new Trained(result.network(), result, runner.loadSeconds + setupSeconds, Compute.deviceName(gpu));
            outcomes.add(pause && !diverged ? Optional.empty() : Optional.of(runner.outcome(trained, !diverged, gpu)));
        }
        return outcomes;
    }

    /** A trained network, what its training reported, the seconds spent before it, and where it trained. */
    private record Trained(Siren network, TrainingResult result, double setupSeconds, String device) {}

    private void checkFault(int attempt) {
        if (TrialSettings.FAULT_ALWAYS.equals(settings.injectedFault())
                || (TrialSettings.FAULT_FIRST_ATTEMPT.equals(settings.injectedFault()) && attempt == 1)) {
            throw new IllegalStateException("injected fault (" + settings.injectedFault() + ") at attempt " + attempt);
        }
    }

    /**
     * The outcome of a training: with its pictures and upscale scores if {@code render} (drawn on {@code gpu} where
     * it trained, else on the CPU), and its weights.
     */
    private TrialOutcome outcome(Trained trained, boolean render, Device gpu) {
        Siren network = trained.network;
        TrainingResult result = trained.result;
        long renderStart = System.nanoTime();
        List<TrialImage> images = new ArrayList<>();
        List<UpscaleScore> upscale = new ArrayList<>();
        images.add(new TrialImage("target", settings.resolution(), PngCodec.encode(picture)));
        if (render) {
            try (NetworkRenderer renderer =
                    gpu == null ? new Renderer(network, Derivatives.ALL) : new DeviceRenderer(gpu, network)) {
                Rendering training = renderer.render(picture.height(), picture.width());
                Evaluation.Affine affine = Evaluation.fitAffine(training, picture);
                HarmonicFit harmonic = HarmonicFit.of(training, picture);
                images.addAll(TrialImage.of(training, affine, harmonic));
                for (int size : settings.renderSizes()) {
                    Rendering rendering = renderer.render(size, size);
                    images.addAll(TrialImage.of(rendering, affine, harmonic));
                    images.add(new TrialImage(
                            "bicubic",
                            size,
                            PngCodec.encode(Upscaling.baseline(picture, size, ResampleFilter.BICUBIC))));
                    PixelImage reference = Upscaling.reference(original, size);
                    if (reference != null) {
                        upscale.addAll(Upscaling.scores(rendering, affine, harmonic, picture, reference));
                    }
                }
            }
        }
        byte[] weights = NpzWeights.toBytes(network);
        double renderSeconds = (System.nanoTime() - renderStart) / 1e9;
        return new TrialOutcome(
                settings,
                picture.channels(),
                result.status(),
                result.divergedAtStep(),
                result.steps(),
                result.finalLoss(),
                result.measures(),
                result.curve(),
                new TrialOutcome.Timings(
                        trained.setupSeconds, result.trainSeconds(), result.msPerStep(), renderSeconds),
                List.copyOf(images),
                List.copyOf(upscale),
                weights,
                trained.device,
                result.resumedFromStep());
    }
}
