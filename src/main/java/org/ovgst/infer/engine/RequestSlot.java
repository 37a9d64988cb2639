package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;

/**
 * One infer request of a {@link RequestPool} with its tensors, the frames it holds and the view of
 * its outputs that the sinks get. A slot is filled by one or more engines (frames of several
 * streams share a batch under one {@code model-instance-id}), started once every reserved frame is
 * written, and goes back to its pool once every engine has handled its frames.
 *
 * <p>The counters and flags are guarded by the instance lock, except {@link #error} (set by the one
 * thread that writes or runs a frame; any error wins) and what {@link #learnOutcome} does.
 */
final class RequestSlot {
    final RequestPool pool;
    final int number;
    /** The backend's request; its completion hands over to the pool. */
    final Request request;

    /** Frames reserved in this slot; entries handled by their engines; reserved frames still being written. */
    int filled;
    /** When its first frame was reserved ({@code System.nanoTime}): how long the batch has waited for the rest. */
    long openedAt;
    int consumed;
    int writing;
    /** The batch is closed (full, drained or flushed): start it once nothing is being written. */
    boolean startWanted;
    /** Handed to the backend (or known not to run). */
    boolean started;
    /** The backend finished with it (or it never ran): its frames can be handed out. */
    boolean ran;
    /** Flushed before it ran: its frames are discarded. */
    boolean dropped;
    /**
     * The engines with frames here not yet handed out, and how many each: an engine may hold only
     * its share of the pool's requests (see {@link RequestPool}). At most a few engines share a batch.
     */
    private Object[] holders = new Object[4];
    private int[] unconsumed = new int[4];
    private int holderCount;
    volatile RuntimeException error;
    private boolean outcomeKnown;

    RequestSlot(RequestPool pool, int number) {
        this.pool = pool;
        this.number = number;
        this.request = pool.prepared().newRequest(() -> pool.completed(this));
    }

    /**
     * Reserves the next frame of the batch for {@code engine}; returns its index. Under the instance
     * lock. {@link #holds} tells beforehand whether the engine will hold one more request.
     */
    int reserve(Object engine) {
        int at = holderIndex(engine);
        if (at < 0) {
            if (holderCount == holders.length) {
                holders = java.util.Arrays.copyOf(holders, holderCount * 2);
                unconsumed = java.util.Arrays.copyOf(unconsumed, holderCount * 2);
            }
            at = holderCount++;
            holders[at] = engine;
            unconsumed[at] = 0;
        }
        unconsumed[at]++;
        writing++;
        if (filled == 0) {
            openedAt = System.nanoTime();
        }
        return filled++;
    }

    /** Whether {@code engine} has frames here not yet handed out. Under the instance lock. */
    boolean holds(Object engine) {
        return holderIndex(engine) >= 0;
    }

    /** Whether only {@code engine} has frames here not yet handed out. Under the instance lock. */
    boolean heldOnlyBy(Object engine) {
        return holderCount == 1 && holders[0] == engine;
    }

    /**
     * One of {@code engine}'s frames was handed out; returns whether that was its last one here
     * (it no longer holds the request). Under the instance lock.
     */
    boolean handedOut(Object engine) {
        consumed++;
        int at = holderIndex(engine);
        if (--unconsumed[at] > 0) {
            return false;
        }
        holderCount--;
        holders[at] = holders[holderCount];
        unconsumed[at] = unconsumed[holderCount];
        holders[holderCount] = null;
        return true;
    }

    private int holderIndex(Object engine) {
        for (int i = 0; i < holderCount; i++) {
            if (holders[i] == engine) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the batch was closed and nothing is being written, so whoever asks may start it (once). */
    boolean claimStart() {
        if (startWanted && writing == 0 && !started) {
            started = true;
            return true;
        }
        return false;
    }

    /**
     * Learns once whether the inference succeeded and takes its outputs ({@link Request#finish}): the
     * first engine to hand out one of the slot's frames does.
     */
    synchronized void learnOutcome() {
        if (outcomeKnown) {
            return;
        }
        outcomeKnown = true;
        if (dropped || error != null) {
            return;
        }
        try {
            request.finish(pool.async());
        } catch (RuntimeException e) {
            error = pool.inferenceFailed(e);
        }
    }

    /** Back to idle. Under the instance lock. */
    void reset() {
        filled = 0;
        consumed = 0;
        writing = 0;
        startWanted = false;
        started = false;
        ran = false;
        dropped = false;
        error = null;
        synchronized (this) {
            outcomeKnown = false;
        }
    }

    void free() {
        request.close();
    }

    /** Output {@code i}'s data, read-only; valid from {@link #learnOutcome} until the slot is reused. */
    MemorySegment outputData(int i) {
        return request.output(i);
    }

    /** Output {@code i}'s shape as it came out of this inference. */
    long[] outputShape(int i) {
        return request.outputShape(i);
    }
}
