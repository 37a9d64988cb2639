package org.ovgst.infer.classify;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.image.BilinearTable;
import org.ovgst.infer.image.FrameLayout;

/**
 * Cuts a box out of a packed frame and resizes it bilinearly (pixel centers aligned, as OpenCV's
 * {@code INTER_LINEAR} and OpenVINO's linear resize) into a tight image of the model's input size,
 * in the frame's own format: what a classifier sees of a region. Every byte of a pixel is
 * interpolated (the x of BGRx too). The box is clamped to the frame.
 *
 * <p>Separable: each source row the target needs is interpolated across once, from a bulk copy of
 * its span into a heap array, and kept while the next target row needs it too; each target row is
 * then blended down from two such rows and copied out in bulk. Per-byte work runs on Java arrays,
 * which the JIT checks once per loop, not on native memory. Keeps its tables and rows between crops:
 * one thread at a time.
 */
public final class CropResizer {
    /** For each target byte of a row: the source byte of the first pixel in the span, of the second, the weight of the second. */
    private int[] firstByte = new int[0];
    private int[] secondByte = new int[0];
    private float[] across = new float[0];
    private byte[] span = new byte[0];
    /** Two source rows interpolated across, and which rows they are (-1: none). */
    private float[] upper = new float[0];
    private float[] lower = new float[0];
    private int upperRow = -1;
    private int lowerRow = -1;
    private byte[] out = new byte[0];

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
        int rowBytes = targetWidth * pixel;
        prepare(cropWidth, pixel, targetWidth);
        long spanStart = layout.offset(0) + (long) left * pixel;
        int stride = layout.stride(0);
        for (int row = 0; row < targetHeight; row++) {
            double sy = BilinearTable.sourcePosition(row, cropHeight, targetHeight);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, cropHeight - 1);
            float down = (float) (sy - y0);
            across(frame, spanStart, stride, top, y0, y1, cropWidth * pixel, rowBytes);
            float[] a = upper;
            float[] b = lower;
            byte[] result = out;
            for (int i = 0; i < rowBytes; i++) {
                float first = a[i];
                result[i] = (byte) (int) (first + (b[i] - first) * down + 0.5f);
            }
            MemorySegment.copy(result, 0, target, JAVA_BYTE, (long) row * rowBytes, rowBytes);
        }
    }

    /** The column tables and row buffers for this crop width and target width. */
    private void prepare(int cropWidth, int pixel, int targetWidth) {
        int rowBytes = targetWidth * pixel;
        if (firstByte.length != rowBytes) {
            firstByte = new int[rowBytes];
            secondByte = new int[rowBytes];
            across = new float[rowBytes];
            upper = new float[rowBytes];
            lower = new float[rowBytes];
            out = new byte[rowBytes];
        }
        for (int column = 0; column < targetWidth; column++) {
            double sx = BilinearTable.sourcePosition(column, cropWidth, targetWidth);
            int x0 = (int) sx;
            int x1 = Math.min(x0 + 1, cropWidth - 1);
            for (int c = 0; c < pixel; c++) {
                int i = column * pixel + c;
                firstByte[i] = x0 * pixel + c;
                secondByte[i] = x1 * pixel + c;
                across[i] = (float) (sx - x0);
            }
        }
        if (span.length < cropWidth * pixel) {
            span = new byte[cropWidth * pixel];
        }
        upperRow = -1;
        lowerRow = -1;
    }

    /** Makes {@code upper} and {@code lower} source rows {@code y0} and {@code y1} of the crop, interpolated across. */
    private void across(MemorySegment frame, long spanStart, int stride, int top, int y0, int y1, int spanBytes,
            int rowBytes) {
        if (upperRow != y0) {
            if (lowerRow == y0) {
                float[] swap = upper;
                upper = lower;
                lower = swap;
                upperRow = y0;
                lowerRow = -1;
            } else {
                interpolate(frame, spanStart + (long) (top + y0) * stride, spanBytes, upper, rowBytes);
                upperRow = y0;
            }
        }
        if (lowerRow != y1) {
            if (y1 == y0) {
                System.arraycopy(upper, 0, lower, 0, rowBytes);
            } else {
                interpolate(frame, spanStart + (long) (top + y1) * stride, spanBytes, lower, rowBytes);
            }
            lowerRow = y1;
        }
    }

    private void interpolate(MemorySegment frame, long from, int spanBytes, float[] into, int rowBytes) {
        byte[] source = span;
        MemorySegment.copy(frame, JAVA_BYTE, from, source, 0, spanBytes);
        int[] first = firstByte;
        int[] second = secondByte;
        float[] weight = across;
        for (int i = 0; i < rowBytes; i++) {
            float a = source[first[i]] & 0xff;
            into[i] = a + ((source[second[i]] & 0xff) - a) * weight[i];
        }
    }
}
