package org.sirensweep.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.sirensweep.trial.Setting;
import org.sirensweep.trial.TrialSettings;

/**
 * One point of a sweep's grid: its settings and its id. The id is a hash of the canonical settings, with the image
 * identified by the SHA-256 of its bytes rather than its path, so the same trial has the same id in every run, on
 * every machine, wherever the sweep file sits; changing any setting or the image's content gives a new id.
 *
 * @param image   the image path as the sweep file wrote it
 * @param imageSha256 SHA-256 of the image file
 * @param values  every setting's canonical value by key (see {@link Setting}), plus the evaluation settings
 */
public record Trial(String id, TrialSettings settings, String image, String imageSha256, Map<String, Object> values)
        implements java.io.Serializable {

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public Trial {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The id of a trial with these canonical values: 16 hex digits of a SHA-256. */
    static String idOf(Map<String, Object> canonicalValues) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(new TreeMap<>(canonicalValues));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash trial settings", e);
        }
    }

    /** The settings that decide a trial's size, e.g. {@code {resolution=512, supervision=laplacian, ...}}. */
    public String shape() {
        TrialSettings s = settings;
        return "{resolution=" + s.resolution() + ", supervision="
                + s.supervision().id() + ", batch_size=" + s.batchSize() + ", width=" + s.width() + ", depth="
                + s.depth() + "}";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
