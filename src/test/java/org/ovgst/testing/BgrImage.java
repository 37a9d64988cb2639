package org.ovgst.testing;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A decoded picture as packed 8-bit BGR rows: the memory layout of GStreamer's {@code video/x-raw,format=BGR}. */
public record BgrImage(int width, int height, byte[] pixels) {
    /** Decodes a PNG or JPEG file. */
    public static BgrImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: run ./ovgst setup");
        }
        BufferedImage decoded = ImageIO.read(file.toFile());
        if (decoded == null) {
            throw new IOException(file + " is not a PNG or JPEG picture");
        }
        if (decoded.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            // Gray values copied to blue, green and red as GStreamer's videoconvert does; Java2D's
            // drawing would take them for linear light and brighten them.
            byte[] gray = ((DataBufferByte) decoded.getRaster().getDataBuffer()).getData();
            byte[] pixels = new byte[gray.length * 3];
            for (int i = 0; i < gray.length; i++) {
                pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = gray[i];
            }
            return new BgrImage(decoded.getWidth(), decoded.getHeight(), pixels);
        }
        BufferedImage bgr = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(decoded, 0, 0, null);
        return new BgrImage(bgr.getWidth(), bgr.getHeight(), ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData());
    }

    /** This picture resized to {@code width x height}, bilinear (the same picture when the size is its own). */
    public BgrImage scaled(int width, int height) {
        return scaled(width, height, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }

    /** This picture resized by Java2D's interpolation {@code interpolation} (a {@code VALUE_INTERPOLATION_...}). */
    public BgrImage scaled(int width, int height, Object interpolation) {
        if (this.width == width && this.height == height) {
            return this;
        }
        BufferedImage source = new BufferedImage(this.width, this.height, BufferedImage.TYPE_3BYTE_BGR);
        System.arraycopy(pixels, 0, ((DataBufferByte) source.getRaster().getDataBuffer()).getData(), 0, pixels.length);
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        var graphics = target.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        graphics.drawImage(source, 0, 0, width, height, null);
        graphics.dispose();
        return new BgrImage(width, height, ((DataBufferByte) target.getRaster().getDataBuffer()).getData());
    }

    /** The pixels in off-heap memory, ready to wrap as a tensor. */
    public MemorySegment copyTo(Arena arena) {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, pixels);
    }

    /** Blue, green and red of one pixel, as unsigned values. */
    public int[] bgrAt(int x, int y) {
        int offset = (y * width + x) * 3;
        return new int[] {pixels[offset] & 0xff, pixels[offset + 1] & 0xff, pixels[offset + 2] & 0xff};
    }
}
