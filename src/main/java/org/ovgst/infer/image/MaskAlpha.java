package org.ovgst.infer.image;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Puts a one-channel model output (a mask) into the alpha channel of the frame it was computed
 * from, at the frame's own size: the frame's colors are copied, and the mask, after the
 * activation, scale and offset of {@link OutputPixels}, is resized bilinearly
 * ({@link BilinearTable}) to the frame and rounded into 0-255 (MediaPipe's
 * segmentation: activation at the model's size, then resize). Keeps its scratch between frames:
 * one thread at a time.
 */
public final class MaskAlpha {
    /** A destination byte that takes the mask. */
    public static final int ALPHA = -1;

    private final OutputPixels values;
    /** The mask after activation, scale and offset, at the model's size. */
    private float[] mask = new float[0];
    /** Where each frame column and row reads the mask. */
    private BilinearTable columns = BilinearTable.of(1, 0);
    private BilinearTable rows = BilinearTable.of(1, 0);
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
     * Takes the mask of a frame of {@code frameWidth x frameHeight} from a model output: the mask
     * {@link #blend} puts into frames until the next one is taken.
     *
     * @param shape the output's static shape; frame {@code slot} of the batch is the mask
     * @param crop pixels of the mask left out on each side
     */
    public void take(MemorySegment output, long[] shape, int slot, int crop, int frameWidth, int frameHeight) {
        int fullWidth = values.image().width(shape);
        int fullHeight = values.image().height(shape);
        prepare(fullWidth - 2 * crop, fullHeight - 2 * crop, frameWidth, frameHeight);
        long base = (long) slot * fullWidth * fullHeight;
        for (int y = 0; y < maskHeight; y++) {
            long row = (base + (long) (y + crop) * fullWidth + crop) * Float.BYTES;
            for (int x = 0; x < maskWidth; x++) {
                mask[y * maskWidth + x] = values.scaled(output.get(JAVA_FLOAT, row + (long) x * Float.BYTES));
            }
        }
    }

    /** Whether a mask was taken for frames of this size. */
    public boolean hasMaskFor(FrameLayout frameLayout) {
        return maskWidth > 0 && columns.size() == frameLayout.width() && rows.size() == frameLayout.height();
    }

    /**
     * Writes the frame with the mask last taken as alpha.
     *
     * @param frame the frame's bytes, a packed format of {@code frameLayout}
     * @param order for each byte of a destination pixel, the byte of a frame pixel copied there, or {@link #ALPHA}
     */
    public void blend(MemorySegment frame, FrameLayout frameLayout, MemorySegment dest, long destOffset, int destStride,
            int[] order) {
        if (!hasMaskFor(frameLayout)) {
            throw new IllegalStateException("no mask was taken for " + frameLayout + " frames");
        }
        int pixelStride = frameLayout.format().pixelStride();
        int destPixel = order.length;
        for (int y = 0; y < frameLayout.height(); y++) {
            int top = rows.first()[y] * maskWidth;
            int bottom = rows.second(y) * maskWidth;
            float down = rows.weight()[y];
            long source = frameLayout.offset(0) + (long) y * frameLayout.stride(0);
            long target = destOffset + (long) y * destStride;
            for (int x = 0; x < frameLayout.width(); x++, source += pixelStride, target += destPixel) {
                int left = columns.first()[x];
                int right = columns.second(x);
                float across = columns.weight()[x];
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
        if (width == maskWidth && height == maskHeight && columns.size() == frameWidth && rows.size() == frameHeight) {
            return;
        }
        maskWidth = width;
        maskHeight = height;
        mask = new float[width * height];
        columns = BilinearTable.of(width, frameWidth);
        rows = BilinearTable.of(height, frameHeight);
    }
}
