package org.sirensweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sirensweep.trial.TrialEngine;

/**
 * Trial ids and checkpoint fingerprints are contracts with what is on disk: a dataset resumes only if its trials
 * keep their ids, and a checkpoint continues only the training with its fingerprint. These pin the values computed
 * by the build before the settings schema (commit 171acd9), for shipped sweep files that cover grids, sampling,
 * early stopping, omega0_resolution and target_resolution, so no refactoring of how settings are declared can
 * change them unnoticed.
 */
class IdentityStabilityTest {

    @ParameterizedTest
    @CsvSource({
        "sweeps/quickstart.yaml, 6 6af7dabd64f5e8f5 b3df9f2f61a39f0e",
        "sweeps/batch-effect-seed.yaml, 63 28009a43a1cc8c4d eaecb25bbc271f3a",
        "sweeps/random-search-halving.yaml, 36 72d5c21868cc279c ca2ec41fcf5770cf",
        "sweeps/upscale-seed.yaml, 6 d6fbdc78591f2199 3cd73c5794cf1f15"
    })
    void shippedSweepsKeepTheirTrialIds(String file, String expected) throws Exception {
        Sweep sweep = SweepFile.read(Path.of(file), 100_000);
        List<String> ids = sweep.trials().stream().map(Trial::id).toList();
        assertEquals(
                expected,
                ids.size() + " " + ids.get(0) + " "
                        + Trial.sha256(String.join(",", ids).getBytes(StandardCharsets.UTF_8))
                                .substring(0, 16),
                file);
    }

    @Test
    void checkpointFingerprintsStayTheSame() throws Exception {
        Sweep sweep = SweepFile.read(Path.of("sweeps/batch-effect-seed.yaml"), 100_000);
        StringBuilder fingerprints = new StringBuilder();
        for (Trial trial :
                List.of(sweep.trials().get(0), sweep.trials().get(sweep.trials().size() - 1))) {
            fingerprints
                    .append(TrialEngine.prepare(trial.settings()).fingerprint().substring(0, 16))
                    .append(' ');
        }
        Sweep halving = SweepFile.read(Path.of("sweeps/random-search-halving.yaml"), 100_000);
        fingerprints.append(TrialEngine.prepare(halving.trials().get(0).settings())
                .fingerprint()
                .substring(0, 16));
        assertEquals("6c1267088a92317a 4f433ac558a59b6c 03b801a6da79e790", fingerprints.toString());
    }
}
