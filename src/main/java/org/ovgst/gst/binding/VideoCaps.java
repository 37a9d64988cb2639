package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Function;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;

/** Reads video caps (frame layout, rate, aspect) through GStreamer's own {@code GstVideoInfo}. */
public final class VideoCaps {
    private static final int MAX_PLANES = 4;

    private VideoCaps() {}

    /** The layout of raw video caps, or null when the caps are not a format the elements take. */
    public static FrameLayout layout(MemorySegment caps) {
        return readInfo(caps, null, fields -> {
            PixelFormat format = PixelFormat.fromGstName(formatName(fields));
            if (format == null) {
                return null;
            }
            int[] strides = new int[format.planes()];
            long[] offsets = new long[format.planes()];
            long strideAt = StructOffsets.offset("GstVideoInfo.stride");
            long offsetAt = StructOffsets.offset("GstVideoInfo.offset");
            for (int plane = 0; plane < format.planes() && plane < MAX_PLANES; plane++) {
                strides[plane] = fields.get(JAVA_INT, strideAt + plane * 4L);
                offsets[plane] = fields.get(JAVA_LONG, offsetAt + plane * 8L);
            }
            return new FrameLayout(format, fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.width")),
                    fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.height")), strides, offsets,
                    fields.get(JAVA_LONG, StructOffsets.offset("GstVideoInfo.size")));
        });
    }

    /** The width and height of raw video caps of any format, or null when the caps are not raw video. */
    public static int[] size(MemorySegment caps) {
        return readInfo(caps, null, fields -> new int[] {fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.width")),
                fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.height"))});
    }

    /**
     * Reads the {@code GstVideoInfo} of {@code caps} with {@code read}, given the struct's fields;
     * {@code otherwise} when the caps are not raw video GStreamer can describe.
     */
    private static <T> T readInfo(MemorySegment caps, T otherwise, Function<MemorySegment, T> read) {
        MemorySegment info = GstVideo.videoInfoNew();
        try {
            if (!GstVideo.videoInfoFromCaps(info, caps)) {
                return otherwise;
            }
            return read.apply(info.reinterpret(StructOffsets.size("GstVideoInfo")));
        } finally {
            GstVideo.videoInfoFree(info);
        }
    }

    private static String formatName(MemorySegment fields) {
        MemorySegment formatInfo = fields.get(ADDRESS, StructOffsets.offset("GstVideoInfo.finfo"))
                .reinterpret(StructOffsets.size("GstVideoFormatInfo"));
        int formatId = formatInfo.get(JAVA_INT, StructOffsets.offset("GstVideoFormatInfo.format"));
        return GstLib.string(GstVideo.videoFormatToString(formatId));
    }

    /**
     * The layout upstream will send, when its caps already fix the format and the size (a caps
     * filter, a file's decoder): what a model can be compiled for before the first frame. Null when
     * they do not, or upstream cannot be asked yet. Takes over {@code caps}.
     */
    public static FrameLayout fixedLayout(MemorySegment caps) {
        if (caps.equals(MemorySegment.NULL)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            boolean fixed = GstPads.capsGetSize(caps) == 1;
            if (fixed) {
                MemorySegment structure = GstPads.capsGetStructure(caps, 0);
                MemorySegment number = arena.allocate(JAVA_INT);
                fixed = !(GstPads.structureGetString(structure,
                        arena.allocateFrom("format"))).equals(MemorySegment.NULL)
                        && GstPads.structureGetInt(structure, arena.allocateFrom("width"),
                                number)
                        && GstPads.structureGetInt(structure, arena.allocateFrom("height"), number);
            }
            if (!fixed) {
                Gst.miniObjectUnref(caps);
                return null;
            }
            MemorySegment fixated = GstPads.capsFixate(caps);
            try {
                return layout(fixated);
            } finally {
                Gst.miniObjectUnref(fixated);
            }
        }
    }

    /** An image format's name, its first plane's stride and offset, and the frame's size in bytes. */
    public record PackedImage(String format, int stride, long offset, long size) {}

    /** The first plane and size of a frame of these (fixed) caps, of any format (RGBA, I420, ...). */
    public static PackedImage packedImage(MemorySegment caps) {
        PackedImage image = readInfo(caps, null, fields -> new PackedImage(formatName(fields),
                fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.stride")),
                fields.get(JAVA_LONG, StructOffsets.offset("GstVideoInfo.offset")),
                fields.get(JAVA_LONG, StructOffsets.offset("GstVideoInfo.size"))));
        if (image == null) {
            throw new IllegalArgumentException("not fixed raw video caps: " + toString(caps));
        }
        return image;
    }

    /** {@code ", framerate=..., pixel-aspect-ratio=..."} of raw video caps, for caps made from them. */
    public static String rateAndAspect(MemorySegment caps) {
        return readInfo(caps, "", fields -> ", framerate=(fraction)"
                + fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.fps_n")) + "/"
                + fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.fps_d")) + ", pixel-aspect-ratio=(fraction)"
                + fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.par_n")) + "/"
                + fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.par_d")));
    }

    /** The frames' duration from the caps' framerate, in ns; 0 for a variable (0/1) or unreadable rate. */
    public static long frameDuration(MemorySegment caps) {
        return readInfo(caps, 0L, fields -> {
            int numerator = fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.fps_n"));
            int denominator = fields.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.fps_d"));
            return numerator <= 0 || denominator <= 0 ? 0L : 1_000_000_000L * denominator / numerator;
        });
    }

    /**
     * Raw video of any format and size, in any memory (caps features ANY): what elements take that
     * read only metadata and the frame size ({@link BridgeBin#readsPixels}).
     */
    public static final String ANY_RAW_VIDEO = "video/x-raw(ANY)";

    /** Any width and height, as a caps fragment. */
    public static final String ANY_SIZE = ", width=(int)[1,2147483647], height=(int)[1,2147483647]";
    /** The packed color formats, whose frames are rows of whole pixels (crops, copies of colors). */
    public static final String PACKED_CAPS = rawVideo(List.of("BGR", "RGB", "BGRx", "RGBx"), ANY_SIZE);

    /** {@code video/x-raw} with these formats, in this order, and {@code size} (a caps fragment). */
    public static String rawVideo(List<String> formats, String size) {
        return "video/x-raw, format=(string){ " + String.join(", ", formats) + " }" + size;
    }

    /** The caps {@code text} describes, narrowed to {@code filter} (its order first) unless NULL: a new reference. */
    public static MemorySegment capsFor(String text, MemorySegment filter) {
        MemorySegment caps;
        try (Arena scratch = Arena.ofConfined()) {
            caps = GstPads.capsFromString(scratch.allocateFrom(text));
        }
        if (filter.equals(MemorySegment.NULL)) {
            return caps;
        }
        MemorySegment narrowed = GstPads.capsIntersectFull(filter, caps, 1 /* GST_CAPS_INTERSECT_FIRST */);
        Gst.miniObjectUnref(caps);
        return narrowed;
    }

    public static String toString(MemorySegment caps) {
        return GstLib.takeString(GstPads.capsToString(caps));
    }

    /** Turns an answered accept-caps query's yes into no when {@code pad}'s template does not hold the caps. */
    public static void restrictAcceptCapsResult(MemorySegment query, MemorySegment pad) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            GstPads.queryParseAcceptCapsResult(query, slot);
            if (slot.get(JAVA_INT, 0) == 0) {
                return;
            }
            GstPads.queryParseAcceptCaps(query, slot);
            MemorySegment template = GstPads.padGetPadTemplateCaps(pad);
            boolean held = GstPads.capsIsSubset(slot.get(ADDRESS, 0), template);
            Gst.miniObjectUnref(template);
            if (!held) {
                GstPads.querySetAcceptCapsResult(query, false);
            }
        }
    }

    /** The {@code format} of the first structure of caps ({@code I420}), or null. */
    public static String formatOf(MemorySegment caps) {
        try (Arena arena = Arena.ofConfined()) {
            if (GstPads.capsGetSize(caps) == 0) {
                return null;
            }
            MemorySegment structure = GstPads.capsGetStructure(caps, 0);
            return GstLib.string(GstPads.structureGetString(structure, arena.allocateFrom("format")));
        }
    }

    /** The formats caps text lists: {@code BGR, RGB} of {@code format=(string){ BGR, RGB }}; null for none. */
    public static String formats(String capsText) {
        java.util.regex.Matcher formats = CAPS_FORMATS.matcher(capsText);
        return formats.find() ? formats.group(1).replaceAll("[{}]", "").strip() : null;
    }

    /** The formats of a caps string: {@code format=(string){ BGR, RGB }} or {@code format=(string)BGR}. */
    private static final java.util.regex.Pattern CAPS_FORMATS = java.util.regex.Pattern.compile(
            "format=\\(string\\)(\\{[^}]*}|[^,;]+)");

    /** Narrows the result of an answered caps query to what {@code pad}'s template allows. */
    public static void restrictCapsResult(MemorySegment query, MemorySegment pad) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            GstPads.queryParseCapsResult(query, slot);
            MemorySegment result = slot.get(ADDRESS, 0);
            if (result.equals(MemorySegment.NULL)) {
                return;
            }
            MemorySegment template = GstPads.padGetPadTemplateCaps(pad);
            MemorySegment narrowed = GstPads.capsIntersect(result, template);
            GstPads.querySetCapsResult(query, narrowed);
            Gst.miniObjectUnref(narrowed);
            Gst.miniObjectUnref(template);
        }
    }
}
