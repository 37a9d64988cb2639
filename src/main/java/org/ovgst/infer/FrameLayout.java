package org.ovgst.infer;

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
        if (format.isPacked()) {
            return strides[0] == width * format.pixelStride() && offsets[0] == 0;
        }
        if (width % 2 != 0 || height % 2 != 0) {
            return false;
        }
        long lumaSize = (long) width * height;
        if (format == PixelFormat.NV12) {
            return strides[0] == width && strides[1] == width && offsets[0] == 0 && offsets[1] == lumaSize;
        }
        long chromaSize = lumaSize / 4;
        return strides[0] == width && strides[1] == width / 2 && strides[2] == width / 2 && offsets[0] == 0
                && offsets[1] == lumaSize && offsets[2] == lumaSize + chromaSize;
    }

    /** Bytes of the frame when tight: what OpenVINO reads. */
    public long tightSize() {
        long luma = (long) width * height;
        return format.isPacked() ? luma * format.pixelStride() : luma * 3 / 2;
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
