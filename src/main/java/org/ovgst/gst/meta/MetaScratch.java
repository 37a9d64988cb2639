package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What reading metadata passes to GStreamer by pointer: the iteration state of
 * {@code gst_buffer_iterate_meta_filtered} and the values {@code gst_structure_get_*} return. One per
 * thread (streaming threads read concurrently), so reading makes no garbage.
 */
record MetaScratch(MemorySegment state, MemorySegment intOut, MemorySegment doubleOut) {
    private static final ThreadLocal<MetaScratch> SCRATCH = ThreadLocal.withInitial(MetaScratch::allocate);

    /** This thread's scratch. */
    static MetaScratch get() {
        return SCRATCH.get();
    }

    private static MetaScratch allocate() {
        // Automatic: freed once its thread has ended and nothing refers to it any more.
        Arena arena = Arena.ofAuto();
        return new MetaScratch(arena.allocate(ADDRESS), arena.allocate(JAVA_INT), arena.allocate(JAVA_DOUBLE));
    }
}
