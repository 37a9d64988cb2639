package org.ovgst.infer.image;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Scales the chroma planes of a YUV frame to the chroma planes of another size, bilinearly (pixel
 * centers aligned), rounding to the nearest: the chroma that goes with a luma plane a one-channel
 * model made, as FFmpeg's dnn_processing scales the chroma of the frames it processes on their Y
 * plane. Keeps its tables between frames: one thread at a time.
 */
public final class ChromaScaler {
    private BilinearTable columns;
    private BilinearTable rows;

    /** Writes the chroma of {@code source} (laid out as {@code from}) into {@code target} (laid out as {@code to}, the same format). */
    public void scale(MemorySegment source, FrameLayout from, MemorySegment target, FrameLayout to) {
        if (from.format() != to.format() || from.format().isPacked()) {
            throw new IllegalArgumentException("cannot scale the chroma of " + from + " frames into " + to + " ones");
        }
        int sourceWidth = (from.width() + 1) / 2;
        int sourceHeight = (from.height() + 1) / 2;
        int width = (to.width() + 1) / 2;
        int height = (to.height() + 1) / 2;
        if (columns == null || columns.size() != width || columns.last() != sourceWidth - 1 || rows.size() != height
                || rows.last() != sourceHeight - 1) {
            columns = BilinearTable.of(sourceWidth, width);
            rows = BilinearTable.of(sourceHeight, height);
        }
        // NV12 interleaves U and V in one plane; I420 has a plane for each.
        int components = from.format() == PixelFormat.NV12 ? 2 : 1;
        for (int plane = 1; plane < from.format().planes(); plane++) {
            for (int y = 0; y < height; y++) {
                long top = from.offset(plane) + (long) rows.first()[y] * from.stride(plane);
                long bottom = from.offset(plane) + (long) rows.second(y) * from.stride(plane);
                float down = rows.weight()[y];
                long out = to.offset(plane) + (long) y * to.stride(plane);
                for (int x = 0; x < width; x++) {
                    int left = columns.first()[x] * components;
                    int right = columns.second(x) * components;
                    float across = columns.weight()[x];
                    for (int c = 0; c < components; c++) {
                        float upper = BilinearTable.lerp(source, top + left + c, top + right + c, across);
                        float lower = BilinearTable.lerp(source, bottom + left + c, bottom + right + c, across);
                        target.set(JAVA_BYTE, out + (long) x * components + c,
                                (byte) (int) (upper + (lower - upper) * down + 0.5f));
                    }
                }
            }
        }
    }
}
