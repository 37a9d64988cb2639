package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.GstVideo;
import org.ovgst.gst.binding.VideoCaps;

/**
 * Buffers for the frames an element makes (its output is not its input): from the pool downstream
 * proposes in an ALLOCATION query, set up for the output caps, or else a {@code GstVideoBufferPool}
 * of the element's own. Buffers come back to the pool when downstream is done with them, so after
 * the first frames none is allocated. The pool may grow (no maximum): the frames in flight are
 * bounded by the requests and the appsrc queue, and a bounded pool would have to be sized for them.
 * One per output caps; closed when the caps change or the element stops.
 */
final class OutputBuffers implements AutoCloseable {
    private static final NativeFunction ACQUIRE = GstLib.LIBRARY.function("gst_buffer_pool_acquire_buffer",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    private final MemorySegment pool;
    private final boolean downstreams;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment acquired = arena.allocate(ADDRESS);

    private OutputBuffers(MemorySegment pool, boolean downstreams) {
        this.pool = pool;
        this.downstreams = downstreams;
    }

    /**
     * Asks downstream of {@code pad} for a pool for buffers of {@code size} bytes with {@code caps}
     * and activates it, or one of ours when downstream offers none or refuses these settings.
     */
    static OutputBuffers negotiate(MemorySegment pad, MemorySegment caps, long size) {
        MemorySegment query = GstPads.queryNewAllocation(caps, true);
        MemorySegment offered = MemorySegment.NULL;
        int min = 0;
        try (Arena scratch = Arena.ofConfined()) {
            if (GstPads.padPeerQuery(pad, query)
                    && GstPads.queryGetNAllocationPools(query) > 0) {
                MemorySegment poolOut = scratch.allocate(ADDRESS);
                MemorySegment minOut = scratch.allocate(JAVA_INT);
                GstPads.queryParseNthAllocationPool(query, 0, poolOut, MemorySegment.NULL, minOut, MemorySegment.NULL);
                offered = poolOut.get(ADDRESS, 0);
                min = minOut.get(JAVA_INT, 0);
            }
        } finally {
            Gst.miniObjectUnref(query);
        }
        if (!offered.equals(MemorySegment.NULL)) {
            if (configure(offered, caps, size, min)) {
                return new OutputBuffers(offered, true);
            }
            Gst.objectUnref(offered);
        }
        MemorySegment own = GstVideo.videoBufferPoolNew();
        if (!configure(own, caps, size, 0)) {
            Gst.objectUnref(own);
            throw new IllegalStateException("could not set up a buffer pool for " + VideoCaps.toString(caps));
        }
        return new OutputBuffers(own, false);
    }

    private static boolean configure(MemorySegment pool, MemorySegment caps, long size, int min) {
        MemorySegment config = GstPads.bufferPoolGetConfig(pool);
        GstPads.bufferPoolConfigSetParams(config, caps, Math.toIntExact(size), min, 0);
        // set_config takes the config over, whether it accepts it or not.
        return GstPads.bufferPoolSetConfig(pool, config)
                && GstPads.bufferPoolSetActive(pool, true);
    }

    /** Whether the buffers come from downstream's pool (else from ours). */
    boolean downstreams() {
        return downstreams;
    }

    /** A buffer for one output frame, the caller's reference. */
    MemorySegment acquire() throws Throwable {
        int flow = (int) ACQUIRE.handle().invokeExact(pool, acquired, MemorySegment.NULL);
        if (flow != BridgeBin.FLOW_OK) {
            throw new IllegalStateException("the output buffer pool gave no buffer (flow " + flow + ")");
        }
        return acquired.get(ADDRESS, 0);
    }

    @Override
    public void close() {
        GstPads.bufferPoolSetActive(pool, false);
        Gst.objectUnref(pool);
        arena.close();
    }
}
