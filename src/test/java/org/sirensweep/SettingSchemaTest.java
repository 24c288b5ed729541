package org.sirensweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sirensweep.cli.SirenSweep;
import org.sirensweep.store.ResultFiles;
import org.sirensweep.store.ResultTable;
import org.sirensweep.sweep.Sweep;
import org.sirensweep.sweep.SweepFile;
import org.sirensweep.sweep.TaskSlots;
import org.sirensweep.sweep.Trial;
import org.sirensweep.sweep.TrialPacks;
import org.sirensweep.sweep.TrialStage;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialEngine;
import picocli.CommandLine;

/**
 * Every setting declared in {@link Setting} reaches every place that lists settings, whichever it is: so a setting
 * added there is checked here without a line of this test changing. For each, a sweep file varies it over two
 * values in its grid, and the test follows the two trials: the sweep file reads it, {@code train} has its option,
 * the Parquet row has its column, {@code best} and the report show it, the trials' ids differ, their checkpoint
 * fingerprints differ where it is part of the training, packs keep trials apart where it decides their shape (and
 * the engine lets pack members differ in the others), and a sample block draws it by its kind.
 */
class SettingSchemaTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Setting.class)
    void aSettingReachesEveryPlaceThatListsSettings(Setting setting) throws Exception {
        List<String> values = twoValues(setting);
        Map<String, String> base = new LinkedHashMap<>(Map.of(
                "image",
                image("camera.png"),
                "resolution",
                "16",
                "width",
                "8",
                "depth",
                "1",
                "epochs",
                "2",
                "batch_size",
                "64"));
        base.remove(setting.key());
        Path file = dir.resolve("schema.yaml");
        StringBuilder yaml = new StringBuilder("name: schema\npack: 2\nsettings:\n");
        base.forEach(
                (k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        yaml.append("grid:\n  ")
                .append(setting.key())
                .append(": [")
                .append(String.join(", ", values))
                .append("]\n");
        Files.writeString(file, yaml);

        Sweep sweep = SweepFile.read(file, 10);
        assertEquals(2, sweep.trials().size(), "the sweep file reads " + setting.key());
        Trial a = sweep.trials().get(0);
        Trial b = sweep.trials().get(1);
        assertNotEquals(a.settings().get(setting), b.settings().get(setting), "the trials hold the two values");
        assertNotEquals(a.id(), b.id(), "the trial id changes with " + setting.key());

        CommandLine.Model.OptionSpec option = SirenSweep.commandLine()
                .getSubcommands()
                .get("train")
                .getCommandSpec()
                .findOption(setting.option());
        assertNotNull(option, "train has " + setting.option());
        assertEquals(!setting.isTraining(), option.hidden(), "only test settings are hidden from train's help");
        assertTrue(ResultFiles.SCHEMA.containsField(setting.key()), "the row has a column " + setting.key());
        assertEquals(setting.isTraining(), ResultTable.SETTINGS.contains(setting.key()), "best and the report");

        String fingerprintA = TrialEngine.prepare(a.settings()).fingerprint();
        String fingerprintB = TrialEngine.prepare(b.settings()).fingerprint();
        assertEquals(setting.isTraining(), !fingerprintA.equals(fingerprintB), "the checkpoint fingerprint");

        List<List<TrialStage>> packs = TrialPacks.form(
                sweep.trials().stream().map(TrialStage::whole).toList(), sweep, new TaskSlots(false, 1));
        boolean apart = setting.role() == Setting.Role.SHAPE || setting.role() == Setting.Role.IMAGE;
        assertEquals(apart ? 2 : 1, packs.size(), "packs keep trials of another shape apart, and only those");
        if (setting.role() == Setting.Role.MEMBER) { // what a pack's members may differ in, the engine allows too
            assertEquals(
                    a.settings().trainingConfig().packShape(),
                    b.settings().trainingConfig().packShape());
            assertEquals(a.settings().sirenConfig(1), b.settings().sirenConfig(1));
        }

        // Drawn at random by its kind: a real-valued setting log-uniformly, an integer one by randint (the trials'
        // seed excepted: in a sample block, seed is the draws' own).
        if (setting.isTraining()
                && setting != Setting.SEED
                && List.of(Setting.Kind.POSITIVE_REAL, Setting.Kind.INTEGER, Setting.Kind.LONG)
                        .contains(setting.kind())) {
            String draw = setting.kind() == Setting.Kind.POSITIVE_REAL
                    ? "loguniform(" + values.get(0) + ", " + values.get(1) + ")"
                    : "randint(" + values.get(0) + ", " + values.get(1) + ")";
            Path sampled = dir.resolve("sampled.yaml");
            Files.writeString(
                    sampled,
                    yaml.toString().replaceFirst("grid:\n.*\n", "") + "sample:\n  trials: 3\n  " + setting.key() + ": "
                            + draw + "\n");
            assertTrue(SweepFile.read(sampled, 10).trials().size() >= 1, "a sample block draws " + setting.key());
        }
    }

    /** Two valid, different values of {@code setting} as a sweep file writes them. */
    private List<String> twoValues(Setting setting) throws Exception {
        return switch (setting.kind()) {
            case TEXT -> List.of(image("camera.png"), image("astronaut.png"));
            case SUPERVISION -> List.of("vanilla", "gradient");
            case BOOLEAN -> List.of("false", "true");
            case INTEGER -> List.of(String.valueOf(setting.lowest() + 14), String.valueOf(setting.lowest() + 22));
            case LONG -> List.of("0", "1");
            case POSITIVE_REAL -> List.of("1.5", "2.5");
            case BATCH_SIZE -> List.of("full", "64");
            case FAULT -> List.of("none", "always");
        };
    }

    private static String image(String name) {
        return Path.of("data", name).toAbsolutePath().toString();
    }
}
