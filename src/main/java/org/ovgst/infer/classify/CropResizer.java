package org.ovgst.infer.classify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.BilinearTable;
import org.ovgst.infer.FrameLayout;

/**
 * Cuts a box out of a packed frame and resizes it bilinearly (pixel centers aligned, as OpenCV's
 * {@code INTER_LINEAR} and OpenVINO's linear resize) into a tight image of the model's input size,
 * in the frame's own format: what a classifier sees of a region. Every byte of a pixel is
 * interpolated (the x of BGRx too). The box is clamped to the frame.
 */
public final class CropResizer {
    private CropResizer() {}

    /**
     * @param x the box's left edge, in frame pixels (its right edge {@code x + width})
     * @param target {@code width x height} pixels of the frame's pixel stride, rows one after the other
     */
    public static void resize(MemorySegment frame, FrameLayout layout, int x, int y, int width, int height,
            MemorySegment target, int targetWidth, int targetHeight) {
        int left = Math.clamp(x, 0, layout.width() - 1);
        int top = Math.clamp(y, 0, layout.height() - 1);
        int right = Math.clamp((long) x + Math.max(width, 1), left + 1, layout.width());
        int bottom = Math.clamp((long) y + Math.max(height, 1), top + 1, layout.height());
        int cropWidth = right - left;
        int cropHeight = bottom - top;
        int pixel = layout.format().pixelStride();
        long plane = layout.offset(0);
        int stride = layout.stride(0);
        long out = 0;
        for (int row = 0; row < targetHeight; row++) {
            double sy = Math.clamp((row + 0.5) * cropHeight / targetHeight - 0.5, 0, cropHeight - 1);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, cropHeight - 1);
            float down = (float) (sy - y0);
            long upperRow = plane + (long) (top + y0) * stride;
            long lowerRow = plane + (long) (top + y1) * stride;
            for (int column = 0; column < targetWidth; column++) {
                double sx = Math.clamp((column + 0.5) * cropWidth / targetWidth - 0.5, 0, cropWidth - 1);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, cropWidth - 1);
                float across = (float) (sx - x0);
                long a = (long) (left + x0) * pixel;
                long b = (long) (left + x1) * pixel;
                for (int c = 0; c < pixel; c++, out++) {
                    float upper = BilinearTable.lerp(frame, upperRow + a + c, upperRow + b + c, across);
                    float lower = BilinearTable.lerp(frame, lowerRow + a + c, lowerRow + b + c, across);
                    target.set(JAVA_BYTE, out, (byte) (int) (upper + (lower - upper) * down + 0.5f));
                }
            }
        }
    }
}
