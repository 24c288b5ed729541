package org.sirensweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.model.Siren;
import org.sirensweep.train.Renderer;
import org.sirensweep.trial.TrialImage;
import org.sirensweep.trial.TrialSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siren-sweep render}: draws a trained network (from its .npz weights) at any size. */
@Command(
        name = "render",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Render trained weights (params.npz) as value, gradient and Laplacian PNGs at any size.")
public final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--params", required = true, description = "Weights written by train (params.npz).")
    Path params;

    @Option(names = "--size", defaultValue = "512", description = "Square render size (px). Default: ${DEFAULT-VALUE}.")
    int size;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        if (size < 1 || size > TrialSettings.MAX_RENDER_SIZE) {
            throw new CommandLine.ParameterException(
                    cli,
                    "--size must be between 1 and "
                            + TrialSettings.MAX_RENDER_SIZE + ", got " + size + " (a fixed limit: an "
                            + TrialSettings.MAX_RENDER_SIZE + "² render's planes already take 3 GB of heap)");
        }
        if (!Files.isRegularFile(params)) {
            throw new CommandLine.ParameterException(cli, "--params: weights file not found: " + params);
        }
        Siren network;
        try {
            network = NpzWeights.read(params);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cli, "--params: " + e.getMessage());
        }
        OutputFolder folder = output.prepare(cli);
        List<TrialImage> images = folder.write(staged -> {
            List<TrialImage> rendered;
            try (Renderer renderer = new Renderer(network, Derivatives.ALL)) {
                rendered = TrialImage.of(renderer.render(size, size), null, null);
            }
            for (TrialImage image : rendered) {
                Files.write(staged.file(image.kind() + ".png"), image.png());
            }
            return rendered;
        });
        cli.getOut()
                .printf(
                        "rendered %dx%d: %s in %s%n",
                        size,
                        size,
                        String.join(
                                ", ",
                                images.stream().map(i -> i.kind() + ".png").toList()),
                        folder.target());
        cli.getOut().flush();
        return 0;
    }
}
