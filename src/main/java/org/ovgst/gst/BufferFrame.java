package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.FrameLayout;

/**
 * One frame on its way through a bridge: the sample pulled from the appsink, its buffer made
 * writable (so metadata can be attached) and mapped, until it is pushed into the appsrc or dropped.
 * Exactly one of {@link #push} and {@link #drop} releases it.
 */
public final class BufferFrame {
    private static final long BUFFER_SIZE = StructOffsets.size("GstBuffer");
    private static final long PTS_OFFSET = StructOffsets.offset("GstBuffer.pts");
    private static final long MAP_DATA = StructOffsets.offset("GstMapInfo.data");
    private static final long MAP_SIZE = StructOffsets.offset("GstMapInfo.size");

    private final MemorySegment sample;
    private final MemorySegment buffer;
    private final MemorySegment mapInfo;
    private final MemorySegment data;
    private final FrameLayout layout;
    private final long index;
    private final MapInfoPool pool;
    /** When the frame reached the element ({@code System.nanoTime}), and the playing period it came in (-1: not playing). */
    private final long arrived;
    private final long playingPeriod;
    private boolean mapped;

    private BufferFrame(MemorySegment sample, MemorySegment buffer, MemorySegment mapInfo, FrameLayout layout,
            long index, long playingPeriod, MapInfoPool pool) {
        this.arrived = System.nanoTime();
        this.playingPeriod = playingPeriod;
        this.sample = sample;
        this.buffer = buffer;
        this.mapInfo = mapInfo;
        this.layout = layout;
        this.index = index;
        this.pool = pool;
        this.mapped = true;
        long size = mapInfo.get(JAVA_LONG, MAP_SIZE);
        this.data = mapInfo.get(ADDRESS, MAP_DATA).reinterpret(size);
    }

    /**
     * Takes over a pulled sample: references its buffer, makes that writable and maps it.
     * Returns null (and releases the sample) if the buffer cannot be mapped.
     */
    static BufferFrame take(MemorySegment sample, FrameLayout layout, long index,
            long playingPeriod, int mapFlags, MapInfoPool pool) throws Throwable {
        // Sized to the GstBuffer struct once, so reading its fields makes no new segment.
        MemorySegment buffer = FrameOps.makeWritable(FrameOps.ref(FrameOps.sampleBuffer(sample)))
                .reinterpret(BUFFER_SIZE);
        MemorySegment mapInfo = pool.take();
        if (!FrameOps.map(buffer, mapInfo, mapFlags)) {
            pool.give(mapInfo);
            FrameOps.unref(buffer);
            FrameOps.unref(sample);
            return null;
        }
        return new BufferFrame(sample, buffer, mapInfo, layout, index, playingPeriod, pool);
    }

    /** The frame's bytes (planes per {@link #layout()}); valid until it is pushed or dropped. */
    public MemorySegment data() {
        return data;
    }

    public FrameLayout layout() {
        return layout;
    }

    /** The {@code GstBuffer*}, writable: for attaching metadata. */
    public MemorySegment buffer() {
        return buffer;
    }

    /** Presentation time in nanoseconds, or -1 when the buffer has none. */
    public long pts() {
        return buffer.get(JAVA_LONG, PTS_OFFSET);
    }

    /** 0-based number of this frame since the element started. */
    public long index() {
        return index;
    }

    /** When the frame reached the element, {@code System.nanoTime()}. */
    public long arrived() {
        return arrived;
    }

    /**
     * The element's playing period the frame arrived in ({@link BridgeBin#playingPeriod}), -1 when it
     * came while not playing: a frame's time in the element says something about latency only when
     * the pipeline played all along.
     */
    long playingPeriod() {
        return playingPeriod;
    }

    /** Ends the mapping early (before metadata is attached), keeping the frame for {@link #push}. */
    void unmap() throws Throwable {
        if (mapped) {
            FrameOps.unmap(buffer, mapInfo);
            pool.give(mapInfo);
            mapped = false;
        }
    }

    /** Sends the frame out of the appsrc with its caps and segment; returns the GstFlowReturn. */
    int push(MemorySegment appsrc) throws Throwable {
        unmap();
        MemorySegment out = FrameOps.newSample(buffer, FrameOps.sampleCaps(sample), FrameOps.sampleSegment(sample));
        try {
            return FrameOps.pushSample(appsrc, out);
        } finally {
            FrameOps.unref(out);
            FrameOps.unref(buffer);
            FrameOps.unref(sample);
        }
    }

    void drop() throws Throwable {
        unmap();
        FrameOps.unref(buffer);
        FrameOps.unref(sample);
    }
}
