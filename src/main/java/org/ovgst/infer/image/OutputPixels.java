package org.ovgst.infer.image;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.model.ImageOutput;

/**
 * Turns one image of a model output (f32, NCHW or NHWC) into 8-bit packed pixels: each value
 * becomes {@code activation(value) * scale + offset}, clamped to 0-255 and rounded to the nearest
 * integer (halves up); NaN becomes 0. FFmpeg's dnn_processing does the same for [0, 1] outputs with
 * scale 255.
 *
 * @param image the output and its layout
 * @param sigmoid whether values are logits that go through {@code 1 / (1 + e^-x)} first ({@code output-activation})
 * @param scale what a value is multiplied by ({@code output-scale})
 * @param offset what is then added ({@code output-offset})
 */
public record OutputPixels(ImageOutput image, boolean sigmoid, float scale, float offset) {
    /** A destination byte set to 255 whatever the model says: the x of RGBx, an opaque alpha. */
    public static final int OPAQUE = -1;

    /**
     * Writes frame {@code slot} of {@code output} into {@code dest}.
     *
     * @param shape the output's static shape, batch first
     * @param crop pixels of the output left out on each side ({@code output-crop})
     * @param order for each byte of a destination pixel, the output channel written there, or
     *     {@link #OPAQUE}; its length is the destination's bytes per pixel
     * @param stride bytes from one destination row to the next
     */
    public void write(MemorySegment output, long[] shape, int slot, int crop, MemorySegment dest, long destOffset,
            int stride, int[] order) {
        int fullWidth = image.width(shape);
        int fullHeight = image.height(shape);
        int width = fullWidth - 2 * crop;
        int height = fullHeight - 2 * crop;
        int channels = image.channels();
        long plane = (long) fullWidth * fullHeight;
        long frameBase = slot * plane * channels;
        int pixelBytes = order.length;
        // Per channel: how far apart two pixels of a row are, and where its first value lies.
        long pixelStep = image.channelsFirst() ? 1 : channels;
        for (int y = 0; y < height; y++) {
            long rowBase = frameBase + (image.channelsFirst() ? (long) (y + crop) * fullWidth + crop
                    : ((long) (y + crop) * fullWidth + crop) * channels);
            long destRow = destOffset + (long) y * stride;
            for (int b = 0; b < pixelBytes; b++) {
                int channel = order[b];
                long at = destRow + b;
                if (channel == OPAQUE) {
                    for (int x = 0; x < width; x++, at += pixelBytes) {
                        dest.set(JAVA_BYTE, at, (byte) 255);
                    }
                    continue;
                }
                long source = (rowBase + (image.channelsFirst() ? channel * plane : channel)) * Float.BYTES;
                long step = pixelStep * Float.BYTES;
                for (int x = 0; x < width; x++, at += pixelBytes, source += step) {
                    dest.set(JAVA_BYTE, at, toByte(scaled(output.get(JAVA_FLOAT, source))));
                }
            }
        }
    }

    /** A value after the activation, scale and offset, before clamping and rounding. */
    float scaled(float value) {
        return (sigmoid ? (float) (1 / (1 + Math.exp(-value))) : value) * scale + offset;
    }

    /** A scaled value as a byte: clamped to 0-255, rounded to the nearest (halves up), NaN as 0. */
    static byte toByte(float scaled) {
        // NaN fails both comparisons and ends as 0.
        if (scaled >= 255f) {
            return (byte) 255;
        }
        if (!(scaled > 0f)) {
            return 0;
        }
        return (byte) (int) (scaled + 0.5f);
    }
}
