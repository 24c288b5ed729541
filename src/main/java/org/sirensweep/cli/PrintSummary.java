package org.sirensweep.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.sirensweep.trial.TrialOutcome;
import org.sirensweep.train.TrainingStatus;

/** The closing lines of a training command: what came out and where. */
final class PrintSummary {
    private PrintSummary() {
    }

    static void of(TrialOutcome result, Path folder, PrintWriter out) {
        if (result.status() == TrainingStatus.DIVERGED) {
            out.printf("diverged: the loss was not finite at step %d; partial results in %s%n",
                    result.divergedAtStep(), folder);
        } else {
            out.printf("done: %d steps%s, %.1f ms/step, final loss %.4g, PSNR %.2f dB (affine-fitted %.2f dB)%n",
                    result.steps(), result.resumedFromStep() > 0 ? " (continued from step " + result.resumedFromStep()
                            + ")" : "", result.timings().msPerStep(), result.finalLoss(), result.psnr(),
                    result.psnrAffine());
            out.printf("results: %s (result.json, params.npz, value.png, gradient.png, laplacian.png)%n", folder);
        }
        out.flush();
    }
}
