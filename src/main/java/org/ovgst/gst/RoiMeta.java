package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ovgst.infer.Detection;

/**
 * Detections as {@code GstVideoRegionOfInterestMeta} (gst-plugins-base, so every GStreamer 1.22
 * tool can read them): pixel box of the frame, the label as ROI type, and a {@code detection}
 * parameter structure with {@code label_id}, {@code confidence}, normalized {@code x_min},
 * {@code y_min}, {@code x_max}, {@code y_max} and {@code label} — DL Streamer's layout.
 */
public final class RoiMeta {
    private static final long G_TYPE_INT = 6 << 2;
    private static final long G_TYPE_DOUBLE = 15 << 2;
    private static final long G_TYPE_STRING = 16 << 2;
    private static final long ROI_API = (long) GstLib.call("gst_video_region_of_interest_meta_api_get_type");
    private static final MemorySegment DETECTION = GstLib.staticString("detection");
    private static final MemorySegment LABEL_ID = GstLib.staticString("label_id");
    private static final MemorySegment CONFIDENCE = GstLib.staticString("confidence");
    private static final MemorySegment LABEL = GstLib.staticString("label");

    private RoiMeta() {}

    /** Attaches one detection to a writable buffer of a {@code width x height} frame. */
    public static void add(MemorySegment buffer, Detection detection, int width, int height) {
        String label = detection.label();
        int x = (int) Math.round(detection.xMin() * width);
        int y = (int) Math.round(detection.yMin() * height);
        int w = (int) Math.round(detection.xMax() * width) - x;
        int h = (int) Math.round(detection.yMax() * height) - y;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment meta = (MemorySegment) GstLib.call("gst_buffer_add_video_region_of_interest_meta", buffer,
                    arena.allocateFrom(label), x, y, w, h);
            MemorySegment params = (MemorySegment) GstLib.call("gst_structure_new_empty", DETECTION);
            MemorySegment value = arena.allocate(StructOffsets.size("GValue"), 8);
            set(params, "label_id", value, G_TYPE_INT, v -> GstLib.call("g_value_set_int", v, detection.labelId()));
            set(params, "confidence", value, G_TYPE_DOUBLE,
                    v -> GstLib.call("g_value_set_double", v, (double) detection.confidence()));
            set(params, "x_min", value, G_TYPE_DOUBLE, v -> GstLib.call("g_value_set_double", v, (double) detection.xMin()));
            set(params, "y_min", value, G_TYPE_DOUBLE, v -> GstLib.call("g_value_set_double", v, (double) detection.yMin()));
            set(params, "x_max", value, G_TYPE_DOUBLE, v -> GstLib.call("g_value_set_double", v, (double) detection.xMax()));
            set(params, "y_max", value, G_TYPE_DOUBLE, v -> GstLib.call("g_value_set_double", v, (double) detection.yMax()));
            set(params, "label", value, G_TYPE_STRING,
                    v -> GstLib.call("g_value_set_string", v, arena.allocateFrom(label)));
            // The meta takes ownership of the structure.
            GstLib.call("gst_video_region_of_interest_meta_add_param", meta, params);
        }
    }

    private static void set(MemorySegment structure, String field, MemorySegment value, long type,
            java.util.function.Consumer<MemorySegment> setter) {
        value.fill((byte) 0);
        GstLib.call("g_value_init", value, type);
        setter.accept(value);
        try (Arena arena = Arena.ofConfined()) {
            GstLib.call("gst_structure_set_value", structure, arena.allocateFrom(field), value);
        }
        GstLib.call("g_value_unset", value);
    }

    /** Every region of interest on a buffer, in the order they were attached. */
    public static List<Region> read(MemorySegment buffer) {
        List<Region> regions = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ADDRESS);
            MemorySegment intOut = arena.allocate(JAVA_INT);
            MemorySegment doubleOut = arena.allocate(JAVA_DOUBLE);
            while (true) {
                MemorySegment meta = (MemorySegment) GstLib.call("gst_buffer_iterate_meta_filtered", buffer, state, ROI_API);
                if (meta.equals(MemorySegment.NULL)) {
                    return regions;
                }
                MemorySegment fields = meta.reinterpret(StructOffsets.size("GstVideoRegionOfInterestMeta"));
                String label = GstLib.string((MemorySegment) GstLib.call("g_quark_to_string",
                        fields.get(JAVA_INT, StructOffsets.offset("GstVideoRegionOfInterestMeta.roi_type"))));
                int labelId = -1;
                double confidence = Double.NaN;
                MemorySegment params = (MemorySegment) GstLib.call("gst_video_region_of_interest_meta_get_param",
                        meta, DETECTION);
                if (!params.equals(MemorySegment.NULL)) {
                    if (GstLib.isTrue(GstLib.call("gst_structure_get_int", params, LABEL_ID,
                            intOut))) {
                        labelId = intOut.get(JAVA_INT, 0);
                    }
                    if (GstLib.isTrue(GstLib.call("gst_structure_get_double", params, CONFIDENCE, doubleOut))) {
                        confidence = doubleOut.get(JAVA_DOUBLE, 0);
                    }
                    String named = GstLib.string((MemorySegment) GstLib.call("gst_structure_get_string", params, LABEL));
                    label = named != null ? named : label;
                }
                regions.add(new Region(fields.get(JAVA_INT, StructOffsets.offset("GstVideoRegionOfInterestMeta.x")),
                        fields.get(JAVA_INT, StructOffsets.offset("GstVideoRegionOfInterestMeta.y")),
                        fields.get(JAVA_INT, StructOffsets.offset("GstVideoRegionOfInterestMeta.w")),
                        fields.get(JAVA_INT, StructOffsets.offset("GstVideoRegionOfInterestMeta.h")),
                        label, labelId, confidence));
            }
        }
    }
}
