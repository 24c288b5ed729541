package org.sirensweep.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngCodecTest {
    @TempDir
    Path dir;

    @Test
    void bundledImagesLoadAsGrayAndRgb() throws Exception {
        PixelImage camera = PngCodec.read(Path.of("data/camera.png"));
        PixelImage astronaut = PngCodec.read(Path.of("data/astronaut.png"));
        assertEquals(1, camera.channels());
        assertEquals(3, astronaut.channels());
        assertEquals(512, camera.height());
        assertEquals(512, astronaut.width());
    }

    @Test
    void encodeThenDecodeKeepsEightBitLevels() throws Exception {
        for (int channels : new int[] {1, 3}) {
            double[] samples = new double[5 * 4 * channels];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (i * 37 % 256) / 255.0;
            }
            PixelImage image = new PixelImage(5, 4, channels, samples);
            PixelImage back = PngCodec.decode(PngCodec.encode(image), "memory");
            assertEquals(image, back);
        }
    }

    @Test
    void truncatedAndForeignFilesAreRejectedWithTheirName() throws Exception {
        byte[] png = Files.readAllBytes(Path.of("data/camera.png"));
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png, png.length / 3));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> PngCodec.read(truncated));
        assertTrue(e.getMessage().contains("truncated.png"), e.getMessage());

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        e = assertThrows(ImageFormatException.class, () -> PngCodec.read(text));
        assertTrue(e.getMessage().startsWith("not a PNG file"), e.getMessage());

        e = assertThrows(ImageFormatException.class, () -> PngCodec.read(dir.resolve("missing.png")));
        assertTrue(e.getMessage().startsWith("image not found"), e.getMessage());
    }
}
