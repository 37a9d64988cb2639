package org.ovgst.infer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.OpenVinoException;
import org.ovgst.openvino.PortInfo;

/**
 * The request pool of one frame geometry: the model compiled for frames of one format and size and
 * its {@code nireq} infer requests, shared by every engine of the model instance whose frames have
 * that geometry (so their frames can share a batch). The pool of {@code nireq} requests bounds both
 * memory and the work in flight. {@link #idle} and {@link #filling} are guarded by the instance lock.
 */
final class RequestPool {
    private final ModelInstance instance;
    private final CompiledModel compiled;
    private final InputGeometry geometry;
    private final List<PortInfo> outputs;
    private final Map<String, Integer> outputIndex;
    private final List<RequestSlot> slots;
    /** The u8 tensor frames are given as: NHWC, YUV as one plane of 1.5 rows per image row. */
    private final long[] inputShape;
    /** The layout of one frame in the input tensor. */
    private final FrameLayout tight;

    final ArrayDeque<RequestSlot> idle = new ArrayDeque<>();
    /** The request being filled with a batch, if any. */
    RequestSlot filling;
    /** Engines whose frames have this geometry; guarded by the instance's pool map. */
    int users;

    RequestPool(ModelInstance instance, ModelPreparation.Compiled compiled, FrameLayout frames) {
        this.instance = instance;
        this.compiled = compiled.model();
        this.geometry = compiled.geometry();
        this.outputs = this.compiled.outputs();
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
        int requests = !settings.async() ? 1
                : settings.nireq() > 0 ? settings.nireq() : this.compiled.optimalNumberOfInferRequests();
        List<RequestSlot> made = new ArrayList<>();
        try {
            for (int i = 0; i < Math.max(1, requests); i++) {
                made.add(new RequestSlot(this, i));
            }
        } catch (OpenVinoException e) {
            made.forEach(RequestSlot::free);
            this.compiled.close();
            throw new InferenceException("cannot create " + requests + " infer requests (nireq) for "
                    + instance.modelName() + " on " + settings.device() + ": " + e.getMessage() + ". Try a smaller nireq",
                    e);
        }
        slots = List.copyOf(made);
        idle.addAll(slots);
    }

    CompiledModel compiled() {
        return compiled;
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

    int nireq() {
        return slots.size();
    }

    long[] inputShape() {
        return inputShape;
    }

    /** How one frame lies in the input tensor (tight, at {@code index * tight.size()}). */
    FrameLayout tight() {
        return tight;
    }

    /** OpenVINO's completion callback, on its thread: hands over to the instance; nothing may escape. */
    void completed(RequestSlot slot) {
        instance.completed(slot);
    }

    InferenceException inferenceFailed(RuntimeException e) {
        return new InferenceException("inference of " + instance.modelName() + " on " + instance.settings().device()
                + " failed: " + e.getMessage(), e);
    }

    void free() {
        for (RequestSlot slot : slots) {
            slot.free();
        }
        compiled.close();
    }
}
