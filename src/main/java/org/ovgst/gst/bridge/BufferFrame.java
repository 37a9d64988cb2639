package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.MapInfoPool;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.infer.image.FrameLayout;

/**
 * One frame on its way through a bridge: the sample pulled from the appsink and its buffer, mapped,
 * until it is pushed into the appsrc or dropped. Exactly one of {@link #push} and {@link #drop}
 * releases it.
 *
 * <p><b>Writable as late as possible.</b> The appsink keeps a reference to the last sample it gave
 * out until it gives out the next one, so a buffer made writable on arrival is a new GstBuffer
 * sharing the pool's memory; the pool then throws away its own buffer when it comes back (its
 * memory is not exclusive) and allocates a new one for every frame: page faults over the whole
 * frame, and new addresses that defeat the engine's zero-copy cache (ovdetect at 1920x1080: 5 to 8
 * times the page faults, 22 to 30 % more CPU). Elements that only read the frame map it read-only
 * and attach metadata after {@link #makeWritable}, once the appsink has moved on and the buffer can
 * simply be taken out of the sample.
 */
public final class BufferFrame {
    private static final long BUFFER_SIZE = StructOffsets.size("GstBuffer");
    private static final long PTS_OFFSET = StructOffsets.offset("GstBuffer.pts");
    private static final long MAP_DATA = StructOffsets.offset("GstMapInfo.data");
    private static final long MAP_SIZE = StructOffsets.offset("GstMapInfo.size");

    private final MemorySegment sample;
    /**
     * The sample's buffer (borrowed), or after {@link #makeWritable} a writable one of the frame's
     * own, or after {@link #replace} the frame the element made of it.
     */
    private MemorySegment buffer;
    private boolean ownsBuffer;
    /** The caps the frame leaves with when they are not the sample's ({@link #replace}): a reference of ours. */
    private MemorySegment leavingCaps = MemorySegment.NULL;
    private MemorySegment mapInfo;
    private MemorySegment data;
    private final FrameLayout layout;
    private final int width;
    private final int height;
    private final long index;
    private final MapInfoPool pool;
    /** When the frame reached the element ({@code System.nanoTime}), and the playing period it came in (-1: not playing). */
    private final long arrived;
    private final long playingPeriod;
    /** {@link Downstream#waitedNanos()} when the frame arrived: what the element had waited for room until then. */
    private final long downstreamWaitedBefore;
    private boolean mapped;
    /** Set on an inferred frame when frames not inferred will follow it ({@code inference-interval}). */
    private boolean passedFramesFollow;
    /**
     * Deliveries still to come for this frame (one per inference of it: the frame, or each of its
     * regions), plus one while the streaming thread is still submitting them: whoever brings it to 0
     * finishes the frame. Updated through {@link #PENDING}.
     */
    @SuppressWarnings("unused")
    private volatile int pending;
    /** Inferences of this frame submitted so far; streaming thread only. */
    private int submissions;
    private static final java.lang.invoke.VarHandle PENDING;

    static {
        try {
            PENDING = java.lang.invoke.MethodHandles.lookup().findVarHandle(BufferFrame.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private BufferFrame(MemorySegment sample, MemorySegment buffer, MemorySegment mapInfo, FrameLayout layout,
            int[] size, long index, long playingPeriod, long downstreamWaited, MapInfoPool pool) {
        this.arrived = System.nanoTime();
        this.playingPeriod = playingPeriod;
        this.downstreamWaitedBefore = downstreamWaited;
        this.sample = sample;
        this.buffer = buffer;
        this.mapInfo = mapInfo;
        this.layout = layout;
        this.width = size[0];
        this.height = size[1];
        this.index = index;
        this.pool = pool;
        this.mapped = mapInfo != null;
        this.data = mapped ? mapInfo.get(ADDRESS, MAP_DATA).reinterpret(mapInfo.get(JAVA_LONG, MAP_SIZE)) : null;
    }

    /**
     * Takes over a pulled sample and maps its buffer read-only ({@link #mapForWriting} for more);
     * with no {@code pool} (an element that reads only metadata: {@code layout} null) the buffer
     * stays unmapped. Returns null (and releases the sample) if the buffer cannot be mapped.
     */
    static BufferFrame take(MemorySegment sample, FrameLayout layout, int[] size, long index, long playingPeriod,
            long downstreamWaited, MapInfoPool pool) throws Throwable {
        // Sized to the GstBuffer struct once, so reading its fields makes no new segment.
        MemorySegment buffer = FrameOps.sampleBuffer(sample).reinterpret(BUFFER_SIZE);
        if (pool == null) {
            return new BufferFrame(sample, buffer, null, layout, size, index, playingPeriod, downstreamWaited, null);
        }
        MemorySegment mapInfo = pool.take();
        if (!FrameOps.map(buffer, mapInfo, FrameOps.MAP_READ)) {
            pool.give(mapInfo);
            Gst.miniObjectUnref(sample);
            return null;
        }
        return new BufferFrame(sample, buffer, mapInfo, layout, size, index, playingPeriod, downstreamWaited, pool);
    }

    /** The frame's bytes (planes per {@link #layout()}); valid until it is pushed or dropped. */
    public MemorySegment data() {
        return data;
    }

    /** Where the pixels lie; null in an element that does not read them ({@link BridgeBin#readsPixels}). */
    public FrameLayout layout() {
        return layout;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The {@code GstBuffer*}: writable, for attaching metadata, after {@link #makeWritable}. */
    public MemorySegment buffer() {
        return buffer;
    }

    /**
     * Maps the frame for writing instead of reading, writable first (a copy of the frame while the
     * appsink still holds the sample: call it only for frames that will be written); returns the bytes.
     */
    public MemorySegment mapForWriting() throws Throwable {
        unmap();
        makeWritable();
        MemorySegment mapInfo = pool.take();
        if (!FrameOps.map(buffer, mapInfo, FrameOps.MAP_READ | FrameOps.MAP_WRITE)) {
            pool.give(mapInfo);
            throw new IllegalStateException("could not map a frame for writing");
        }
        this.mapInfo = mapInfo;
        this.data = mapInfo.get(ADDRESS, MAP_DATA).reinterpret(mapInfo.get(JAVA_LONG, MAP_SIZE));
        mapped = true;
        return data;
    }

    /** Unmaps the frame and makes its buffer writable, for attaching metadata (see the class comment). */
    public void writableForMetadata() throws Throwable {
        unmap();
        makeWritable();
    }

    /**
     * Makes the frame leave as {@code output} (a buffer of the caller's, taken over) with {@code caps}:
     * for elements whose output is not their input. The input is unmapped and released with the frame.
     */
    void replace(MemorySegment output, MemorySegment caps) throws Throwable {
        unmap();
        if (ownsBuffer) {
            Gst.miniObjectUnref(buffer);
        }
        buffer = output.reinterpret(BUFFER_SIZE);
        ownsBuffer = true;
        MemorySegment old = leavingCaps;
        leavingCaps = Gst.miniObjectRef(caps);
        if (!old.equals(MemorySegment.NULL)) {
            Gst.miniObjectUnref(old);
        }
    }

    /** The caps the frame arrived with (the sample's, borrowed). */
    public MemorySegment caps() throws Throwable {
        return FrameOps.sampleCaps(sample);
    }

    /** Makes the buffer writable, for metadata; only once unmapped (a copy would leave the mapping behind). */
    void makeWritable() throws Throwable {
        if (mapped) {
            throw new IllegalStateException("unmap the frame before making it writable");
        }
        if (!ownsBuffer) {
            buffer = FrameOps.writableBuffer(sample).reinterpret(BUFFER_SIZE);
            ownsBuffer = true;
        }
    }

    /** Presentation time in nanoseconds, or -1 when the buffer has none. */
    public long pts() {
        return buffer.get(JAVA_LONG, PTS_OFFSET);
    }

    /** Stream time in nanoseconds (the position in the stream, as seeking sees it), or -1 when there is none. */
    public long streamTime() {
        try {
            return FrameOps.streamTime(sample, pts());
        } catch (Throwable t) {
            throw new IllegalStateException("gst_segment_to_stream_time failed", t);
        }
    }

    /** 0-based number of this frame since the element started. */
    public long index() {
        return index;
    }

    /** When the frame reached the element, {@code System.nanoTime()}. */
    public long arrived() {
        return arrived;
    }

    /** What the element had waited for room downstream when the frame arrived ({@link Downstream#waitedNanos()}). */
    public long downstreamWaitedBefore() {
        return downstreamWaitedBefore;
    }

    /**
     * The element's playing period the frame arrived in ({@link BridgeBin#playingPeriod}), -1 when it
     * came while not playing: a frame's time in the element says something about latency only when
     * the pipeline played all along.
     */
    public long playingPeriod() {
        return playingPeriod;
    }

    /** Before its inferences are submitted: the frame is held until {@link #submitted}. */
    public void holdForSubmissions() {
        submissions = 0;
        PENDING.setVolatile(this, 1);
    }

    /** One more inference of the frame is about to be submitted. */
    public void submitting() {
        submissions++;
        PENDING.getAndAdd(this, 1);
    }

    /** The inference announced by {@link #submitting} was refused: no delivery will come for it. */
    public void refused() {
        submissions--;
        PENDING.getAndAdd(this, -1);
    }

    /** Inferences submitted since {@link #holdForSubmissions}. */
    public int submissions() {
        return submissions;
    }

    /** Every inference is submitted; true when all were delivered already, so the caller finishes the frame. */
    public boolean submitted() {
        return (int) PENDING.getAndAdd(this, -1) == 1;
    }

    /** One of the frame's inferences was delivered (or discarded); true when it was the last, so the caller finishes the frame. */
    public boolean delivered() {
        return (int) PENDING.getAndAdd(this, -1) == 1;
    }

    /** Whether frames not inferred follow this one, and may need what it became. */
    public boolean passedFramesFollow() {
        return passedFramesFollow;
    }

    public void setPassedFramesFollow(boolean follow) {
        passedFramesFollow = follow;
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
        MemorySegment caps = leavingCaps.equals(MemorySegment.NULL) ? FrameOps.sampleCaps(sample) : leavingCaps;
        MemorySegment out = FrameOps.newSample(buffer, caps, FrameOps.sampleSegment(sample));
        try {
            return FrameOps.pushSample(appsrc, out);
        } finally {
            Gst.miniObjectUnref(out);
            release();
        }
    }

    void drop() throws Throwable {
        unmap();
        release();
    }

    private void release() throws Throwable {
        if (ownsBuffer) {
            Gst.miniObjectUnref(buffer);
        }
        if (!leavingCaps.equals(MemorySegment.NULL)) {
            Gst.miniObjectUnref(leavingCaps);
        }
        Gst.miniObjectUnref(sample);
    }
}
