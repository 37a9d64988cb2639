package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.image.FrameLayout;

/**
 * How one engine's frames get into the requests' input tensor, for its current frame layout. At
 * batch 1, a tight frame ({@link FrameLayout#isTight()}) in native memory is given to the backend in
 * place when it can ({@link InPlaceFrames}: OpenVINO wraps the frame's own memory as a tensor); every
 * other frame is copied plane by plane (stride-aware) into its place in the request's own input
 * tensor. Used by the submitting thread; counts what it did for {@link InferenceEngine#stats()}.
 */
final class FrameInput {
    private final String modelName;
    /** Whether a request holds one frame, so a frame can be its whole input tensor. */
    private final boolean batchOfOne;
    private FrameLayout layout;
    /** Bytes a frame's memory must hold in its own layout. */
    private long extent;
    /** Whether tight native frames are given to OpenVINO in place (batch 1 and a tight layout). */
    private boolean zeroCopy;
    /** Frames given in place, when the backend can; null when it only copies. */
    private InPlaceFrames wraps;

    private long framesZeroCopy;
    private long framesCopied;
    private long earlierWraps;

    FrameInput(String modelName, int batchSize) {
        this.modelName = modelName;
        this.batchOfOne = batchSize == 1;
    }

    /** Frame geometry that needs no recompilation, in {@code pool}: how frames are read, and whether in place. */
    void setLayout(FrameLayout newLayout, RequestPool pool) {
        layout = newLayout;
        extent = newLayout.extent();
        if (wraps != null) {
            wraps.clear();
            earlierWraps += wraps.wraps();
        }
        wraps = pool.prepared().inPlaceFrames(modelName, pool.inputShape(), pool.tight().size());
        zeroCopy = batchOfOne && newLayout.isTight() && wraps != null;
    }

    FrameLayout layout() {
        return layout;
    }

    /** @throws IllegalArgumentException when the frame's memory is smaller than its layout says */
    void check(MemorySegment frame) {
        if (frame.byteSize() < extent) {
            throw new IllegalArgumentException("a " + layout + " frame needs " + extent + " bytes, got "
                    + frame.byteSize());
        }
    }

    /** Gives frame {@code index} of the slot's batch to its request: in place, or copied. */
    void fill(RequestSlot slot, int index, MemorySegment frame) {
        if (zeroCopy && frame.isNative()) {
            InPlaceFrames.Frame wrapped = wraps.get(frame);
            if (wrapped != null) {
                slot.request.useInPlace(wrapped);
                framesZeroCopy++;
                return;
            }
        }
        slot.request.useOwnInput();
        FrameLayout tight = slot.pool.tight();
        layout.copy(frame, tight, slot.request.input(), index * tight.size());
        framesCopied++;
    }

    /** Closes the wrapped tensors (the pool they were made for goes, or the engine closes). */
    void clearWraps() {
        if (wraps != null) {
            wraps.clear();
        }
    }

    /** Whether tight frames in native memory are currently given to OpenVINO without a copy. */
    boolean zeroCopy() {
        return zeroCopy && wraps != null && wraps.wrapping();
    }

    long framesZeroCopy() {
        return framesZeroCopy;
    }

    long framesCopied() {
        return framesCopied;
    }

    long tensorWraps() {
        return earlierWraps + (wraps == null ? 0 : wraps.wraps());
    }
}
