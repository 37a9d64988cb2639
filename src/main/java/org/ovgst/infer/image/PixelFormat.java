package org.ovgst.infer.image;

/**
 * The raw video formats the elements take, named as in GStreamer's {@code video/x-raw,format=...}.
 * Packed formats have one plane; I420 has three (Y, U, V) and NV12 two (Y, interleaved UV), with
 * chroma at half width and half height. GRAY8, one byte a pixel, goes to one-channel models only
 * (ovprocess; a YUV frame's luma plane is one, {@link FrameLayout#lumaPlane}).
 */
public enum PixelFormat {
    BGR(3, 1),
    RGB(3, 1),
    BGRX(4, 1),
    RGBX(4, 1),
    I420(1, 3),
    NV12(1, 2),
    GRAY8(1, 1);

    private final int pixelStride;
    private final int planes;

    PixelFormat(int pixelStride, int planes) {
        this.pixelStride = pixelStride;
        this.planes = planes;
    }

    /** Bytes per pixel in the first plane. */
    public int pixelStride() {
        return pixelStride;
    }

    public int planes() {
        return planes;
    }

    public boolean isPacked() {
        return planes == 1;
    }

    /** GStreamer's name: {@code BGR}, {@code BGRx}, {@code I420}, ... */
    public String gstName() {
        return switch (this) {
            case BGRX -> "BGRx";
            case RGBX -> "RGBx";
            default -> name();
        };
    }

    /** The format of a GStreamer format name, or {@code null} when the elements do not take it. */
    public static PixelFormat fromGstName(String name) {
        for (PixelFormat format : values()) {
            if (format.gstName().equals(name)) {
                return format;
            }
        }
        return null;
    }

    /** Whether the format holds colors (every format but GRAY8). */
    public boolean hasColor() {
        return this != GRAY8;
    }

    /** The GStreamer names of the color formats, for caps: {@code { BGR, RGB, ... }}. */
    public static String gstList() {
        StringBuilder list = new StringBuilder("{ ");
        for (PixelFormat format : values()) {
            if (format.hasColor()) {
                list.append(list.length() > 2 ? ", " : "").append(format.gstName());
            }
        }
        return list.append(" }").toString();
    }

    @Override
    public String toString() {
        return gstName();
    }
}
