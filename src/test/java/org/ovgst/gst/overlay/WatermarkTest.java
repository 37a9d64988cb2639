package org.ovgst.gst.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovgst.gst.meta.Region;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

class WatermarkTest {
    private static final BgrImage ASTRONAUT = TestAssets.readBgr(TestAssets.image("astronaut.png"));
    /** An odd-sized frame, so chroma planes have a half sample at the right and bottom. */
    private static final BgrImage GRAY = TestFrame.plain(333, 251, 90, 100, 110);

    private record Rect(long left, long top, long right, long bottom) {
        boolean contains(int x, int y) {
            return x >= left && x < right && y >= top && y < bottom;
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void drawsABoxAndItsLabelOnAPlainFrame(PixelFormat format) {
        // Odd coordinates: the outline covers chroma samples only halfway.
        assertDrawsOneBox(format, GRAY, new Region(41, 77, 151, 97, "Person", 0, 0.87));
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void drawsABoxAndItsLabelOnAPhotograph(PixelFormat format) {
        assertDrawsOneBox(format, ASTRONAUT, new Region(100, 150, 200, 250, "Helmet", 7, 0.5));
    }

    /** A tracked region's id follows its confidence ({@code Person 0.87 #12}), inside the label box, and is drawn. */
    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void drawsATrackedRegionsIdAfterItsConfidence(PixelFormat format) {
        Region tracked = new Region(41, 77, 151, 97, "Person", 0, 0.87, 12);
        Region untracked = new Region(41, 77, 151, 97, "Person", 0, 0.87);
        assertDrawsOneBox(format, GRAY, tracked);
        assertDrawnDifferently(format, tracked, untracked, (watermark, with, without) ->
                assertTrue(watermark.labelWidth(tracked) > watermark.labelWidth(untracked)));
    }

    /** A classifier's result is drawn in a label box under the region, and nowhere else. */
    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void drawsAClassifiersResultUnderTheBox(PixelFormat format) {
        Region plain = new Region(41, 77, 151, 97, "Person", 0, 0.87);
        Region classified = new Region(41, 77, 151, 97, "Person", 0, 0.87, 0,
                List.of(new Region.Attribute("handedness", "Right", 1, 0.64)));
        assertDrawnDifferently(format, classified, plain, (watermark, with, without) -> {
            long bottom = plain.y() + plain.height();
            // "Right 0.64": as wide as the label box of a region with that text.
            int width = watermark.labelWidth(new Region(0, 0, 1, 1, "Right", 0, 0.64));
            Rect under = new Rect(plain.x(), bottom, plain.x() + width, bottom + watermark.labelHeight());
            with.assertUnchangedOutside(without.bytes(), under::contains);
        });
    }

    /** What a classifier said of the whole frame is drawn in label boxes down its top-left corner, nowhere else. */
    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void drawsTheFramesClassificationsAtTheTopLeft(PixelFormat format) {
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, format, GRAY);
            byte[] before = frame.bytes();
            Watermark watermark = new Watermark(frame.layout);
            watermark.draw(frame.memory, List.of(), List.of(new Region.Attribute("orientation", "90", 1, 0.92),
                    new Region.Attribute("scene", "indoor", 0, 0.5)));
            assertFalse(java.util.Arrays.equals(before, frame.bytes()), "drawn");
            int first = watermark.labelWidth(new Region(0, 0, 1, 1, "90", 0, 0.92));
            int second = watermark.labelWidth(new Region(0, 0, 1, 1, "indoor", 0, 0.5));
            int height = watermark.labelHeight();
            frame.assertUnchangedOutside(before, (x, y) -> x < first && y < height
                    || x < second && y >= height && y < 2 * height);
        }
    }

    /** ovwatermark's thickness, font-scale and show-confidence: widths and sizes as asked, no confidence. */
    @Test
    void theStyleSetsThicknessTextSizeAndConfidence() {
        FrameLayout layout = FrameLayout.packed(PixelFormat.BGR, 640, 480);
        Region region = new Region(41, 77, 151, 97, "Person", 0, 0.87);
        Watermark auto = new Watermark(layout);
        Watermark styled = new Watermark(layout, new Watermark.Style(5, 3, false));
        assertEquals(2, auto.thickness());
        assertEquals(5, styled.thickness());
        assertEquals(7 * 3 + 2 * 2 * 3, styled.labelHeight(), "7 font pixels at 3, and padding");
        assertTrue(styled.labelHeight() > auto.labelHeight());
        Watermark noConfidence = new Watermark(layout, new Watermark.Style(0, 0, false));
        assertEquals(auto.labelWidth(new Region(0, 0, 1, 1, "Person", 0, Double.NaN)), noConfidence.labelWidth(region));
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, PixelFormat.BGR, GRAY);
            byte[] before = frame.bytes();
            new Watermark(frame.layout, new Watermark.Style(5, 3, false)).draw(frame.memory, List.of(region));
            byte[] after = frame.bytes();
            // The left outline: 5 pixels wide at the box's middle row, the pixel after it untouched.
            long row = frame.layout.offset(0) + (long) (region.y() + region.height() / 2) * frame.layout.stride(0);
            for (int x = region.x(); x <= region.x() + 5; x++) {
                int at = (int) (row + 3L * x);
                assertEquals(x < region.x() + 5, before[at] != after[at] || before[at + 1] != after[at + 1]
                        || before[at + 2] != after[at + 2], "x " + x);
            }
        }
    }

    private interface Comparison {
        void check(Watermark watermark, TestFrame with, TestFrame without);
    }

    /** Draws {@code region} and {@code other} on two plain frames: they must differ, and pass {@code check}. */
    private static void assertDrawnDifferently(PixelFormat format, Region region, Region other, Comparison check) {
        try (Arena arena = Arena.ofConfined()) {
            TestFrame with = TestFrame.of(arena, format, GRAY);
            TestFrame without = TestFrame.of(arena, format, GRAY);
            Watermark watermark = new Watermark(with.layout);
            watermark.draw(with.memory, List.of(region));
            watermark.draw(without.memory, List.of(other));
            assertFalse(java.util.Arrays.equals(with.bytes(), without.bytes()), "the difference is drawn");
            check.check(watermark, with, without);
        }
    }

    private static void assertDrawsOneBox(PixelFormat format, BgrImage image, Region region) {
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, format, image);
            byte[] before = frame.bytes();
            Watermark watermark = new Watermark(frame.layout);
            watermark.draw(frame.memory, List.of(region));

            int t = watermark.thickness();
            Rect box = new Rect(region.x(), region.y(), region.x() + region.width(), region.y() + region.height());
            Rect inside = new Rect(box.left + t, box.top + t, box.right - t, box.bottom - t);
            Rect label = new Rect(box.left, box.top - watermark.labelHeight(),
                    box.left + watermark.labelWidth(region), box.top);
            frame.assertUnchangedOutside(before,
                    (x, y) -> box.contains(x, y) && !inside.contains(x, y) || label.contains(x, y));

            int color = Watermark.color(region.labelId());
            int middleX = (int) (box.left + box.right) / 2;
            int middleY = (int) (box.top + box.bottom) / 2;
            for (int[] outline : new int[][] {
                {(int) box.left, middleY}, {(int) box.left + t - 1, middleY}, {(int) box.right - 1, middleY},
                {(int) box.right - t, middleY}, {middleX, (int) box.top}, {middleX, (int) box.top + t - 1},
                {middleX, (int) box.bottom - 1}, {(int) box.left, (int) box.bottom - 1},
                {(int) box.right - 1, (int) box.top},
            }) {
                frame.assertColor(outline[0], outline[1], color);
            }
            assertLabelHasTextOnItsColor(frame, label, color);
        }
    }

    /** Every pixel of the label box is its color or the text's, and there is some of both. */
    private static void assertLabelHasTextOnItsColor(TestFrame frame, Rect label, int color) {
        int background = 0;
        int text = 0;
        for (int y = (int) label.top; y < label.bottom; y++) {
            for (int x = (int) label.left; x < label.right; x++) {
                int tone = frame.toneAt(x, y);
                if (tone == frame.tone(color)) {
                    background++;
                } else if (tone == frame.tone(0x000000) || tone == frame.tone(0xFFFFFF)) {
                    text++;
                }
            }
        }
        assertEquals((label.right - label.left) * (label.bottom - label.top), background + text,
                "label pixels neither box nor text color");
        assertTrue(text > 0, "no text");
        assertTrue(background > text, "text " + text + " pixels, background only " + background);
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void noRegionsLeaveTheFrameAsItWas(PixelFormat format) {
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, format, ASTRONAUT);
            byte[] before = frame.bytes();
            new Watermark(frame.layout).draw(frame.memory, List.of());
            assertArrayEquals(before, frame.bytes());
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void clipsBoxesHalfOutsideTheFrame(PixelFormat format) {
        int width = GRAY.width();
        int height = GRAY.height();
        List<Region> regions = List.of(
                new Region(-50, 100, 100, 60, "left", 1, 0.5),
                new Region(width - 50, 100, 100, 60, "right edge with a long label", 2, 0.5),
                new Region(100, -30, 60, 80, "top", 3, Double.NaN),
                new Region(100, height - 40, 60, 80, null, 4, 0.25),
                new Region(-10, -10, width + 20, height + 20, "everywhere", 5, 1));
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, format, GRAY);
            byte[] before = frame.bytes();
            new Watermark(frame.layout).draw(frame.memory, regions);
            frame.assertUnchangedOutside(before, (x, y) -> true);
            frame.assertColor(49, 130, Watermark.color(1));
            frame.assertColor(width - 50, 130, Watermark.color(2));
            frame.assertColor(100, 20, Watermark.color(3));
            frame.assertColor(130, height - 40, Watermark.color(4));
        }
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = "GRAY8", mode = EnumSource.Mode.EXCLUDE)
    void leavesTheFrameAloneForBoxesOutsideItOrEmpty(PixelFormat format) {
        int width = GRAY.width();
        int height = GRAY.height();
        List<Region> regions = List.of(
                new Region(width, 10, 50, 50, "right", 0, 0.9),
                new Region(-50, 10, 50, 50, "left", 0, 0.9),
                new Region(10, height, 50, 50, "below", 0, 0.9),
                new Region(10, -50, 50, 50, "above", 0, 0.9),
                new Region(10, 10, 0, 50, "no width", 0, 0.9),
                new Region(10, 10, 50, 0, "no height", 0, 0.9),
                new Region(10, 10, -20, -20, "negative", 0, 0.9),
                new Region(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, "far", 0, 0.9),
                new Region(Integer.MIN_VALUE, Integer.MIN_VALUE, 100, 100, "far", 0, 0.9));
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, format, GRAY);
            byte[] before = frame.bytes();
            new Watermark(frame.layout).draw(frame.memory, regions);
            assertArrayEquals(before, frame.bytes());
        }
    }

    @Test
    void putsTheLabelInsideTheBoxWhenThereIsNoRoomAbove() {
        Region region = new Region(40, 5, 120, 100, "Person", 0, 0.87);
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, PixelFormat.BGR, GRAY);
            Watermark watermark = new Watermark(frame.layout);
            watermark.draw(frame.memory, List.of(region));
            Rect label = new Rect(40, 5, 40 + watermark.labelWidth(region), 5 + watermark.labelHeight());
            assertLabelHasTextOnItsColor(frame, label, Watermark.color(0));
            assertEquals(frame.tone(0x6E645A), frame.toneAt(40, 4), "above the box");
        }
    }

    @Test
    void drawsLabelsOverTheOutlinesOfOtherBoxes() {
        Region labelled = new Region(40, 100, 120, 100, "Person", 0, 0.87);
        Region crossing = new Region(60, 50, 30, 150, "Dog", 1, 0.5);
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, PixelFormat.BGR, GRAY);
            Watermark watermark = new Watermark(frame.layout);
            watermark.draw(frame.memory, List.of(labelled, crossing));
            Rect label = new Rect(40, 100 - watermark.labelHeight(), 40 + watermark.labelWidth(labelled), 100);
            assertLabelHasTextOnItsColor(frame, label, Watermark.color(0));
        }
    }

    @Test
    void scalesLinesAndTextWithTheFrame() {
        Region region = new Region(0, 0, 10, 10, "Person", 0, 0.87);
        Watermark small = new Watermark(FrameLayout.packed(PixelFormat.NV12, 320, 240));
        Watermark full = new Watermark(FrameLayout.packed(PixelFormat.NV12, 1920, 1080));
        assertEquals(2, small.thickness());
        assertEquals(3, full.thickness());
        assertEquals(7 + 4, small.labelHeight());
        assertEquals(4 * 7 + 16, full.labelHeight());
        assertEquals("Person 0.87".length() * 6 - 1 + 4, small.labelWidth(region));
        assertEquals("0.87".length() * 6 - 1 + 4, small.labelWidth(new Region(0, 0, 1, 1, null, 0, 0.87)));
        assertEquals("é😀".codePointCount(0, 3) * 6 - 1 + 4, small.labelWidth(new Region(0, 0, 1, 1, "é😀", 0, Double.NaN)));
        assertEquals(0, small.labelWidth(new Region(0, 0, 1, 1, null, 0, Double.NaN)));
    }

    @Test
    void givesEachClassItsOwnColor() {
        assertNotEquals(Watermark.color(0), Watermark.color(1));
        assertEquals(Watermark.color(0), Watermark.color(20));
        assertEquals(Watermark.color(19), Watermark.color(-1));
    }

    @Test
    void refusesAFrameSmallerThanItsLayout() {
        try (Arena arena = Arena.ofConfined()) {
            FrameLayout layout = FrameLayout.packed(PixelFormat.I420, 64, 48);
            Watermark watermark = new Watermark(layout);
            assertThrows(IllegalArgumentException.class,
                    () -> watermark.draw(arena.allocate(layout.size() - 1), List.of()));
        }
    }

    /** A picture for people to judge: readable labels, colors, clipping at the edges. */
    @Test
    void drawsAPictureToLookAt() throws IOException {
        List<Region> regions = List.of(
                new Region(150, 15, 160, 175, "Person 'face'", 0, 0.87),
                new Region(20, 145, 350, 367, "Person", 0, 0.93),
                new Region(355, 0, 115, 290, "Space shuttle", 11, 0.61),
                new Region(275, 340, 260, 200, "Helmet", 7, 0.78),
                new Region(-40, 0, 135, 250, "Flag", 17, Double.NaN),
                new Region(130, 345, 80, 80, null, 3, 0.42));
        try (Arena arena = Arena.ofConfined()) {
            TestFrame frame = TestFrame.of(arena, PixelFormat.BGR, ASTRONAUT);
            new Watermark(frame.layout).draw(frame.memory, regions);
            Path file = TestAssets.home().resolve("target").resolve("watermark-astronaut.png");
            Files.createDirectories(file.getParent());
            assertTrue(ImageIO.write(toImage(frame.toBgr()), "png", file.toFile()));
        }
    }

    private static BufferedImage toImage(BgrImage bgr) {
        BufferedImage image = new BufferedImage(bgr.width(), bgr.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr.pixels(), 0, pixels, 0, pixels.length);
        return image;
    }
}
