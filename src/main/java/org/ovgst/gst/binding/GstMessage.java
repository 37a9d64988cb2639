package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/** What Java reads of a {@code GstMessage}: its type ({@code GstMessageType} bits) and its source. */
public final class GstMessage {
    public static final int EOS = 1;
    public static final int ERROR = 1 << 1;
    public static final int WARNING = 1 << 2;
    public static final int LATENCY = 1 << 19;
    private static final long TYPE = StructOffsets.offset("GstMessage.type");
    private static final long SRC = StructOffsets.offset("GstMessage.src");
    private static final long FIELDS_SIZE = SRC + ADDRESS.byteSize();

    private GstMessage() {}

    public static int type(MemorySegment message) {
        return message.reinterpret(FIELDS_SIZE).get(JAVA_INT, TYPE);
    }

    /** The object that posted it. */
    public static MemorySegment source(MemorySegment message) {
        return message.reinterpret(FIELDS_SIZE).get(ADDRESS, SRC);
    }
}
