package org.ovgst.infer.classify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.BilinearTable;
import org.ovgst.infer.FrameLayout;

/**
 * Cuts a box out of a packed frame and resizes it bilinearly (pixel centers aligned, as OpenCV's
 * {@code INTER_LINEAR} and OpenVINO's linear resize) into a tight image of the model's input size,
 * in the frame's own format: what a classifier sees of a region. Every byte of a pixel is
 * interpolated (the x of BGRx too). The box is clamped to the frame. Keeps its column table between
 * crops: one thread at a time.
 */
public final class CropResizer {
    /** For each target column: the byte offset in a source row of its first source pixel, of the second, and the weight of the second. */
    private long[] firstByte = new long[0];
    private long[] secondByte = new long[0];
    private float[] across = new float[0];

    /**
     * @param x the box's left edge, in frame pixels (its right edge {@code x + width})
     * @param target {@code targetWidth x targetHeight} pixels of the frame's pixel stride, rows one after the other
     */
    public void resize(MemorySegment frame, FrameLayout layout, int x, int y, int width, int height,
            MemorySegment target, int targetWidth, int targetHeight) {
        int left = Math.clamp(x, 0, layout.width() - 1);
        int top = Math.clamp(y, 0, layout.height() - 1);
        int right = Math.clamp((long) x + Math.max(width, 1), left + 1, layout.width());
        int bottom = Math.clamp((long) y + Math.max(height, 1), top + 1, layout.height());
        int cropWidth = right - left;
        int cropHeight = bottom - top;
        int pixel = layout.format().pixelStride();
        if (firstByte.length != targetWidth) {
            firstByte = new long[targetWidth];
            secondByte = new long[targetWidth];
            across = new float[targetWidth];
        }
        for (int column = 0; column < targetWidth; column++) {
            double sx = BilinearTable.sourcePosition(column, cropWidth, targetWidth);
            int x0 = (int) sx;
            firstByte[column] = (long) (left + x0) * pixel;
            secondByte[column] = (long) (left + Math.min(x0 + 1, cropWidth - 1)) * pixel;
            across[column] = (float) (sx - x0);
        }
        long plane = layout.offset(0);
        int stride = layout.stride(0);
        long out = 0;
        for (int row = 0; row < targetHeight; row++) {
            double sy = BilinearTable.sourcePosition(row, cropHeight, targetHeight);
            int y0 = (int) sy;
            float down = (float) (sy - y0);
            long upperRow = plane + (long) (top + y0) * stride;
            long lowerRow = plane + (long) (top + Math.min(y0 + 1, cropHeight - 1)) * stride;
            for (int column = 0; column < targetWidth; column++) {
                long a = firstByte[column];
                long b = secondByte[column];
                float weight = across[column];
                for (int c = 0; c < pixel; c++, out++) {
                    float upper = BilinearTable.lerp(frame, upperRow + a + c, upperRow + b + c, weight);
                    float lower = BilinearTable.lerp(frame, lowerRow + a + c, lowerRow + b + c, weight);
                    target.set(JAVA_BYTE, out,
                            (byte) (int) (upper + (lower - upper) * down + 0.5f));
                }
            }
        }
    }
}
