package org.ovgst.gst.binding;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * {@code GstMapInfo} structs for frames in flight, reused so mapping a frame allocates nothing once
 * the pool has grown to the number of frames a bridge holds at once. Taken on the streaming thread,
 * given back on whichever thread sends the frame; an array deque under a lock, because a concurrent
 * queue would allocate a node for every frame given back.
 */
public final class MapInfoPool implements AutoCloseable {
    private static final long SIZE = StructOffsets.size("GstMapInfo");
    private final Arena arena = Arena.ofShared();
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();

    public MemorySegment take() {
        MemorySegment info;
        synchronized (free) {
            info = free.poll();
        }
        return info != null ? info : arena.allocate(SIZE, 8);
    }

    public void give(MemorySegment info) {
        synchronized (free) {
            free.push(info);
        }
    }

    @Override
    public void close() {
        synchronized (free) {
            free.clear();
        }
        arena.close();
    }
}
