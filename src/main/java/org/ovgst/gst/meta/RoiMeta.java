package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.ffm.NativeLibrary;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstVideo;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.infer.image.Detection;

/**
 * Detections as {@code GstVideoRegionOfInterestMeta} (gst-plugins-base, so every GStreamer 1.22
 * tool can read them): pixel box of the frame, the label as ROI type, and a {@code detection}
 * parameter structure with {@code label_id}, {@code confidence}, normalized {@code x_min},
 * {@code y_min}, {@code x_max}, {@code y_max} and {@code label} — DL Streamer's layout; a tracked
 * region also carries DL Streamer's {@code object_id} structure with the track's {@code id}.
 *
 * <p>Both directions run for every frame, so they make no garbage beyond what they return: exactly
 * typed calls, labels interned once as GLib quarks, and a small scratch area per thread.
 */
public final class RoiMeta {
    private static final long ROI_API = GstVideo.videoRegionOfInterestMetaApiGetType();
    private static final MemorySegment DETECTION = GstLib.staticString("detection");
    private static final MemorySegment X_MIN = GstLib.staticString("x_min");
    private static final MemorySegment Y_MIN = GstLib.staticString("y_min");
    private static final MemorySegment X_MAX = GstLib.staticString("x_max");
    private static final MemorySegment Y_MAX = GstLib.staticString("y_max");
    private static final MemorySegment OBJECT_ID = GstLib.staticString("object_id");
    private static final long META_PARAMS = StructOffsets.offset("GstVideoRegionOfInterestMeta.params");
    private static final long LIST_DATA = StructOffsets.offset("GList.data");
    private static final long LIST_NEXT = StructOffsets.offset("GList.next");
    private static final MemorySegment ID = GstLib.staticString("id");

    private static final long META_SIZE = StructOffsets.size("GstVideoRegionOfInterestMeta");
    private static final long META_ROI_TYPE = StructOffsets.offset("GstVideoRegionOfInterestMeta.roi_type");
    private static final long META_X = StructOffsets.offset("GstVideoRegionOfInterestMeta.x");
    private static final long META_Y = StructOffsets.offset("GstVideoRegionOfInterestMeta.y");
    private static final long META_W = StructOffsets.offset("GstVideoRegionOfInterestMeta.w");
    private static final long META_H = StructOffsets.offset("GstVideoRegionOfInterestMeta.h");
    private static final long META_ID = StructOffsets.offset("GstVideoRegionOfInterestMeta.id");
    private static final long META_PARENT_ID = StructOffsets.offset("GstVideoRegionOfInterestMeta.parent_id");
    private static final NativeFunction COPY_LIST = GstLib.LIBRARY.function("g_list_copy_deep",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MemorySegment COPY_STRUCTURE = GstLib.symbol("gst_structure_copy");

    private static final NativeFunction ADD_META = GstLib.LIBRARY.function("gst_buffer_add_video_region_of_interest_meta_id",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final NativeFunction ADD_PARAM = GstLib.LIBRARY.function("gst_video_region_of_interest_meta_add_param",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    /** {@code gst_structure_new(name, field, type, value, ..., NULL)} with the detection's fields: one call. */
    private static final NativeFunction NEW_DETECTION = GstLib.LIBRARY.function("gst_structure_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS,
                    ADDRESS, JAVA_LONG, JAVA_INT,
                    ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                    ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                    ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                    ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                    ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                    ADDRESS, JAVA_LONG, ADDRESS,
                    ADDRESS),
            Linker.Option.firstVariadicArg(2));
    /** {@code gst_structure_new("object_id", "id", G_TYPE_INT, id, NULL)}. */
    private static final NativeFunction NEW_OBJECT_ID = GstLib.LIBRARY.function("gst_structure_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    /** {@code gst_structure_set(structure, "id", G_TYPE_INT, id, NULL)}. */
    private static final NativeFunction SET_ID = GstLib.LIBRARY.function("gst_structure_set",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2));
    /** Returns a {@code GstVideoRegionOfInterestMeta*} sized to the struct, so its fields can be read as it is. */
    private static final NativeFunction ITERATE = GstLib.LIBRARY.function("gst_buffer_iterate_meta_filtered",
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(META_SIZE, JAVA_BYTE)),
                    ADDRESS, ADDRESS, JAVA_LONG));
    private static final NativeFunction GET_PARAM = GstLib.LIBRARY.function("gst_video_region_of_interest_meta_get_param",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction QUARK_TO_STRING = GstLib.LIBRARY.function("g_quark_to_string",
            FunctionDescriptor.of(NativeLibrary.C_STRING, JAVA_INT));
    private static final NativeFunction STRING_EQUAL = GstLib.LIBRARY.function("g_str_equal",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** A label as GStreamer keeps it: its quark, and the quark's string, which GLib never frees. */
    private record Label(String name, int quark, MemorySegment cName) {}

    /** Labels seen so far, by name and by quark: a few per model (GLib keeps every quark for good anyway). */
    private static final Map<String, Label> LABELS_BY_NAME = new ConcurrentHashMap<>();
    private static final Map<Integer, Label> LABELS_BY_QUARK = new ConcurrentHashMap<>();

    private RoiMeta() {}

    /** How many regions of interest a buffer has. */
    public static int count(MemorySegment buffer) {
        MemorySegment state = MetaScratch.get().state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        try {
            int count = 0;
            while (!((MemorySegment) ITERATE.handle().invokeExact(buffer, state, ROI_API)).equals(MemorySegment.NULL)) {
                count++;
            }
            return count;
        } catch (Throwable t) {
            throw new IllegalStateException("could not count the regions of interest", t);
        }
    }

    /**
     * Attaches one detection to a writable buffer of a {@code width x height} frame, with region id
     * {@code regionId} (unique on the frame: the caller numbers them).
     */
    public static void add(MemorySegment buffer, Detection detection, int width, int height, int regionId) {
        Label label = label(detection.label());
        int x = (int) Math.round(detection.xMin() * width);
        int y = (int) Math.round(detection.yMin() * height);
        int w = (int) Math.round(detection.xMax() * width) - x;
        int h = (int) Math.round(detection.yMax() * height) - y;
        try {
            MemorySegment meta = (MemorySegment) ADD_META.handle().invokeExact(buffer, label.quark(), x, y, w, h);
            meta.reinterpret(META_SIZE).set(JAVA_INT, META_ID, regionId);
            MemorySegment params = (MemorySegment) NEW_DETECTION.handle().invokeExact(DETECTION,
                    Structures.LABEL_ID, GstLib.G_TYPE_INT, detection.labelId(),
                    Structures.CONFIDENCE, GstLib.G_TYPE_DOUBLE, (double) detection.confidence(),
                    X_MIN, GstLib.G_TYPE_DOUBLE, (double) detection.xMin(),
                    Y_MIN, GstLib.G_TYPE_DOUBLE, (double) detection.yMin(),
                    X_MAX, GstLib.G_TYPE_DOUBLE, (double) detection.xMax(),
                    Y_MAX, GstLib.G_TYPE_DOUBLE, (double) detection.yMax(),
                    Structures.LABEL, GstLib.G_TYPE_STRING, label.cName(),
                    MemorySegment.NULL);
            // The meta takes ownership of the structure.
            ADD_PARAM.handle().invokeExact(meta, params);
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a region of interest", t);
        }
    }

    /**
     * Gives the regions of a writable buffer, in the order {@link #read} lists them, their track ids
     * ({@code ids[i]} for region i; 0 leaves a region as it is).
     */
    public static void setObjectIds(MemorySegment buffer, long[] ids) {
        MemorySegment state = MetaScratch.get().state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        try {
            for (long id : ids) {
                MemorySegment meta = (MemorySegment) ITERATE.handle().invokeExact(buffer, state, ROI_API);
                if (meta.equals(MemorySegment.NULL)) {
                    throw new IllegalArgumentException("the frame has fewer regions than ids: " + ids.length);
                }
                if (id == 0) {
                    continue;
                }
                MemorySegment objectId = (MemorySegment) GET_PARAM.handle().invokeExact(meta, OBJECT_ID);
                if (objectId.equals(MemorySegment.NULL)) {
                    ADD_PARAM.handle().invokeExact(meta, (MemorySegment) NEW_OBJECT_ID.handle().invokeExact(OBJECT_ID, ID, GstLib.G_TYPE_INT,
                            Math.toIntExact(id), MemorySegment.NULL));
                } else {
                    SET_ID.handle().invokeExact(objectId, ID, GstLib.G_TYPE_INT, Math.toIntExact(id), MemorySegment.NULL);
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not set the regions' track ids", t);
        }
    }

    /**
     * Puts the address of each region's meta on a writable buffer into {@code into}, in
     * {@link #read}'s order, for the attach methods below (regions past its length are left out).
     */
    public static void metaAddresses(MemorySegment buffer, long[] into) {
        MemorySegment state = MetaScratch.get().state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        try {
            for (int i = 0; i < into.length; i++) {
                MemorySegment meta = (MemorySegment) ITERATE.handle().invokeExact(buffer, state, ROI_API);
                if (meta.equals(MemorySegment.NULL)) {
                    return;
                }
                into[i] = meta.address();
            }
        } catch (Throwable t) {
            throw new IllegalStateException("could not find the regions of interest", t);
        }
    }

    /**
     * Attaches what a classifier said to the region whose meta is at {@code meta} (from
     * {@link #metaAddresses}), as a parameter structure named {@code attribute}.
     */
    public static void addAttribute(long meta, MemorySegment attribute, MemorySegment label, int labelId,
            double confidence, MemorySegment modelName) {
        try {
            Structures.setClassification(addParam(meta, attribute), label, labelId, confidence, modelName);
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a classification", t);
        }
    }

    /**
     * Attaches a model output as it is to the region whose meta is at {@code meta} (from
     * {@link #metaAddresses}), as a parameter structure named {@code attribute} ({@link RawTensors}).
     */
    public static void addRawTensor(long meta, MemorySegment attribute, MemorySegment layerName,
            MemorySegment values, long[] dims) {
        try {
            RawTensors.fill(addParam(meta, attribute), layerName, values, dims);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a raw tensor", t);
        }
    }

    /** A new parameter structure called {@code name} on the region at {@code meta}, which owns it. */
    private static MemorySegment addParam(long meta, MemorySegment name) throws Throwable {
        MemorySegment structure = Structures.newEmpty(name);
        ADD_PARAM.handle().invokeExact(MemorySegment.ofAddress(meta), structure);
        return structure;
    }

    /** The raw tensors attached to region {@code index} of a buffer, in the order they were attached. */
    public static List<RawTensors.RawTensor> rawTensors(MemorySegment buffer, int index) {
        try {
            return params(region(buffer, index), RawTensors::read, MetaScratch.get());
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not read the raw tensors", t);
        }
    }

    /** The meta of region {@code index} (in {@link #read}'s order). */
    private static MemorySegment region(MemorySegment buffer, int index) throws Throwable {
        MemorySegment state = MetaScratch.get().state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        MemorySegment meta = MemorySegment.NULL;
        for (int i = 0; i <= index; i++) {
            meta = (MemorySegment) ITERATE.handle().invokeExact(buffer, state, ROI_API);
            if (meta.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("the frame has no region " + index);
            }
        }
        return meta;
    }

    /**
     * Adds to {@code to} a copy of the region {@code meta} at another frame size, as GStreamer scales
     * regions (integer arithmetic), with its ids and copies of its parameters: GStreamer 1.22's own
     * scale transform of this meta drops the parameters (the detection, classifications).
     */
    static void copyScaled(MemorySegment meta, MemorySegment to, int inWidth, int inHeight, int outWidth,
            int outHeight) throws Throwable {
        MemorySegment region = meta.reinterpret(META_SIZE);
        MemorySegment scaled = ((MemorySegment) ADD_META.handle().invokeExact(to, region.get(JAVA_INT, META_ROI_TYPE),
                region.get(JAVA_INT, META_X) * outWidth / inWidth, region.get(JAVA_INT, META_Y) * outHeight / inHeight,
                region.get(JAVA_INT, META_W) * outWidth / inWidth, region.get(JAVA_INT, META_H) * outHeight / inHeight))
                .reinterpret(META_SIZE);
        scaled.set(JAVA_INT, META_ID, region.get(JAVA_INT, META_ID));
        scaled.set(JAVA_INT, META_PARENT_ID, region.get(JAVA_INT, META_PARENT_ID));
        scaled.set(ADDRESS, META_PARAMS, (MemorySegment) COPY_LIST.handle().invokeExact(region.get(ADDRESS, META_PARAMS),
                COPY_STRUCTURE, MemorySegment.NULL));
    }

    /** Every region of interest on a buffer, in the order they were attached. */
    public static List<Region> read(MemorySegment buffer) {
        MetaScratch scratch = MetaScratch.get();
        MemorySegment state = scratch.state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        List<Region> regions = List.of();
        try {
            while (true) {
                MemorySegment meta = (MemorySegment) ITERATE.handle().invokeExact(buffer, state, ROI_API);
                if (meta.equals(MemorySegment.NULL)) {
                    return regions;
                }
                Label type = label(meta.get(JAVA_INT, META_ROI_TYPE));
                String label = type.name();
                int labelId = -1;
                double confidence = Double.NaN;
                MemorySegment params = (MemorySegment) GET_PARAM.handle().invokeExact(meta, DETECTION);
                if (!params.equals(MemorySegment.NULL)) {
                    labelId = Structures.intField(params, Structures.LABEL_ID, -1, scratch);
                    confidence = Structures.doubleField(params, Structures.CONFIDENCE, Double.NaN, scratch);
                    MemorySegment named = Structures.string(params, Structures.LABEL);
                    if (!named.equals(MemorySegment.NULL) && !sameText(named, type.cName())) {
                        // The detection's own label wins; as a rule it is the ROI type's, already a string.
                        label = GstLib.string(named);
                    }
                }
                long objectId = 0;
                MemorySegment tracked = (MemorySegment) GET_PARAM.handle().invokeExact(meta, OBJECT_ID);
                if (!tracked.equals(MemorySegment.NULL)) {
                    objectId = Structures.intField(tracked, ID, 0, scratch);
                }
                if (regions.isEmpty()) {
                    regions = new ArrayList<>();
                }
                regions.add(new Region(meta.get(JAVA_INT, META_X), meta.get(JAVA_INT, META_Y),
                        meta.get(JAVA_INT, META_W), meta.get(JAVA_INT, META_H), label, labelId, confidence, objectId,
                        params(meta, RoiMeta::classification, scratch), meta.get(JAVA_INT, META_ID)));
            }
        } catch (Throwable t) {
            throw new IllegalStateException("could not read the regions of interest", t);
        }
    }

    /** What {@code reader} makes of each parameter structure of the region at {@code meta}, in order. */
    private static <T> List<T> params(MemorySegment meta, Structures.Reader<T> reader, MetaScratch scratch)
            throws Throwable {
        List<T> found = List.of();
        MemorySegment node = meta.get(ADDRESS, META_PARAMS);
        while (!node.equals(MemorySegment.NULL)) {
            node = node.reinterpret(LIST_NEXT + ADDRESS.byteSize());
            found = Structures.collect(found, reader, node.get(ADDRESS, LIST_DATA), scratch);
            node = node.get(ADDRESS, LIST_NEXT);
        }
        return found;
    }

    /** A classifier's result among a region's parameters (not the detection, not object_id). */
    private static Region.Attribute classification(MemorySegment structure, MetaScratch scratch) throws Throwable {
        return sameText(Structures.name(structure), DETECTION) ? null : Structures.classification(structure, scratch);
    }

    private static boolean sameText(MemorySegment a, MemorySegment b) throws Throwable {
        return !b.equals(MemorySegment.NULL) && (int) STRING_EQUAL.handle().invokeExact(a, b) != 0;
    }

    private static Label label(String name) {
        Label label = LABELS_BY_NAME.get(name);
        if (label == null) {
            try (Arena arena = Arena.ofConfined()) {
                label = label(GLib.quarkFromString(arena.allocateFrom(name)));
            }
            LABELS_BY_NAME.putIfAbsent(name, label);
        }
        return label;
    }

    private static Label label(int quark) {
        Label label = LABELS_BY_QUARK.get(quark);
        if (label == null) {
            try {
                MemorySegment cName = (MemorySegment) QUARK_TO_STRING.handle().invokeExact(quark);
                label = new Label(GstLib.string(cName), quark, cName);
            } catch (Throwable t) {
                throw new IllegalStateException("g_quark_to_string failed", t);
            }
            LABELS_BY_QUARK.putIfAbsent(quark, label);
        }
        return label;
    }
}
