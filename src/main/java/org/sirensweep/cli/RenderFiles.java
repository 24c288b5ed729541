package org.sirensweep.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.sirensweep.image.PngCodec;
import org.sirensweep.train.Evaluation;
import org.sirensweep.train.Rendering;

/** Writes a rendering's pictures: value (raw and affine-fitted), gradient and Laplacian PNGs. */
final class RenderFiles {
    private RenderFiles() {
    }

    static void write(Rendering rendering, Evaluation.Affine affine, String prefix, Function<String, Path> place,
                      Map<String, String> files) throws IOException {
        String size = rendering.width() + "x" + rendering.height();
        files.put(prefix + "value.png", "network value at " + size + ", clip(out/2+0.5)");
        PngCodec.write(rendering.valueImage(), place.apply(prefix + "value.png"));
        if (affine != null) {
            files.put(prefix + "value-affine.png", "network value at " + size + " after the affine fit");
            PngCodec.write(rendering.valueImage(affine), place.apply(prefix + "value-affine.png"));
        }
        if (rendering.gradients() != null) {
            files.put(prefix + "gradient.png", "network gradient at " + size + " (HSV: hue = direction)");
            PngCodec.write(rendering.gradientImage(), place.apply(prefix + "gradient.png"));
        }
        if (rendering.laplacians() != null) {
            files.put(prefix + "laplacian.png", "network Laplacian at " + size + " (RdBu, 2% clipped)");
            PngCodec.write(rendering.laplacianImage(), place.apply(prefix + "laplacian.png"));
        }
    }
}
