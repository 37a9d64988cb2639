package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.openvino.Tensor;

/**
 * How one engine's frames get into the requests' input tensor, for its current frame layout. At
 * batch 1, a tight frame ({@link FrameLayout#isTight()}) in native memory is given to OpenVINO in
 * place, as a tensor over the frame's own memory kept by address in {@link FrameTensors}; every
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
    private FrameTensors wraps;

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
        zeroCopy = batchOfOne && newLayout.isTight();
        if (wraps != null) {
            wraps.clear();
            earlierWraps += wraps.wraps();
        }
        wraps = new FrameTensors(modelName, pool.inputShape(), pool.tight().size());
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
            Tensor wrapped = wraps.get(frame);
            if (wrapped != null) {
                slot.useInput(wrapped);
                framesZeroCopy++;
                return;
            }
        }
        slot.useInput(slot.ownInput);
        FrameLayout tight = slot.pool.tight();
        layout.copy(frame, tight, slot.ownInputData, index * tight.size());
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
        return zeroCopy && wraps.wrapping();
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
