package org.sirensweep.sweep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sirensweep.files.FileSettings;
import org.sirensweep.files.Location;
import org.sirensweep.image.ImageFormatException;
import org.sirensweep.image.PixelImage;
import org.sirensweep.image.PngCodec;
import org.sirensweep.trial.Setting;

/**
 * The images a sweep file names (paths relative to the sweep file, or URIs of any store), each read and decoded once
 * before any work, and checked.
 */
final class SweepImages {
    private SweepImages() {}

    /** An image as read once: its absolute path, bytes, SHA-256, size and channels. */
    record LoadedImage(String absolutePath, byte[] bytes, String sha256, int height, int width, int channels) {}

    /**
     * Reads and decodes every image once, and checks it is large enough for every resolution it is used at; an
     * image named by a URI is read with {@code files}' settings.
     */
    static Map<String, LoadedImage> load(
            SweepYaml yaml, Map<Setting, Object> fixed, Map<Setting, List<Object>> grid, FileSettings files)
            throws SweepFileException {
        String imagePath = fixed.containsKey(Setting.IMAGE) ? "settings.image" : "grid.image";
        List<Object> names =
                fixed.containsKey(Setting.IMAGE) ? List.of(fixed.get(Setting.IMAGE)) : grid.get(Setting.IMAGE);
        List<Object> resolutions = grid.getOrDefault(
                Setting.RESOLUTION, List.of(fixed.getOrDefault(Setting.RESOLUTION, Setting.RESOLUTION.defaultValue())));
        int largest = resolutions.stream().mapToInt(r -> (Integer) r).max().orElseThrow();
        Path base = yaml.file().toAbsolutePath().getParent();
        Map<String, LoadedImage> images = new LinkedHashMap<>();
        Map<String, String> bySha = new HashMap<>();
        for (Object name : names) {
            String given = (String) name;
            Location path = Location.isUri(given)
                    ? Location.of(given, files)
                    : Location.local(base.resolve(given).normalize(), files);
            PixelImage decoded;
            byte[] bytes;
            try {
                bytes = path.readAllBytes();
                decoded = PngCodec.decode(bytes, path.toString());
            } catch (FileNotFoundException e) {
                throw yaml.error(imagePath, "image not found: " + path);
            } catch (ImageFormatException e) {
                throw yaml.error(imagePath, e.getMessage());
            } catch (IOException e) {
                throw yaml.error(imagePath, "cannot read image " + path + ": " + e.getMessage());
            }
            if (largest > Math.min(decoded.height(), decoded.width())) {
                throw yaml.error(
                        imagePath,
                        "image " + name + " is " + decoded.width() + "x" + decoded.height()
                                + ", smaller than the training resolution " + largest + " (upsampling is refused)");
            }
            String sha = Trial.sha256(bytes);
            String twin = bySha.putIfAbsent(sha, (String) name);
            if (twin != null) {
                throw yaml.error(
                        imagePath,
                        "images " + twin + " and " + name + " have the same content (trials would be duplicated)");
            }
            images.put(
                    (String) name,
                    new LoadedImage(
                            path.toString(), bytes, sha, decoded.height(), decoded.width(), decoded.channels()));
        }
        return images;
    }
}
