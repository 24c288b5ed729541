package org.sirensweep.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Reads and writes PNG files with the JDK's ImageIO codec; gray stays one channel, colour becomes RGB. */
public final class PngCodec {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngCodec() {}

    /** Reads a PNG; 16-bit samples are scaled to [0, 1] like 8-bit ones, an alpha channel is dropped. */
    public static PixelImage read(Path file) throws ImageFormatException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageFormatException("image not found: " + file);
        } catch (IOException e) {
            throw new ImageFormatException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes PNG bytes; {@code source} names them in error messages. */
    public static PixelImage decode(byte[] bytes, String source) throws ImageFormatException {
        if (bytes.length < PNG_SIGNATURE.length || !java.util.Arrays.equals(bytes, 0, 8, PNG_SIGNATURE, 0, 8)) {
            throw new ImageFormatException("not a PNG file: " + source);
        }
        BufferedImage image;
        // A memory-cached stream: ImageIO's default caches every stream in a temporary file.
        try (InputStream in = new java.io.ByteArrayInputStream(bytes);
                ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(stream, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageFormatException("corrupt or truncated PNG " + source + ": " + e.getMessage(), e);
        }
        return toPixelImage(image);
    }

    private static PixelImage toPixelImage(BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        int colourComponents = image.getColorModel().getNumColorComponents();
        boolean indexed =
                image.getType() == BufferedImage.TYPE_BYTE_INDEXED || image.getType() == BufferedImage.TYPE_BYTE_BINARY;
        if (colourComponents == 1 && !indexed) {
            Raster raster = image.getRaster();
            double max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
            double[] samples = new double[height * width];
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    samples[r * width + c] = raster.getSample(c, r, 0) / max;
                }
            }
            return new PixelImage(height, width, 1, samples);
        }
        // Colour, palette and 16-bit RGB alike: let ImageIO convert to 8-bit sRGB.
        double[] samples = new double[height * width * 3];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int rgb = image.getRGB(c, r);
                int p = (r * width + c) * 3;
                samples[p] = ((rgb >> 16) & 0xff) / 255.0;
                samples[p + 1] = ((rgb >> 8) & 0xff) / 255.0;
                samples[p + 2] = (rgb & 0xff) / 255.0;
            }
        }
        return new PixelImage(height, width, 3, samples);
    }

    /** Encodes an image as 8-bit PNG (gray or RGB), rounding each sample to the nearest level. */
    public static byte[] encode(PixelImage image) {
        int type = image.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
        BufferedImage out = new BufferedImage(image.width(), image.height(), type);
        for (int r = 0; r < image.height(); r++) {
            for (int c = 0; c < image.width(); c++) {
                if (image.channels() == 1) {
                    out.getRaster().setSample(c, r, 0, toLevel(image.get(r, c, 0)));
                } else {
                    out.setRGB(
                            c,
                            r,
                            toLevel(image.get(r, c, 0)) << 16
                                    | toLevel(image.get(r, c, 1)) << 8
                                    | toLevel(image.get(r, c, 2)));
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Writes an image as an 8-bit PNG file. */
    public static void write(PixelImage image, Path file) throws IOException {
        Files.write(file, encode(image));
    }

    static int toLevel(double intensity) {
        return (int) Math.round(Math.max(0, Math.min(1, intensity)) * 255);
    }
}
