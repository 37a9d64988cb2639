package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.ovgst.ffm.NativeLibrary.C_STRING;
import static org.ovgst.gst.binding.GstLib.GBOOLEAN;
import static org.ovgst.gst.binding.GstLib.GTYPE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to {@code libgstvideo}: video info, formats and metas.
 * One method per C function this project calls, named after it; gboolean is {@code boolean}, GType a
 * {@code long}, pointers are {@link MemorySegment}s. Each is linked on its first call.
 */
public final class GstVideo {
    private static final NativeFunction VIDEO_BUFFER_POOL_NEW = GstLib.LIBRARY.function("gst_video_buffer_pool_new",
            FunctionDescriptor.of(ADDRESS));

    public static MemorySegment videoBufferPoolNew() {
        try {
            return (MemorySegment) VIDEO_BUFFER_POOL_NEW.handle().invokeExact();
        } catch (Throwable t) {
            throw VIDEO_BUFFER_POOL_NEW.failed(t);
        }
    }

    private static final NativeFunction VIDEO_FORMAT_TO_STRING = GstLib.LIBRARY.function("gst_video_format_to_string",
            FunctionDescriptor.of(C_STRING, JAVA_INT));

    public static MemorySegment videoFormatToString(int format) {
        try {
            return (MemorySegment) VIDEO_FORMAT_TO_STRING.handle().invokeExact(format);
        } catch (Throwable t) {
            throw VIDEO_FORMAT_TO_STRING.failed(t);
        }
    }

    private static final NativeFunction VIDEO_INFO_FREE = GstLib.LIBRARY.function("gst_video_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void videoInfoFree(MemorySegment info) {
        try {
            VIDEO_INFO_FREE.handle().invokeExact(info);
        } catch (Throwable t) {
            throw VIDEO_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction VIDEO_INFO_FROM_CAPS = GstLib.LIBRARY.function("gst_video_info_from_caps",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean videoInfoFromCaps(MemorySegment info, MemorySegment caps) {
        try {
            return (int) VIDEO_INFO_FROM_CAPS.handle().invokeExact(info, caps) != 0;
        } catch (Throwable t) {
            throw VIDEO_INFO_FROM_CAPS.failed(t);
        }
    }

    private static final NativeFunction VIDEO_INFO_NEW = GstLib.LIBRARY.function("gst_video_info_new",
            FunctionDescriptor.of(ADDRESS));

    public static MemorySegment videoInfoNew() {
        try {
            return (MemorySegment) VIDEO_INFO_NEW.handle().invokeExact();
        } catch (Throwable t) {
            throw VIDEO_INFO_NEW.failed(t);
        }
    }

    private static final NativeFunction VIDEO_INFO_NEW_FROM_CAPS = GstLib.LIBRARY.function("gst_video_info_new_from_caps",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment videoInfoNewFromCaps(MemorySegment caps) {
        try {
            return (MemorySegment) VIDEO_INFO_NEW_FROM_CAPS.handle().invokeExact(caps);
        } catch (Throwable t) {
            throw VIDEO_INFO_NEW_FROM_CAPS.failed(t);
        }
    }

    private static final NativeFunction VIDEO_META_API_GET_TYPE = GstLib.LIBRARY.function("gst_video_meta_api_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long videoMetaApiGetType() {
        try {
            return (long) VIDEO_META_API_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw VIDEO_META_API_GET_TYPE.failed(t);
        }
    }

    private static final NativeFunction VIDEO_META_TRANSFORM_SCALE_GET_QUARK = GstLib.LIBRARY.function("gst_video_meta_transform_scale_get_quark",
            FunctionDescriptor.of(JAVA_INT));

    public static int videoMetaTransformScaleGetQuark() {
        try {
            return (int) VIDEO_META_TRANSFORM_SCALE_GET_QUARK.handle().invokeExact();
        } catch (Throwable t) {
            throw VIDEO_META_TRANSFORM_SCALE_GET_QUARK.failed(t);
        }
    }

    private static final NativeFunction VIDEO_REGION_OF_INTEREST_META_API_GET_TYPE = GstLib.LIBRARY.function("gst_video_region_of_interest_meta_api_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long videoRegionOfInterestMetaApiGetType() {
        try {
            return (long) VIDEO_REGION_OF_INTEREST_META_API_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw VIDEO_REGION_OF_INTEREST_META_API_GET_TYPE.failed(t);
        }
    }

    private GstVideo() {}
}
