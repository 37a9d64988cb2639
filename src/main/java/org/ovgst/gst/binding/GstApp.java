package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to {@code libgstapp}: appsink and appsrc.
 * One method per C function this project calls, named after it; gboolean is {@code boolean}, GType a
 * {@code long}, pointers are {@link MemorySegment}s. Each is linked on its first call.
 */
public final class GstApp {
    private static final NativeFunction APP_SINK_SET_CALLBACKS = GstLib.LIBRARY.function("gst_app_sink_set_callbacks",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static void appSinkSetCallbacks(
            MemorySegment appsink, MemorySegment callbacks, MemorySegment userData, MemorySegment notify) {
        try {
            APP_SINK_SET_CALLBACKS.handle().invokeExact(appsink, callbacks, userData, notify);
        } catch (Throwable t) {
            throw APP_SINK_SET_CALLBACKS.failed(t);
        }
    }

    private static final NativeFunction APP_SRC_END_OF_STREAM = GstLib.LIBRARY.function("gst_app_src_end_of_stream",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int appSrcEndOfStream(MemorySegment appsrc) {
        try {
            return (int) APP_SRC_END_OF_STREAM.handle().invokeExact(appsrc);
        } catch (Throwable t) {
            throw APP_SRC_END_OF_STREAM.failed(t);
        }
    }

    private static final NativeFunction APP_SRC_SET_CALLBACKS = GstLib.LIBRARY.function("gst_app_src_set_callbacks",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static void appSrcSetCallbacks(
            MemorySegment appsrc, MemorySegment callbacks, MemorySegment userData, MemorySegment notify) {
        try {
            APP_SRC_SET_CALLBACKS.handle().invokeExact(appsrc, callbacks, userData, notify);
        } catch (Throwable t) {
            throw APP_SRC_SET_CALLBACKS.failed(t);
        }
    }

    private GstApp() {}
}
