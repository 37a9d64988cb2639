package org.ovgst.infer.image;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Where the pixels of one video frame lie in its memory: GStreamer's {@code GstVideoInfo} reduced
 * to what inference and drawing need. Plane {@code p} starts at {@code offsets[p]} and its rows are
 * {@code strides[p]} bytes apart (a stride may be wider than the row, for alignment).
 */
public record FrameLayout(PixelFormat format, int width, int height, int[] strides, long[] offsets, long size) {
    public FrameLayout {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (strides.length != format.planes() || offsets.length != format.planes()) {
            throw new IllegalArgumentException(format + " has " + format.planes() + " planes, got strides "
                    + Arrays.toString(strides) + " and offsets " + Arrays.toString(offsets));
        }
        strides = strides.clone();
        offsets = offsets.clone();
    }

    /** The layout GStreamer gives a frame with no padding (4-byte aligned rows, as {@code gst_video_info_set_format}). */
    public static FrameLayout packed(PixelFormat format, int width, int height) {
        if (format.isPacked()) {
            int stride = align4(width * format.pixelStride());
            return new FrameLayout(format, width, height, new int[] {stride}, new long[] {0}, (long) stride * height);
        }
        int lumaStride = align4(width);
        long lumaSize = (long) lumaStride * height;
        int chromaHeight = (height + 1) / 2;
        if (format == PixelFormat.NV12) {
            return new FrameLayout(format, width, height, new int[] {lumaStride, lumaStride},
                    new long[] {0, lumaSize}, lumaSize + (long) lumaStride * chromaHeight);
        }
        int chromaStride = align4((width + 1) / 2);
        long chromaSize = (long) chromaStride * chromaHeight;
        return new FrameLayout(format, width, height, new int[] {lumaStride, chromaStride, chromaStride},
                new long[] {0, lumaSize, lumaSize + chromaSize}, lumaSize + 2 * chromaSize);
    }

    /**
     * The tight layout of a frame: rows exactly as wide as the pixels, planes one after the other
     * (what OpenVINO reads). Chroma planes of odd sizes round up.
     */
    public static FrameLayout tight(PixelFormat format, int width, int height) {
        int planes = format.planes();
        int[] strides = new int[planes];
        long[] offsets = new long[planes];
        long end = 0;
        for (int plane = 0; plane < planes; plane++) {
            strides[plane] = Math.toIntExact(rowBytes(format, width, plane));
            offsets[plane] = end;
            end += (long) strides[plane] * rows(format, height, plane);
        }
        return new FrameLayout(format, width, height, strides, offsets, end);
    }

    /** The luma plane of a YUV frame as a GRAY8 frame in the same memory: what a one-channel model sees. */
    public FrameLayout lumaPlane() {
        if (format.isPacked()) {
            throw new IllegalStateException(format + " frames have no luma plane");
        }
        return new FrameLayout(PixelFormat.GRAY8, width, height, new int[] {strides[0]}, new long[] {offsets[0]},
                offsets[0] + (long) strides[0] * height);
    }

    /** Bytes of the pixels of one row of {@code plane}, without the padding a stride may add. */
    public long rowBytes(int plane) {
        return rowBytes(format, width, plane);
    }

    /** Rows of {@code plane}: the height, or half of it (rounded up) for chroma planes. */
    public int rows(int plane) {
        return rows(format, height, plane);
    }

    private static long rowBytes(PixelFormat format, int width, int plane) {
        if (plane == 0) {
            return (long) width * format.pixelStride();
        }
        int chromaWidth = (width + 1) / 2;
        return format == PixelFormat.NV12 ? 2L * chromaWidth : chromaWidth;
    }

    private static int rows(PixelFormat format, int height, int plane) {
        return plane == 0 ? height : (height + 1) / 2;
    }

    /** Bytes a frame's memory must span in this layout: up to the end of the last row of every plane. */
    public long extent() {
        long end = 0;
        for (int plane = 0; plane < format.planes(); plane++) {
            end = Math.max(end, offsets[plane] + (rows(plane) - 1L) * strides[plane] + rowBytes(plane));
        }
        return end;
    }

    /**
     * Copies a frame's pixels from {@code source} (laid out as this) into {@code target} at
     * {@code targetOffset}, laid out as {@code targetLayout} (same format and size), plane by plane:
     * in one piece when both planes are tight, else row by row.
     */
    public void copy(MemorySegment source, FrameLayout targetLayout, MemorySegment target, long targetOffset) {
        if (targetLayout.format != format || targetLayout.width != width || targetLayout.height != height) {
            throw new IllegalArgumentException("cannot copy a " + this + " frame into a " + targetLayout + " one");
        }
        for (int plane = 0; plane < format.planes(); plane++) {
            long rowBytes = rowBytes(plane);
            long from = offsets[plane];
            long to = targetOffset + targetLayout.offsets[plane];
            int rows = rows(plane);
            if (strides[plane] == rowBytes && targetLayout.strides[plane] == rowBytes) {
                MemorySegment.copy(source, from, target, to, rowBytes * rows);
                continue;
            }
            for (int row = 0; row < rows; row++) {
                MemorySegment.copy(source, from + (long) row * strides[plane], target,
                        to + (long) row * targetLayout.strides[plane], rowBytes);
            }
        }
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    @Override
    public long[] offsets() {
        return offsets.clone();
    }

    public int stride(int plane) {
        return strides[plane];
    }

    public long offset(int plane) {
        return offsets[plane];
    }

    /**
     * Whether the planes follow each other with no padding, so OpenVINO can read the frame in place:
     * rows exactly as wide as the pixels, and chroma planes right after the luma plane.
     */
    public boolean isTight() {
        if (!format.isPacked() && (width % 2 != 0 || height % 2 != 0)) {
            return false;
        }
        FrameLayout tight = tight(format, width, height);
        return Arrays.equals(strides, tight.strides) && Arrays.equals(offsets, tight.offsets);
    }

    /** Bytes of the frame when tight: what OpenVINO reads. */
    public long tightSize() {
        return tight(format, width, height).size();
    }

    private static int align4(int value) {
        return (value + 3) & ~3;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameLayout other && format == other.format && width == other.width
                && height == other.height && Arrays.equals(strides, other.strides)
                && Arrays.equals(offsets, other.offsets) && size == other.size;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * format.hashCode() + width) + height;
    }

    @Override
    public String toString() {
        return format + " " + width + "x" + height + " strides " + Arrays.toString(strides) + " offsets "
                + Arrays.toString(offsets);
    }
}
