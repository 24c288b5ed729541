package org.sirensweep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.sirensweep.train.Measures;
import org.sirensweep.train.TrialStatus;
import org.sirensweep.trial.TrialOutcome;

/** The closing lines of a training command: what came out and where. */
final class PrintSummary {
    private PrintSummary() {}

    static void of(TrialOutcome result, Path folder, PrintWriter out) {
        if (result.status() == TrialStatus.DIVERGED) {
            out.printf(
                    "diverged: the loss was not finite at step %d; partial results in %s%n",
                    result.divergedAtStep(), folder);
        } else {
            Measures m = result.measures();
            out.printf(
                    "done: %d steps%s, %.1f ms/step, final loss %.4g, PSNR %.2f dB (affine-fitted %.2f dB, "
                            + "harmonic-fitted %.2f dB), gradient error %.3f, Laplacian error %.3f%n",
                    result.steps(),
                    result.resumedFromStep() > 0 ? " (continued from step " + result.resumedFromStep() + ")" : "",
                    result.timings().msPerStep(),
                    result.finalLoss(),
                    m.psnr(),
                    m.psnrAffine(),
                    m.psnrHarmonic(),
                    m.gradientError(),
                    m.laplacianError());
            out.printf("results: %s (result.json, params.npz, value.png, gradient.png, laplacian.png)%n", folder);
        }
        out.flush();
    }
}
