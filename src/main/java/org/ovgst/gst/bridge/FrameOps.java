package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;

/**
 * The GStreamer calls made for every frame, as exactly-typed handles: no boxing and no argument
 * arrays on the hot path (the table in {@link GstLib} is for set-up and errors).
 */
public final class FrameOps {
    private static final FunctionDescriptor P_P = FunctionDescriptor.of(ADDRESS, ADDRESS);
    private static final NativeFunction PULL_SAMPLE = GstLib.LIBRARY.function("gst_app_sink_pull_sample", P_P);
    private static final NativeFunction SAMPLE_BUFFER = GstLib.LIBRARY.function("gst_sample_get_buffer", P_P);
    private static final NativeFunction SAMPLE_SET_BUFFER = GstLib.LIBRARY.function("gst_sample_set_buffer",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final NativeFunction IS_WRITABLE = GstLib.LIBRARY.function("gst_mini_object_is_writable",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final NativeFunction SAMPLE_CAPS = GstLib.LIBRARY.function("gst_sample_get_caps", P_P);
    private static final NativeFunction SAMPLE_SEGMENT = GstLib.LIBRARY.function("gst_sample_get_segment", P_P);
    private static final NativeFunction SEGMENT_TO_STREAM_TIME = GstLib.LIBRARY.function("gst_segment_to_stream_time",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG));
    /** {@code GST_FORMAT_TIME}. */
    private static final int FORMAT_TIME = 3;
    private static final NativeFunction SAMPLE_NEW = GstLib.LIBRARY.function("gst_sample_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction MAKE_WRITABLE = GstLib.LIBRARY.function("gst_mini_object_make_writable", P_P);
    private static final NativeFunction MAP = GstLib.LIBRARY.function("gst_buffer_map",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final NativeFunction UNMAP = GstLib.LIBRARY.function("gst_buffer_unmap", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final NativeFunction PUSH_SAMPLE = GstLib.LIBRARY.function("gst_app_src_push_sample",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final NativeFunction LAST_FLOW_RETURN = GstLib.LIBRARY.function("gst_pad_get_last_flow_return",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** GstMapFlags. */
    static final int MAP_READ = 1;
    static final int MAP_WRITE = 2;

    private FrameOps() {}

    static MemorySegment pullSample(MemorySegment appsink) throws Throwable {
        return (MemorySegment) PULL_SAMPLE.handle().invokeExact(appsink);
    }

    /**
     * The stream time (ns) of {@code pts} in the sample's segment ({@code gst_segment_to_stream_time}):
     * what DL Streamer publishes as a frame's timestamp; -1 when there is none.
     */
    static long streamTime(MemorySegment sample, long pts) throws Throwable {
        MemorySegment segment = (MemorySegment) SAMPLE_SEGMENT.handle().invokeExact(sample);
        if (pts == -1 || segment.equals(MemorySegment.NULL)) {
            return pts;
        }
        return (long) SEGMENT_TO_STREAM_TIME.handle().invokeExact(segment, FORMAT_TIME, pts);
    }

    static MemorySegment sampleBuffer(MemorySegment sample) throws Throwable {
        return (MemorySegment) SAMPLE_BUFFER.handle().invokeExact(sample);
    }

    /**
     * The sample's buffer, writable, as a reference of the caller's. A sample only the caller holds
     * gives its buffer up (keeping caps and segment): the buffer is then the caller's alone, and
     * writable as it is. Otherwise the buffer is copied: a new GstBuffer over the same memory.
     */
    static MemorySegment writableBuffer(MemorySegment sample) throws Throwable {
        MemorySegment buffer = Gst.miniObjectRef(sampleBuffer(sample));
        if ((int) IS_WRITABLE.handle().invokeExact(sample) != 0) {
            SAMPLE_SET_BUFFER.handle().invokeExact(sample, MemorySegment.NULL);
        }
        return makeWritable(buffer);
    }

    static MemorySegment sampleCaps(MemorySegment sample) throws Throwable {
        return (MemorySegment) SAMPLE_CAPS.handle().invokeExact(sample);
    }

    static MemorySegment sampleSegment(MemorySegment sample) throws Throwable {
        return (MemorySegment) SAMPLE_SEGMENT.handle().invokeExact(sample);
    }

    static MemorySegment newSample(MemorySegment buffer, MemorySegment caps, MemorySegment segment)
            throws Throwable {
        return (MemorySegment) SAMPLE_NEW.handle().invokeExact(buffer, caps, segment, MemorySegment.NULL);
    }

    /** Takes over one reference and returns a writable object (a shallow copy when shared). */
    static MemorySegment makeWritable(MemorySegment miniObject) throws Throwable {
        return (MemorySegment) MAKE_WRITABLE.handle().invokeExact(miniObject);
    }

    static boolean map(MemorySegment buffer, MemorySegment mapInfo, int flags) throws Throwable {
        return (int) MAP.handle().invokeExact(buffer, mapInfo, flags) != 0;
    }

    static void unmap(MemorySegment buffer, MemorySegment mapInfo) throws Throwable {
        UNMAP.handle().invokeExact(buffer, mapInfo);
    }

    /** The GstFlowReturn of the pad's last push downstream. */
    public static int lastFlowReturn(MemorySegment pad) throws Throwable {
        return (int) LAST_FLOW_RETURN.handle().invokeExact(pad);
    }

    /** Returns the GstFlowReturn; the sample stays ours. */
    static int pushSample(MemorySegment appsrc, MemorySegment sample) throws Throwable {
        return (int) PUSH_SAMPLE.handle().invokeExact(appsrc, sample);
    }
}
