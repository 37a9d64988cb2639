package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;

/**
 * The optional capability of giving a frame's own memory to a request without a copy
 * ({@link PreparedModel#inPlaceFrames}); used by one engine's submitting thread. It may decide that
 * copying is the better choice (frames at new addresses every time) and then returns null for good.
 */
public interface InPlaceFrames {
    /** A frame made ready to be a request's input; opaque to the engine. */
    interface Frame {}

    /** The frame ready to be given in place, or null when it is to be copied. */
    Frame get(MemorySegment frame);

    /** Whether frames are still given in place (no fallback to copying). */
    boolean wrapping();

    /** How many frames were made ready so far (a native handle each, for the stats). */
    long wraps();

    /** Releases what was made ready (the prepared model goes, or the engine closes). */
    void clear();
}
