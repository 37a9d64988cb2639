package org.ovgst.infer.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.tensor.PortInfo;

/**
 * The request pool of one frame geometry: the model prepared by the backend for frames of one format and size and
 * its infer requests, shared by every engine of the model instance whose frames have that geometry
 * (so their frames can share a batch).
 *
 * <p>Every engine brings {@code nireq} requests to the pool and may hold at most that many: a
 * request is held by each engine with frames in it not yet handed out. Then an engine under its
 * share always finds a free request, whatever the others do, so an engine whose downstream is
 * blocked (a sink waiting to preroll, a slow branch) holds back only itself: with one pool of
 * {@code nireq} for everyone, its undelivered frames would take every request and the other
 * engines, stuck behind it, could never bring the frames that unblock it. The requests bound both
 * memory and the work in flight. The slot lists are guarded by the instance lock.
 */
final class RequestPool {
    private final ModelInstance instance;
    private final PreparedModel prepared;
    private final InputGeometry geometry;
    private final List<PortInfo> outputs;
    private final Map<String, Integer> outputIndex;
    /** The requests each engine brings, and may hold at most. */
    private final int share;
    private final List<RequestSlot> slots = new ArrayList<>();
    /** Requests to free as they come back, after engines left. */
    private int surplus;
    /** How long one inference of a whole batch took when the pool was made (the first, so the slowest). */
    private final long batchNanos;
    /** The u8 tensor frames are given as: NHWC, YUV as one plane of 1.5 rows per image row. */
    private final long[] inputShape;
    /** The layout of one frame in the input tensor. */
    private final FrameLayout tight;

    final ArrayDeque<RequestSlot> idle = new ArrayDeque<>();
    /** The request being filled with a batch, if any. */
    RequestSlot filling;
    /** Engines whose frames have this geometry; guarded by the instance's pool map. */
    int users;

    RequestPool(ModelInstance instance, PreparedModel prepared, FrameLayout frames) {
        this.instance = instance;
        this.prepared = prepared;
        this.geometry = prepared.geometry();
        this.outputs = prepared.outputs();
        Map<String, Integer> byName = new HashMap<>();
        for (PortInfo output : outputs) {
            byName.putIfAbsent(output.name(), output.index());
        }
        this.outputIndex = Map.copyOf(byName);
        PixelFormat format = frames.format();
        int batch = instance.settings().batchSize();
        this.inputShape = format.isPacked()
                ? new long[] {batch, frames.height(), frames.width(), format.pixelStride()}
                : new long[] {batch, frames.height() * 3L / 2, frames.width(), 1};
        this.tight = FrameLayout.tight(format, frames.width(), frames.height());
        EngineSettings settings = instance.settings();
        // One more than the device's optimal number: a request waits, ready, while the delivery
        // thread hands a finished one over. Measured here (2 cores, ./ovgst bench): 3 to 15 % more
        // frames per second than the optimal number alone, the face model and the SSD, 640x480 to 1280x720.
        this.share = Math.max(1, !settings.async() ? 1
                : settings.nireq() > 0 ? settings.nireq() : prepared.optimalRequests() + 1);
        try {
            grow();
            batchNanos = timeOneBatch(slots.getFirst());
        } catch (RuntimeException e) {
            slots.forEach(RequestSlot::free);
            prepared.close();
            throw e;
        }
    }

    /**
     * Runs one batch on a request that nothing uses yet: the first inference warms the device up, and
     * its time is what a frame's inference may take at most, which the latency reported needs.
     */
    private long timeOneBatch(RequestSlot slot) {
        long start = System.nanoTime();
        try {
            slot.request.infer();
        } catch (RuntimeException e) {
            throw new InferenceException("the first inference of " + instance.modelName() + " on "
                    + instance.runsOn() + " failed: " + e.getMessage(), e);
        }
        return System.nanoTime() - start;
    }

    /** Adds an engine's share of requests. Called by the first user (construction) and each later one. */
    void grow() {
        List<RequestSlot> made = new ArrayList<>();
        try {
            for (int i = 0; i < share; i++) {
                made.add(new RequestSlot(this, slots.size() + i));
            }
        } catch (RuntimeException e) {
            made.forEach(RequestSlot::free);
            throw new InferenceException("cannot create " + share + " more infer requests (nireq) for "
                    + instance.modelName() + " on " + instance.runsOn() + ": " + e.getMessage()
                    + ". Try a smaller nireq", e);
        }
        instance.lock.lock();
        try {
            slots.addAll(made);
            idle.addAll(made);
            instance.slotFreed.signalAll();
        } finally {
            instance.lock.unlock();
        }
    }

    /** An engine left: its share of requests goes, the idle ones now and the others as they come back. */
    void shrink() {
        instance.lock.lock();
        try {
            surplus += share;
            while (surplus > 0 && !idle.isEmpty()) {
                retire(idle.pollLast());
            }
        } finally {
            instance.lock.unlock();
        }
    }

    /** A request all of whose frames were handed out: back to idle, or freed when engines left. Under the lock. */
    void recycle(RequestSlot slot) {
        slot.reset();
        if (surplus > 0) {
            retire(slot);
        } else {
            idle.addLast(slot);
            instance.slotFreed.signalAll();
        }
    }

    private void retire(RequestSlot slot) {
        surplus--;
        slots.remove(slot);
        slot.free();
    }

    PreparedModel prepared() {
        return prepared;
    }

    InputGeometry geometry() {
        return geometry;
    }

    List<PortInfo> outputs() {
        return outputs;
    }

    Map<String, Integer> outputIndex() {
        return outputIndex;
    }

    String inputName() {
        return instance.inputName();
    }

    String modelName() {
        return instance.modelName();
    }

    boolean async() {
        return instance.settings().async();
    }

    int batch() {
        return instance.settings().batchSize();
    }

    /** How long one inference of a whole batch took, at the pool's start. */
    long batchNanos() {
        return batchNanos;
    }

    /** The requests each engine brings: {@code nireq}, or one more than the device's optimal number. */
    int share() {
        return share;
    }

    long[] inputShape() {
        return inputShape;
    }

    /** How one frame lies in the input tensor (tight, at {@code index * tight.size()}). */
    FrameLayout tight() {
        return tight;
    }

    /** The backend's completion callback, on its thread: hands over to the instance; nothing may escape. */
    void completed(RequestSlot slot) {
        instance.completed(slot);
    }

    InferenceException inferenceFailed(RuntimeException e) {
        if (e instanceof BackendUnavailable unavailable) {
            return unavailable; // it names the backend, and the element tells it apart
        }
        return new InferenceException("inference of " + instance.modelName() + " on " + instance.runsOn()
                + " failed: " + e.getMessage(), e);
    }

    void free() {
        for (RequestSlot slot : slots) {
            slot.free();
        }
        prepared.close();
    }
}
