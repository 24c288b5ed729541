package org.sirensweep.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sirensweep.image.TargetScales;

/** ω0 and the target factors carried to another resolution keep their meaning per pixel; by default they are Siren-Jax's. */
class TrialSettingsTest {
    private static TrialSettings at(int resolution, Integer omega0Resolution, Integer targetResolution) {
        Map<Setting, Object> values = new EnumMap<>(Map.of(
                Setting.IMAGE,
                "a.png",
                Setting.RESOLUTION,
                resolution,
                Setting.SUPERVISION,
                "laplacian",
                Setting.EPOCHS,
                10,
                Setting.WIDTH,
                64));
        if (omega0Resolution != null) {
            values.put(Setting.OMEGA0_RESOLUTION, omega0Resolution);
        }
        if (targetResolution != null) {
            values.put(Setting.TARGET_RESOLUTION, targetResolution);
        }
        return new TrialSettings(values, 1, List.of(), List.of());
    }

    @Test
    void omega0AndTheTargetFactorsScaleWithThePixelSpacing() {
        TrialSettings scaled = at(64, 256, 256);
        assertEquals(30 * 63 / 255.0, scaled.effectiveOmega0(), 1e-12);
        assertEquals(30 * 63 / 255.0, scaled.sirenConfig(1).omega0(), 1e-12);
        assertEquals(10 * 63 / 255.0, scaled.targetScales().gradient(), 1e-12);
        assertEquals(1e4 * (63 / 255.0) * (63 / 255.0), scaled.targetScales().laplacian(), 1e-9);
        assertEquals(scaled.targetScales(), scaled.trainingConfig().targetScales());

        TrialSettings plain = at(64, null, null);
        assertEquals(30, plain.effectiveOmega0());
        assertSame(TargetScales.SIREN_JAX, plain.targetScales());
        TrialSettings atItsOwn = at(256, 256, 256);
        assertEquals(30, atItsOwn.effectiveOmega0(), 1e-12);
        assertEquals(TargetScales.SIREN_JAX, atItsOwn.targetScales());
    }
}
