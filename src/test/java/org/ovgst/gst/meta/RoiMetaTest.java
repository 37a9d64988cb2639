package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.infer.image.Detection;

/**
 * Regions of interest written by ovdetect and by others (DL Streamer, an application), read back the
 * way ovwatermark and ovmetapublish read them.
 */
class RoiMetaTest {
    private static final NativeFunction BUFFER_NEW = GstLib.LIBRARY.function("gst_buffer_new", FunctionDescriptor.of(ADDRESS));
    private static final NativeFunction ADD_META = GstLib.LIBRARY.function("gst_buffer_add_video_region_of_interest_meta",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final NativeFunction STRUCTURE_FROM_STRING = GstLib.LIBRARY.function("gst_structure_new_from_string",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final NativeFunction ADD_PARAM = GstLib.LIBRARY.function("gst_video_region_of_interest_meta_add_param",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    private MemorySegment buffer;

    @BeforeEach
    void newBuffer() throws Throwable {
        GstLib.ensureInitialized();
        buffer = (MemorySegment) BUFFER_NEW.handle().invokeExact();
    }

    @AfterEach
    void freeBuffer() throws Throwable {
        Gst.miniObjectUnref(buffer);
    }

    /** A region as another element attaches it: its ROI type, and a parameter structure if any. */
    private void addForeign(String roiType, int x, int y, int w, int h, String params) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment meta = (MemorySegment) ADD_META.handle().invokeExact(buffer, arena.allocateFrom(roiType), x, y, w, h);
            if (params != null) {
                ADD_PARAM.handle().invokeExact(meta, (MemorySegment) STRUCTURE_FROM_STRING.handle().invokeExact(arena.allocateFrom(params)));
            }
        }
    }

    @Test
    void ovdetectsRegionsReadBackAsTheyWereWritten() {
        RoiMeta.add(buffer, new Detection(0, "face", 0.92f, 0.25f, 0.5f, 0.75f, 1f), 640, 480, 1);
        RoiMeta.add(buffer, new Detection(17, "class 17", 0.5f, 0f, 0f, 0.1f, 0.1f), 640, 480, 2);
        assertEquals(List.of(new Region(160, 240, 320, 240, "face", 0, 0.92f, 0, List.of(), 1),
                new Region(0, 0, 64, 48, "class 17", 17, 0.5f, 0, List.of(), 2)), RoiMeta.read(buffer));
        assertEquals(2, RoiMeta.count(buffer));
    }

    @Test
    void theDetectionsOwnLabelWinsOverTheRoiType() throws Throwable {
        addForeign("person", 1, 2, 3, 4, "detection, label=(string)pedestrian, label_id=(int)3, confidence=(double)0.5");
        assertEquals(List.of(new Region(1, 2, 3, 4, "pedestrian", 3, 0.5)), RoiMeta.read(buffer));
    }

    @Test
    void aRegionWithoutParametersHasItsTypeAsLabelAndNoClassOrConfidence() throws Throwable {
        addForeign("car", 5, 6, 7, 8, null);
        addForeign("dog", 9, 10, 11, 12, "detection, confidence=(double)0.25");
        assertEquals(List.of(new Region(5, 6, 7, 8, "car", -1, Double.NaN), new Region(9, 10, 11, 12, "dog", -1, 0.25)),
                RoiMeta.read(buffer));
    }

    @Test
    void aBufferWithoutRegionsHasNone() {
        assertEquals(List.of(), RoiMeta.read(buffer));
    }
}
