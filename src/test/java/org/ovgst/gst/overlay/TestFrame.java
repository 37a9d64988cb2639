package org.ovgst.gst.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.testing.BgrImage;

/**
 * A picture in one of the six formats, in memory laid out with awkward padding: odd strides, gaps
 * before and between planes and after the last, all filled with noise so that a stray write shows.
 * Converts to YUV with floating-point BT.601 (limited range), independently of the code under test.
 */
final class TestFrame {
    /** Pixels of a frame, in luma coordinates. */
    interface Area {
        boolean contains(int x, int y);
    }

    final FrameLayout layout;
    final MemorySegment memory;

    private TestFrame(FrameLayout layout, MemorySegment memory) {
        this.layout = layout;
        this.memory = memory;
    }

    static TestFrame of(Arena arena, PixelFormat format, BgrImage image) {
        FrameLayout layout = padded(format, image.width(), image.height());
        MemorySegment memory = arena.allocate(layout.size());
        byte[] noise = new byte[(int) layout.size()];
        new Random(7).nextBytes(noise);
        MemorySegment.copy(noise, 0, memory, ValueLayout.JAVA_BYTE, 0, noise.length);
        TestFrame frame = new TestFrame(layout, memory);
        frame.paint(image);
        return frame;
    }

    static BgrImage plain(int width, int height, int b, int g, int r) {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = (byte) b;
            pixels[i + 1] = (byte) g;
            pixels[i + 2] = (byte) r;
        }
        return new BgrImage(width, height, pixels);
    }

    private static FrameLayout padded(PixelFormat format, int width, int height) {
        int planes = format.planes();
        int[] strides = new int[planes];
        long[] offsets = new long[planes];
        long end = 16;
        for (int plane = 0; plane < planes; plane++) {
            strides[plane] = planeWidth(plane, width) * sampleStride(format, plane) + 7 + plane;
            offsets[plane] = end + 9;
            end = offsets[plane] + (long) strides[plane] * planeHeight(plane, height);
        }
        return new FrameLayout(format, width, height, strides, offsets, end + 11);
    }

    byte[] bytes() {
        return memory.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Asserts every byte is as before except samples covering a pixel of {@code drawn}. */
    void assertUnchangedOutside(byte[] before, Area drawn) {
        byte[] after = bytes();
        boolean[] isSample = new boolean[after.length];
        for (int plane = 0; plane < layout.format().planes(); plane++) {
            int sub = subsampling(plane);
            for (int y = 0; y < planeHeight(plane, layout.height()); y++) {
                for (int x = 0; x < planeWidth(plane, layout.width()); x++) {
                    boolean mayChange = covers(drawn, x << sub, y << sub, sub);
                    for (int component = 0; component < sampleBytes(plane); component++) {
                        int at = (int) sampleOffset(plane, x, y) + component;
                        isSample[at] = true;
                        if (!mayChange && before[at] != after[at]) {
                            fail(layout.format() + " plane " + plane + " sample (" + x + ", " + y + ") byte "
                                    + component + " changed from " + (before[at] & 0xff) + " to " + (after[at] & 0xff));
                        }
                    }
                }
            }
        }
        for (int at = 0; at < after.length; at++) {
            if (!isSample[at] && before[at] != after[at]) {
                fail(layout.format() + " padding byte " + at + " changed");
            }
        }
    }

    private boolean covers(Area area, int x, int y, int sub) {
        for (int dy = 0; dy < 1 << sub; dy++) {
            for (int dx = 0; dx < 1 << sub; dx++) {
                if (x + dx < layout.width() && y + dy < layout.height() && area.contains(x + dx, y + dy)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Asserts pixel (x, y) shows {@code 0xRRGGBB}: exactly in RGB formats, within rounding in YUV. */
    void assertColor(int x, int y, int rgb) {
        String where = layout.format() + " pixel (" + x + ", " + y + ")";
        if (layout.format().isPacked()) {
            assertEquals(String.format("%06X", rgb), String.format("%06X", rgbAt(x, y)), where);
            return;
        }
        int[] expected = yuv(rgb >>> 16 & 0xff, rgb >>> 8 & 0xff, rgb & 0xff);
        int[] actual = yuvAt(x, y);
        for (int i = 0; i < 3; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1) {
                fail(where + ": YUV " + Arrays.toString(actual) + ", expected about "
                        + Arrays.toString(expected));
            }
        }
    }

    /** What tells colors apart in this format: {@code 0xRRGGBB}, or luma for YUV. */
    int toneAt(int x, int y) {
        return layout.format().isPacked() ? rgbAt(x, y) : yuvAt(x, y)[0];
    }

    /** The tone {@link #toneAt} reports for a drawn color. */
    int tone(int rgb) {
        return layout.format().isPacked() ? rgb : yuv(rgb >>> 16 & 0xff, rgb >>> 8 & 0xff, rgb & 0xff)[0];
    }

    /** The frame back as BGR, for a PNG. */
    BgrImage toBgr() {
        byte[] pixels = new byte[layout.width() * layout.height() * 3];
        for (int y = 0; y < layout.height(); y++) {
            for (int x = 0; x < layout.width(); x++) {
                int rgb = layout.format().isPacked() ? rgbAt(x, y) : rgb(yuvAt(x, y));
                int at = (y * layout.width() + x) * 3;
                pixels[at] = (byte) rgb;
                pixels[at + 1] = (byte) (rgb >>> 8);
                pixels[at + 2] = (byte) (rgb >>> 16);
            }
        }
        return new BgrImage(layout.width(), layout.height(), pixels);
    }

    private void paint(BgrImage image) {
        PixelFormat format = layout.format();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int[] bgr = image.bgrAt(x, y);
                if (format.isPacked()) {
                    boolean bgrOrder = format == PixelFormat.BGR || format == PixelFormat.BGRX;
                    long at = sampleOffset(0, x, y);
                    set(at, bgrOrder ? bgr[0] : bgr[2]);
                    set(at + 1, bgr[1]);
                    set(at + 2, bgrOrder ? bgr[2] : bgr[0]);
                } else {
                    set(sampleOffset(0, x, y), yuv(bgr[2], bgr[1], bgr[0])[0]);
                }
            }
        }
        if (!format.isPacked()) {
            paintChroma(image);
        }
    }

    /** Chroma as the average of the 2x2 pixels each sample covers. */
    private void paintChroma(BgrImage image) {
        for (int cy = 0; cy < (image.height() + 1) / 2; cy++) {
            for (int cx = 0; cx < (image.width() + 1) / 2; cx++) {
                double u = 0;
                double v = 0;
                int count = 0;
                for (int y = 2 * cy; y < Math.min(2 * cy + 2, image.height()); y++) {
                    for (int x = 2 * cx; x < Math.min(2 * cx + 2, image.width()); x++) {
                        int[] bgr = image.bgrAt(x, y);
                        int[] yuv = yuv(bgr[2], bgr[1], bgr[0]);
                        u += yuv[1];
                        v += yuv[2];
                        count++;
                    }
                }
                if (layout.format() == PixelFormat.NV12) {
                    set(sampleOffset(1, cx, cy), (int) Math.round(u / count));
                    set(sampleOffset(1, cx, cy) + 1, (int) Math.round(v / count));
                } else {
                    set(sampleOffset(1, cx, cy), (int) Math.round(u / count));
                    set(sampleOffset(2, cx, cy), (int) Math.round(v / count));
                }
            }
        }
    }

    private int rgbAt(int x, int y) {
        long at = sampleOffset(0, x, y);
        int first = get(at);
        int green = get(at + 1);
        int third = get(at + 2);
        boolean bgrOrder = layout.format() == PixelFormat.BGR || layout.format() == PixelFormat.BGRX;
        return bgrOrder ? third << 16 | green << 8 | first : first << 16 | green << 8 | third;
    }

    private int[] yuvAt(int x, int y) {
        int luma = get(sampleOffset(0, x, y));
        if (layout.format() == PixelFormat.NV12) {
            long at = sampleOffset(1, x / 2, y / 2);
            return new int[] {luma, get(at), get(at + 1)};
        }
        return new int[] {luma, get(sampleOffset(1, x / 2, y / 2)), get(sampleOffset(2, x / 2, y / 2))};
    }

    static int[] yuv(int r, int g, int b) {
        return new int[] {
            (int) Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
            (int) Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
            (int) Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255),
        };
    }

    private static int rgb(int[] yuv) {
        double y = 1.164 * (yuv[0] - 16);
        int r = clamp(y + 1.596 * (yuv[2] - 128));
        int g = clamp(y - 0.392 * (yuv[1] - 128) - 0.813 * (yuv[2] - 128));
        int b = clamp(y + 2.017 * (yuv[1] - 128));
        return r << 16 | g << 8 | b;
    }

    private static int clamp(double value) {
        return Math.clamp(Math.round(value), 0, 255);
    }

    private long sampleOffset(int plane, int x, int y) {
        int pixelStride = sampleStride(layout.format(), plane);
        return layout.offset(plane) + (long) y * layout.stride(plane) + (long) x * pixelStride;
    }

    /** Bytes of a sample that carry color: not the X of BGRx and RGBx. */
    private int sampleBytes(int plane) {
        return layout.format().isPacked() ? 3 : sampleStride(layout.format(), plane);
    }

    private int subsampling(int plane) {
        return plane == 0 ? 0 : 1;
    }

    private static int sampleStride(PixelFormat format, int plane) {
        return format.isPacked() ? format.pixelStride() : format == PixelFormat.NV12 && plane == 1 ? 2 : 1;
    }

    private static int planeWidth(int plane, int width) {
        return plane == 0 ? width : (width + 1) / 2;
    }

    private static int planeHeight(int plane, int height) {
        return plane == 0 ? height : (height + 1) / 2;
    }

    private int get(long at) {
        return memory.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private void set(long at, int value) {
        memory.set(ValueLayout.JAVA_BYTE, at, (byte) value);
    }
}
