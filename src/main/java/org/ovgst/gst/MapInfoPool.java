package org.ovgst.gst;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code GstMapInfo} structs for frames in flight, reused so mapping a frame allocates nothing once
 * the pool has grown to the number of frames a bridge holds at once.
 */
final class MapInfoPool implements AutoCloseable {
    private static final long SIZE = StructOffsets.size("GstMapInfo");
    private final Arena arena = Arena.ofShared();
    private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();

    MemorySegment take() {
        MemorySegment info = free.poll();
        return info != null ? info : arena.allocate(SIZE, 8);
    }

    void give(MemorySegment info) {
        free.add(info);
    }

    @Override
    public void close() {
        free.clear();
        arena.close();
    }
}
