package org.ovgst.gst.overlay;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.gst.meta.Region;
import org.ovgst.infer.image.FrameLayout;

/**
 * Draws regions of interest onto video frames in place: what the {@code ovwatermark} element does to
 * each buffer, like DL Streamer's {@code gvawatermark}. Each region gets a rectangle outline in its
 * class color and, above it, a box of the same color with the label and confidence
 * ({@code Person 0.87}) in a built-in 5x7 font.
 *
 * <p>One instance serves one frame layout (make it when the caps are set): it holds the palette
 * already converted to that pixel format, so drawing allocates nothing. Everything is clipped to the
 * frame, so regions partly or wholly outside it, or empty, are safe, and row padding is never
 * written. Instances are immutable and can draw on several frames at once.
 */
public final class Watermark {
    /** Colors by class index, {@code 0xRRGGBB}: Ultralytics' palette, twenty hues that tell apart well. */
    private static final int[] PALETTE = {
        0xFF3838, 0xFF9D97, 0xFF701F, 0xFFB21D, 0xCFD231, 0x48F90A, 0x92CC17, 0x3DDB86, 0x1A9334, 0x00D4BB,
        0x2C99A8, 0x00C2FF, 0x344593, 0x6473FF, 0x0018EC, 0x8438FF, 0x520085, 0xCB38FF, 0xFF95C8, 0xFF37C7,
    };
    private static final int BLACK = 0x000000;
    private static final int WHITE = 0xFFFFFF;
    /**
     * Text and lines grow a step for each this many pixels of the frame's short side, to stay
     * readable on large frames: text doubles from 480 pixels, lines widen to 3 pixels from 1080.
     */
    private static final int PIXELS_PER_TEXT_SCALE = 240;
    private static final int PIXELS_PER_LINE_WIDTH = 360;
    /** Confidence prints with two decimals: {@code 0.87}. */
    private static final int CONFIDENCE_LENGTH = 4;

    private final int width;
    private final int height;
    private final long frameSize;
    private final PlaneWriter[] planes;
    private final int thickness;
    /** Frame pixels per font pixel. */
    private final int scale;
    /** Margin between the text and the edge of its box. */
    private final int padding;
    /** Per palette entry, the box color and the text color as each plane's bytes. */
    private final int[][] boxColors;
    private final int[][] textColors;

    /**
     * How regions are drawn ({@code ovwatermark}'s properties).
     *
     * @param thickness outline width in pixels; 0 chooses by the frame's size
     * @param fontScale frame pixels per font pixel; 0 chooses by the frame's size
     * @param showConfidence whether labels show the confidence
     */
    public record Style(int thickness, int fontScale, boolean showConfidence) {
        /** Sizes chosen by the frame, confidences shown. */
        public static final Style AUTO = new Style(0, 0, true);
    }

    private final boolean showConfidence;

    public Watermark(FrameLayout layout) {
        this(layout, Style.AUTO);
    }

    public Watermark(FrameLayout layout, Style style) {
        width = layout.width();
        height = layout.height();
        frameSize = layout.size();
        planes = PlaneWriter.of(layout);
        int shortSide = Math.min(width, height);
        thickness = style.thickness() > 0 ? style.thickness() : Math.max(2, shortSide / PIXELS_PER_LINE_WIDTH);
        scale = style.fontScale() > 0 ? style.fontScale() : Math.max(1, shortSide / PIXELS_PER_TEXT_SCALE);
        showConfidence = style.showConfidence();
        padding = 2 * scale;
        boxColors = new int[PALETTE.length][];
        textColors = new int[PALETTE.length][];
        for (int i = 0; i < PALETTE.length; i++) {
            boxColors[i] = encode(PALETTE[i]);
            textColors[i] = encode(isLight(PALETTE[i]) ? BLACK : WHITE);
        }
    }

    /** The color of a class, {@code 0xRRGGBB}. */
    public static int color(int labelId) {
        return PALETTE[paletteIndex(labelId)];
    }

    /** Width of the outlines in pixels: 2, more on frames from 1080 pixels on the short side. */
    public int thickness() {
        return thickness;
    }

    /** Height of a label box in pixels. */
    public int labelHeight() {
        return BitmapFont.HEIGHT * scale + 2 * padding;
    }

    /** Width of a region's label box in pixels, 0 when it has neither label nor confidence. */
    public int labelWidth(Region region) {
        return textWidth(labelLength(region.label(), region.confidence(), region.id()));
    }

    /** Width of a box of {@code characters} characters, 0 for none. */
    private int textWidth(int characters) {
        return characters == 0 ? 0 : characters * advance() - scale + 2 * padding;
    }

    /**
     * Draws every region on a frame of this instance's layout.
     *
     * @throws IllegalArgumentException if {@code frame} is smaller than the layout says
     */
    public void draw(MemorySegment frame, List<Region> regions) {
        draw(frame, regions, List.of());
    }

    /**
     * Draws every region, and what classifiers said of the whole frame as label boxes down its
     * top-left corner, on a frame of this instance's layout.
     *
     * @throws IllegalArgumentException if {@code frame} is smaller than the layout says
     */
    public void draw(MemorySegment frame, List<Region> regions, List<Region.Attribute> frameResults) {
        if (frame.byteSize() < frameSize) {
            throw new IllegalArgumentException("frame of " + frame.byteSize() + " bytes, the layout needs " + frameSize);
        }
        // Labels after all outlines, so that no outline cuts through a label's text.
        for (int i = 0; i < regions.size(); i++) {
            drawOutline(frame, regions.get(i));
        }
        for (int i = 0; i < regions.size(); i++) {
            drawLabel(frame, regions.get(i));
            drawAttributes(frame, regions.get(i));
        }
        drawAttributeLabels(frame, frameResults, 0, 0, 0);
    }

    private void drawOutline(MemorySegment frame, Region region) {
        if (!isVisible(region)) {
            return;
        }
        long left = region.x();
        long top = region.y();
        long right = left + region.width();
        long bottom = top + region.height();
        int[] color = boxColors[paletteIndex(region.labelId())];
        fill(frame, left, top, right, top + thickness, color);
        fill(frame, left, bottom - thickness, right, bottom, color);
        fill(frame, left, top, left + thickness, bottom, color);
        fill(frame, right - thickness, top, right, bottom, color);
    }

    private void drawLabel(MemorySegment frame, Region region) {
        int labelWidth = labelWidth(region);
        if (labelWidth == 0 || !isVisible(region)) {
            return;
        }
        long left = region.x();
        long top = region.y();
        int labelHeight = labelHeight();
        // Above the box; inside it when there is no room above. Shifted left rather than cut off at
        // the right edge, so the text stays readable.
        long labelTop = top >= labelHeight ? top - labelHeight : Math.max(top, 0);
        long labelLeft = Math.clamp(left, 0, Math.max(0, width - labelWidth));
        int colorIndex = paletteIndex(region.labelId());
        fill(frame, labelLeft, labelTop, labelLeft + labelWidth, labelTop + labelHeight, boxColors[colorIndex]);
        drawText(frame, region.label(), region.confidence(), region.id(), labelLeft + padding, labelTop + padding,
                textColors[colorIndex]);
    }

    /**
     * What classifiers said of a region, one label box each under the box (DL Streamer's
     * gvawatermark prints them there too); inside its bottom when there is no room below.
     */
    private void drawAttributes(MemorySegment frame, Region region) {
        if (region.attributes().isEmpty() || !isVisible(region)) {
            return;
        }
        int labelHeight = labelHeight();
        long bottom = (long) region.y() + region.height();
        long top = bottom + (long) region.attributes().size() * labelHeight <= height ? bottom
                : Math.max(0, bottom - (long) region.attributes().size() * labelHeight);
        drawAttributeLabels(frame, region.attributes(), region.x(), top, region.labelId());
    }

    /** One label box per attribute, downwards from ({@code x}, {@code top}), in the class's colors. */
    private void drawAttributeLabels(MemorySegment frame, List<Region.Attribute> attributes, long x, long top,
            int labelId) {
        int colorIndex = paletteIndex(labelId);
        for (Region.Attribute attribute : attributes) {
            int labelWidth = textWidth(labelLength(attribute.label(), attribute.confidence(), 0));
            long left = Math.clamp(x, 0, Math.max(0, width - labelWidth));
            fill(frame, left, top, left + labelWidth, top + labelHeight(), boxColors[colorIndex]);
            drawText(frame, attribute.label(), attribute.confidence(), 0, left + padding, top + padding,
                    textColors[colorIndex]);
            top += labelHeight();
        }
    }

    /** Whether a region has pixels in the frame. Long arithmetic: x + width may overflow an int. */
    private boolean isVisible(Region region) {
        long right = (long) region.x() + region.width();
        long bottom = (long) region.y() + region.height();
        return region.width() > 0 && region.height() > 0 && right > 0 && bottom > 0 && region.x() < width
                && region.y() < height;
    }

    /** Class indices past the palette wrap around; negative ones too. */
    private static int paletteIndex(int labelId) {
        return Math.floorMod(labelId, PALETTE.length);
    }

    private void drawText(MemorySegment frame, String label, double confidence, long id, long x, long y, int[] color) {
        boolean written = false;
        if (label != null) {
            for (int i = 0; i < label.length(); i += Character.charCount(label.codePointAt(i))) {
                drawCharacter(frame, label.codePointAt(i), x, y, color);
                x += advance();
            }
            written = true;
        }
        if (showConfidence && !Double.isNaN(confidence)) {
            x += written ? advance() : 0;
            int hundredths = (int) Math.round(Math.clamp(confidence, 0, 1) * 100);
            drawCharacter(frame, '0' + hundredths / 100, x, y, color);
            drawCharacter(frame, '.', x + advance(), y, color);
            drawCharacter(frame, '0' + hundredths / 10 % 10, x + 2 * advance(), y, color);
            drawCharacter(frame, '0' + hundredths % 10, x + 3 * advance(), y, color);
            x += CONFIDENCE_LENGTH * advance();
            written = true;
        }
        if (id > 0) {
            x += written ? advance() : 0;
            drawCharacter(frame, '#', x, y, color);
            for (long unit = decimalUnit(id); unit > 0; unit /= 10) {
                x += advance();
                drawCharacter(frame, (int) ('0' + id / unit % 10), x, y, color);
            }
        }
    }

    /** The power of ten of a positive number's first digit (1 for 7, 100 for 345). */
    private static long decimalUnit(long value) {
        long unit = 1;
        while (value / unit >= 10) {
            unit *= 10;
        }
        return unit;
    }

    /** Characters of a text: label, confidence and track id ({@code #7}, when above 0), a space between. */
    private int labelLength(String label, double confidence, long id) {
        int length = label == null ? 0 : label.codePointCount(0, label.length());
        if (showConfidence && !Double.isNaN(confidence)) {
            length += (length > 0 ? 1 : 0) + CONFIDENCE_LENGTH;
        }
        if (id > 0) {
            int digits = 1;
            for (long unit = decimalUnit(id); unit >= 10; unit /= 10) {
                digits++;
            }
            length += (length > 0 ? 1 : 0) + 1 + digits;
        }
        return length;
    }

    /** Draws a glyph as one rectangle per run of set pixels in each of its rows. */
    private void drawCharacter(MemorySegment frame, int codePoint, long x, long y, int[] color) {
        for (int row = 0; row < BitmapFont.HEIGHT; row++) {
            int bits = BitmapFont.row(codePoint, row);
            long rowTop = y + (long) row * scale;
            while (bits != 0) {
                int start = Integer.numberOfTrailingZeros(bits);
                int end = start + Integer.numberOfTrailingZeros(~(bits >>> start));
                fill(frame, x + (long) start * scale, rowTop, x + (long) end * scale, rowTop + scale, color);
                bits &= -1 << end;
            }
        }
    }

    private int advance() {
        return (BitmapFont.WIDTH + 1) * scale;
    }

    /** Paints a rectangle clipped to the frame, on every plane. */
    private void fill(MemorySegment frame, long x0, long y0, long x1, long y1, int[] color) {
        int left = Math.clamp(x0, 0, width);
        int right = Math.clamp(x1, 0, width);
        int top = Math.clamp(y0, 0, height);
        int bottom = Math.clamp(y1, 0, height);
        if (left >= right || top >= bottom) {
            return;
        }
        for (int plane = 0; plane < planes.length; plane++) {
            planes[plane].fill(frame, left, top, right, bottom, color[plane]);
        }
    }

    private int[] encode(int rgb) {
        int[] color = new int[planes.length];
        for (int plane = 0; plane < planes.length; plane++) {
            color[plane] = planes[plane].encode(rgb);
        }
        return color;
    }

    /** Whether black text reads better than white on this color (Rec. 601 luma above the middle). */
    private static boolean isLight(int rgb) {
        int luma = (299 * (rgb >>> 16 & 0xff) + 587 * (rgb >>> 8 & 0xff) + 114 * (rgb & 0xff)) / 1000;
        return luma > 140;
    }
}
