package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstVideo;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.binding.VideoCaps;

/**
 * Carries a frame's flags, timestamps and metadata over to the new buffer an element makes of it
 * at another size, as GStreamer's videoscale does: metas tagged with the video size are scaled by
 * their own transform function, metas with no tags are copied, and the rest (the GstVideoMeta,
 * which the output's pool sets itself; metas of the input's memory) are left behind. Regions of
 * interest are scaled by {@link RoiMeta#copyScaled}, which keeps their parameters (1.22's own scale
 * transform drops them).
 * One per pair of input and output caps; used by one thread at a time.
 */
public final class FrameMetas implements AutoCloseable {
    /** GstBufferCopyFlags. */
    private static final int COPY_FLAGS = 1;
    private static final int COPY_TIMESTAMPS = 2;

    private static final NativeFunction COPY_INTO = GstLib.LIBRARY.function("gst_buffer_copy_into",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final NativeFunction ITERATE = GstLib.LIBRARY.function("gst_buffer_iterate_meta",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction GET_TAGS = GstLib.LIBRARY.function("gst_meta_api_type_get_tags",
            FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final NativeFunction HAS_TAG = GstLib.LIBRARY.function("gst_meta_api_type_has_tag",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    /** Calls a {@code GstMetaTransformFunction} at the address given first. */
    private static final MethodHandle TRANSFORM = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    private static final long REGION_API = GstVideo.videoRegionOfInterestMetaApiGetType();

    private static final int COPY_QUARK = quark("gst-copy");
    private static final int SCALE_QUARK = GstVideo.videoMetaTransformScaleGetQuark();
    private static final int VIDEO_TAG = quark("video");
    private static final int SIZE_TAG = quark("size");
    private static final long VIDEO_META_API = GstVideo.videoMetaApiGetType();

    private static final long META_INFO = StructOffsets.offset("GstMeta.info");
    private static final long INFO_API = StructOffsets.offset("GstMetaInfo.api");
    private static final long INFO_TRANSFORM = StructOffsets.offset("GstMetaInfo.transform_func");

    private final Arena arena = Arena.ofShared();
    /** The iteration state of {@code gst_buffer_iterate_meta}. */
    private final MemorySegment state;
    /** {@code GstMetaTransformCopy}: the whole buffer. */
    private final MemorySegment copy;
    /** {@code GstVideoMetaTransform}: from the input's video info to the output's. */
    private final MemorySegment scale;
    private final MemorySegment inInfo;
    private final MemorySegment outInfo;
    private final int inWidth;
    private final int inHeight;
    private final int outWidth;
    private final int outHeight;

    public FrameMetas(MemorySegment inCaps, MemorySegment outCaps) {
        inInfo = videoInfo(inCaps);
        outInfo = videoInfo(outCaps);
        MemorySegment in = inInfo.reinterpret(StructOffsets.size("GstVideoInfo"));
        MemorySegment out = outInfo.reinterpret(StructOffsets.size("GstVideoInfo"));
        inWidth = in.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.width"));
        inHeight = in.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.height"));
        outWidth = out.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.width"));
        outHeight = out.get(JAVA_INT, StructOffsets.offset("GstVideoInfo.height"));
        state = arena.allocate(ADDRESS);
        copy = arena.allocate(StructOffsets.size("GstMetaTransformCopy"));
        copy.set(JAVA_INT, StructOffsets.offset("GstMetaTransformCopy.region"), 0);
        copy.set(JAVA_LONG, StructOffsets.offset("GstMetaTransformCopy.offset"), 0);
        copy.set(JAVA_LONG, StructOffsets.offset("GstMetaTransformCopy.size"), -1);
        scale = arena.allocate(StructOffsets.size("GstVideoMetaTransform"));
        scale.set(ADDRESS, StructOffsets.offset("GstVideoMetaTransform.in_info"), inInfo);
        scale.set(ADDRESS, StructOffsets.offset("GstVideoMetaTransform.out_info"), outInfo);
    }

    private static MemorySegment videoInfo(MemorySegment caps) {
        MemorySegment info = GstVideo.videoInfoNewFromCaps(caps);
        if (info.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("not video caps: " + VideoCaps.toString(caps));
        }
        return info;
    }

    /** Copies flags, timestamps and the metas that go with a frame from {@code from} to {@code to} (writable). */
    public void transfer(MemorySegment from, MemorySegment to) throws Throwable {
        int copied = (int) COPY_INTO.handle().invokeExact(to, from, COPY_FLAGS | COPY_TIMESTAMPS, 0L, -1L);
        if (copied == 0) {
            throw new IllegalStateException("could not copy a frame's timestamps to its output");
        }
        state.set(ADDRESS, 0, MemorySegment.NULL);
        while (true) {
            MemorySegment meta = (MemorySegment) ITERATE.handle().invokeExact(from, state);
            if (meta.equals(MemorySegment.NULL)) {
                return;
            }
            MemorySegment info = meta.reinterpret(META_INFO + ADDRESS.byteSize()).get(ADDRESS, META_INFO)
                    .reinterpret(INFO_TRANSFORM + ADDRESS.byteSize());
            long api = info.get(JAVA_LONG, INFO_API);
            MemorySegment transform = info.get(ADDRESS, INFO_TRANSFORM);
            if (api == REGION_API) {
                RoiMeta.copyScaled(meta, to, inWidth, inHeight, outWidth, outHeight);
                continue;
            }
            if (transform.equals(MemorySegment.NULL) || api == VIDEO_META_API) {
                continue;
            }
            MemorySegment tags = (MemorySegment) GET_TAGS.handle().invokeExact(api);
            if (tags.equals(MemorySegment.NULL) || tags.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0)
                    .equals(MemorySegment.NULL)) {
                int ignored = (int) TRANSFORM.invokeExact(transform, to, meta, from, COPY_QUARK, copy);
            } else if ((int) HAS_TAG.handle().invokeExact(api, VIDEO_TAG) != 0 && (int) HAS_TAG.handle().invokeExact(api, SIZE_TAG) != 0) {
                // A meta that cannot scale says so and stays behind, as with videoscale.
                int ignored = (int) TRANSFORM.invokeExact(transform, to, meta, from, SCALE_QUARK, scale);
            }
        }
    }

    @Override
    public void close() {
        GstVideo.videoInfoFree(inInfo);
        GstVideo.videoInfoFree(outInfo);
        arena.close();
    }

    private static int quark(String name) {
        try (Arena names = Arena.ofConfined()) {
            return GLib.quarkFromString(names.allocateFrom(name));
        }
    }
}
