package org.sirensweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sirensweep.model.Derivatives;
import org.sirensweep.model.NpzWeights;
import org.sirensweep.model.Siren;
import org.sirensweep.train.Renderer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code siren-sweep render}: draws a trained network (from its .npz weights) at any size. */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Render trained weights (params.npz) as value, gradient and Laplacian PNGs at any size.")
public final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--params", required = true, description = "Weights written by train (params.npz).")
    Path params;
    @Option(names = "--size", defaultValue = "512", description = "Square render size (px). Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;
    @Option(names = "--overwrite", description = "Replace the output folder if it already holds results.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        CommandLine cli = spec.commandLine();
        if (size < 1 || size > 16384) {
            throw new CommandLine.ParameterException(cli, "--size must be between 1 and 16384, got " + size);
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
        OutputFolder folder = OutputFolder.prepare(cli, "--out", out, overwrite);
        try {
            Map<String, String> files = new LinkedHashMap<>();
            RenderFiles.write(new Renderer(network, Derivatives.ALL).render(size, size), null, "", folder::file, files);
            folder.commit();
            cli.getOut().printf("rendered %dx%d: %s in %s%n", size, size, String.join(", ", files.keySet()), folder.target());
            cli.getOut().flush();
            return 0;
        } catch (IOException | RuntimeException | Error e) {
            folder.discard();
            throw e;
        }
    }
}
