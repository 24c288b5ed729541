package org.sirensweep.trial;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.sirensweep.image.Supervision;

/**
 * The training settings, each declared once: its name (the sweep file's key, the result column, {@code train}'s
 * option as {@code --name-with-dashes}), kind, lowest value, default, role and help. Everything that lists settings
 * is derived from here: sweep files and {@code train} read them, a trial's id and its checkpoint fingerprint hash
 * them, packs group by them, the Parquet row stores them, {@code best} and the report show them.
 *
 * <p>To add one: a constant here, then the engine code that uses it ({@link TrialSettings#get}) and a test. A
 * setting added after the first fourteen enters a trial's id and fingerprint, and gets a value in its row, only
 * where it differs from its default, so datasets and checkpoints written before it keep their ids and resume.
 */
public enum Setting {
    IMAGE("image", Kind.TEXT, 0, null, Role.IMAGE, "path of a PNG image, relative to the sweep file"),
    RESOLUTION("resolution", Kind.INTEGER, 2, 256, Role.SHAPE, "training resolution in px (square), at least 2"),
    SUPERVISION("supervision", Kind.SUPERVISION, 0, "vanilla", Role.SHAPE, "vanilla, gradient, laplacian or combined"),
    EPOCHS("epochs", Kind.INTEGER, 1, 10000, Role.SHAPE, "passes over all pixels, at least 1"),
    BATCH_SIZE(
            "batch_size",
            Kind.BATCH_SIZE,
            0,
            0,
            Role.SHAPE,
            "points per step: a positive number, or 0 / 'full' for full batch"),
    SHUFFLE(
            "shuffle",
            Kind.BOOLEAN,
            0,
            false,
            Role.MEMBER,
            "true: fresh permutation every epoch; false: contiguous batches (Siren-Jax)"),
    LR("lr", Kind.POSITIVE_REAL, 0, 1e-4, Role.MEMBER, "Adam learning rate, a positive number"),
    DEPTH("depth", Kind.INTEGER, 1, 3, Role.SHAPE, "hidden sine layers after the first, at least 1"),
    WIDTH("width", Kind.INTEGER, 1, 256, Role.SHAPE, "units per sine layer, at least 1"),
    OMEGA0("omega0", Kind.POSITIVE_REAL, 0, 30.0, Role.SHAPE, "sine frequency factor, a positive number"),
    SEED("seed", Kind.LONG, 0, 0L, Role.MEMBER, "seed of every random draw, an integer"),
    OMEGA0_RESOLUTION(
            "omega0_resolution",
            Kind.INTEGER,
            2,
            null,
            Role.SHAPE,
            "the resolution omega0 is meant for: "
                    + "at another resolution the network uses omega0 · (resolution − 1) / (omega0_resolution − 1), the same "
                    + "frequency per pixel (default: omega0 as it is)"),
    TARGET_RESOLUTION(
            "target_resolution",
            Kind.INTEGER,
            2,
            null,
            Role.SHAPE,
            "the resolution Siren-Jax's "
                    + "derivative target factors are meant for: at another resolution they scale with the pixel spacing "
                    + "(default: the factors as they are)"),
    INJECT_FAULT(
            "inject_fault",
            Kind.FAULT,
            0,
            null,
            Role.TEST,
            "tests only: 'always' or 'first-attempt' makes the training throw; 'none'");

    /** The settings declared before this schema: their place in ids, fingerprints and rows is fixed on disk. */
    private static final Set<Setting> FIRST = EnumSet.range(IMAGE, INJECT_FAULT);

    /** What values a setting takes; every kind has one canonical Java type, so equal settings compare equal. */
    public enum Kind {
        /** A non-empty string. */
        TEXT(String.class),
        /** A {@code Supervision} id. */
        SUPERVISION(String.class),
        BOOLEAN(Boolean.class),
        /** An int at least the setting's lowest value. */
        INTEGER(Integer.class),
        /** Any long. */
        LONG(Long.class),
        /** A finite positive double. */
        POSITIVE_REAL(Double.class),
        /** Points per step: a positive int, or 0 for the full batch (also written {@code full}). */
        BATCH_SIZE(Integer.class),
        /** An injected fault's name, or none. */
        FAULT(String.class);

        private final Class<?> type;

        Kind(Class<?> type) {
            this.type = type;
        }

        /** The Java type of this kind's canonical values. */
        public Class<?> type() {
            return type;
        }
    }

    /** What a setting is to a pack and to a checkpoint. */
    public enum Role {
        /** The image: a trial is identified by its content, not its path. */
        IMAGE,
        /** Decides the network's or the batches' shape: a pack's members share it. */
        SHAPE,
        /** May differ between the members of a pack. */
        MEMBER,
        /** For tests only: not part of the training it describes (hidden from {@code train}'s help). */
        TEST
    }

    private final String key;
    private final Kind kind;
    private final int lowest;
    private final Object defaultValue;
    private final Role role;
    private final String help;

    Setting(String key, Kind kind, int lowest, Object defaultValue, Role role, String help) {
        this.key = key;
        this.kind = kind;
        this.lowest = lowest;
        this.defaultValue = defaultValue;
        this.role = role;
        this.help = help;
    }

    /** The name used in sweep files and as the result column. */
    public String key() {
        return key;
    }

    /** {@code train}'s option: the name with dashes. */
    public String option() {
        return "--" + key.replace('_', '-');
    }

    public Kind kind() {
        return kind;
    }

    /** The lowest value of an {@link Kind#INTEGER} setting. */
    public int lowest() {
        return lowest;
    }

    /** The value when nothing sets it; {@code null} when the setting is required (the image) or absent. */
    public Object defaultValue() {
        return defaultValue;
    }

    public Role role() {
        return role;
    }

    public String help() {
        return help;
    }

    /** Whether every trial must set it (it has no default and is not optional). */
    public boolean required() {
        return role == Role.IMAGE;
    }

    /** Whether this is a setting of the training itself (all but those only tests use). */
    public boolean isTraining() {
        return role != Role.TEST;
    }

    /** Whether it was declared with the first fourteen, whose place in ids, fingerprints and rows is fixed. */
    public boolean isFirst() {
        return FIRST.contains(this);
    }

    /**
     * Whether {@code value} goes into a trial's identity (its id, its fingerprint, its row): always for the first
     * fourteen when set, and for a later setting where it differs from the default, so trials that leave it alone
     * keep the ids they had before it existed.
     */
    public boolean identifies(Object value) {
        return value != null && (isFirst() || !Objects.equals(value, defaultValue));
    }

    /**
     * Checks a canonical value of this setting's kind against its rules (the lowest value, positivity, the known
     * names); the exception's message says what was expected and what was found.
     */
    public Object check(Object value) {
        if (value == null) {
            if (required()) {
                throw new IllegalArgumentException("is required");
            }
            return null;
        }
        if (!kind.type().isInstance(value)) {
            throw new IllegalArgumentException("expected a " + kind.type().getSimpleName() + ", got " + value);
        }
        switch (kind) {
            case INTEGER, BATCH_SIZE -> {
                int min = kind == Kind.BATCH_SIZE ? 0 : lowest;
                if ((Integer) value < min) {
                    throw new IllegalArgumentException("must be at least " + min + ", got " + value);
                }
            }
            case POSITIVE_REAL -> {
                double x = (Double) value;
                if (!(x > 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("must be a positive number, got " + value);
                }
            }
            case TEXT -> {
                if (((String) value).isBlank()) {
                    throw new IllegalArgumentException("expected a non-empty string, got '" + value + "'");
                }
            }
            case FAULT -> {
                if (!value.equals(TrialSettings.FAULT_ALWAYS) && !value.equals(TrialSettings.FAULT_FIRST_ATTEMPT)) {
                    throw new IllegalArgumentException("must be '" + TrialSettings.FAULT_ALWAYS + "' or '"
                            + TrialSettings.FAULT_FIRST_ATTEMPT + "', got '" + value + "'");
                }
            }
            case SUPERVISION -> {
                if (!Supervision.parse((String) value).id().equals(value)) {
                    throw new IllegalArgumentException("expected a supervision's id, got '" + value + "'");
                }
            }
            default -> {}
        }
        return value;
    }

    /** The setting named {@code key}, if any. */
    public static Optional<Setting> byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
