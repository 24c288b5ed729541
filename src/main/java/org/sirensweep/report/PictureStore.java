package org.sirensweep.report;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.image.ResampleFilter;
import org.sirensweep.image.Resampler;

/**
 * The pictures a report inlines, each stored once however many trials show it (every trial of an image shows the
 * same target) under a reference made from its bytes, as base64 for the page. Thumbnails are made once and kept, so
 * a live report's rewrites only encode the pictures of new rows.
 */
final class PictureStore {
    /** The largest side of a thumbnail; smaller pictures are their own thumbnails. */
    static final int THUMBNAIL = 128;

    private final Map<String, String> base64 = new ConcurrentHashMap<>();
    private final Map<String, String> thumbnailOf = new ConcurrentHashMap<>();

    /** The reference of {@code png}, stored. */
    String add(byte[] png) {
        String ref = reference(png);
        base64.computeIfAbsent(ref, r -> Base64.getEncoder().encodeToString(png));
        return ref;
    }

    /** The reference of {@code picture}'s thumbnail: the picture itself up to {@link #THUMBNAIL} pixels across. */
    String thumbnail(ReportedTrial.Picture picture) {
        if (picture.size() <= THUMBNAIL) {
            return add(picture.png());
        }
        return thumbnailOf.computeIfAbsent(reference(picture.png()), source -> add(shrink(picture)));
    }

    /** The stored pictures among {@code refs}, for the page. */
    Map<String, String> pictures(Set<String> refs) {
        Map<String, String> chosen = new LinkedHashMap<>();
        refs.stream().sorted().forEach(ref -> chosen.put(ref, base64.get(ref)));
        return chosen;
    }

    /** Down by a whole factor, with Pillow's antialiased bilinear filter (a thumbnail is for finding, not judging). */
    private static byte[] shrink(ReportedTrial.Picture picture) {
        try {
            PixelImage image = PngCodec.decode(picture.png(), picture.kind());
            int factor = (Math.max(image.width(), image.height()) + THUMBNAIL - 1) / THUMBNAIL;
            return PngCodec.encode(Resampler.resize(
                    image,
                    Math.max(1, image.height() / factor),
                    Math.max(1, image.width() / factor),
                    ResampleFilter.BILINEAR));
        } catch (ImageFormatException e) {
            throw new IllegalStateException(picture.kind() + " picture: " + e.getMessage(), e);
        }
    }

    private static String reference(byte[] png) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
