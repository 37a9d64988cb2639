package org.ovgst.infer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Puts a one-channel model output (a mask) into the alpha channel of the frame it was computed
 * from, at the frame's own size: the frame's colors are copied, and the mask, after the
 * activation, scale and offset of {@link OutputPixels}, is resized bilinearly (pixel centers
 * aligned, as OpenCV's and OpenVINO's linear resize) to the frame and rounded into 0-255 (MediaPipe's
 * segmentation: activation at the model's size, then resize). Keeps its scratch between frames:
 * one thread at a time.
 */
public final class MaskAlpha {
    /** A destination byte that takes the mask. */
    public static final int ALPHA = -1;

    private final OutputPixels values;
    /** The mask after activation, scale and offset, at the model's size. */
    private float[] mask = new float[0];
    /** For each frame column and row: the first mask column or row it reads, and the weight of the next. */
    private int[] columns = new int[0];
    private float[] columnWeights = new float[0];
    private int[] rows = new int[0];
    private float[] rowWeights = new float[0];
    private int maskWidth;
    private int maskHeight;

    public MaskAlpha(OutputPixels values) {
        if (values.image().channels() != 1) {
            throw new IllegalArgumentException("a mask has one channel, output " + values.image() + " has "
                    + values.image().channels());
        }
        this.values = values;
    }

    /**
     * Writes the frame with the mask as alpha.
     *
     * @param shape the output's static shape; frame {@code slot} of the batch is the mask
     * @param crop pixels of the mask left out on each side
     * @param frame the frame's bytes, a packed format of {@code frameLayout}
     * @param order for each byte of a destination pixel, the byte of a frame pixel copied there, or {@link #ALPHA}
     */
    public void write(MemorySegment output, long[] shape, int slot, int crop, MemorySegment frame,
            FrameLayout frameLayout, MemorySegment dest, long destOffset, int destStride, int[] order) {
        int fullWidth = values.image().width(shape);
        int fullHeight = values.image().height(shape);
        prepare(fullWidth - 2 * crop, fullHeight - 2 * crop, frameLayout.width(), frameLayout.height());
        long base = (long) slot * fullWidth * fullHeight;
        for (int y = 0; y < maskHeight; y++) {
            long row = (base + (long) (y + crop) * fullWidth + crop) * Float.BYTES;
            for (int x = 0; x < maskWidth; x++) {
                mask[y * maskWidth + x] = values.scaled(output.get(JAVA_FLOAT, row + (long) x * Float.BYTES));
            }
        }
        int pixelStride = frameLayout.format().pixelStride();
        int destPixel = order.length;
        for (int y = 0; y < frameLayout.height(); y++) {
            int top = rows[y] * maskWidth;
            int bottom = Math.min(rows[y] + 1, maskHeight - 1) * maskWidth;
            float down = rowWeights[y];
            long source = frameLayout.offsets()[0] + (long) y * frameLayout.strides()[0];
            long target = destOffset + (long) y * destStride;
            for (int x = 0; x < frameLayout.width(); x++, source += pixelStride, target += destPixel) {
                int left = columns[x];
                int right = Math.min(left + 1, maskWidth - 1);
                float across = columnWeights[x];
                float upper = mask[top + left] + (mask[top + right] - mask[top + left]) * across;
                float lower = mask[bottom + left] + (mask[bottom + right] - mask[bottom + left]) * across;
                byte alpha = OutputPixels.toByte(upper + (lower - upper) * down);
                for (int b = 0; b < destPixel; b++) {
                    dest.set(JAVA_BYTE, target + b, order[b] == ALPHA ? alpha : frame.get(JAVA_BYTE, source + order[b]));
                }
            }
        }
    }

    /** Sizes the scratch and the sampling tables for a mask of this size on frames of that size. */
    private void prepare(int width, int height, int frameWidth, int frameHeight) {
        if (width == maskWidth && height == maskHeight && columns.length == frameWidth && rows.length == frameHeight) {
            return;
        }
        maskWidth = width;
        maskHeight = height;
        mask = new float[width * height];
        columns = new int[frameWidth];
        columnWeights = new float[frameWidth];
        sample(width, frameWidth, columns, columnWeights);
        rows = new int[frameHeight];
        rowWeights = new float[frameHeight];
        sample(height, frameHeight, rows, rowWeights);
    }

    /** Half-pixel centers: target pixel i reads source position (i + 0.5) * source / target - 0.5, clamped. */
    private static void sample(int source, int target, int[] first, float[] weight) {
        for (int i = 0; i < target; i++) {
            double at = Math.clamp((i + 0.5) * source / target - 0.5, 0, source - 1);
            first[i] = (int) at;
            weight[i] = (float) (at - first[i]);
        }
    }
}
