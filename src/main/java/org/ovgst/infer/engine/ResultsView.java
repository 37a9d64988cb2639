package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PortInfo;

/**
 * One engine's view of the outputs of the request that ran a frame, open only while its sink's
 * {@code deliver} runs. Each engine has its own view, since the frames of one request may belong
 * to several engines that deliver at the same time.
 */
final class ResultsView implements InferenceResults {
    private RequestSlot slot;
    private int index = -1;

    void open(RequestSlot ran, int frame) {
        slot = ran;
        index = frame;
    }

    void close() {
        slot = null;
        index = -1;
    }

    private RequestSlot current() {
        if (slot == null) {
            throw new IllegalStateException("results are valid only during ResultSink.deliver");
        }
        return slot;
    }

    private int indexOf(String name) {
        RequestPool pool = current().pool;
        Integer found = pool.outputIndex().get(name);
        if (found == null) {
            throw new IllegalArgumentException("model " + pool.modelName() + " has no output named '" + name
                    + "'; its outputs are: " + PortInfo.describe(pool.outputs()));
        }
        return found;
    }

    @Override
    public MemorySegment output(String name) {
        return current().outputData(indexOf(name));
    }

    @Override
    public MemorySegment output(int output) {
        RequestSlot ran = current();
        Objects.checkIndex(output, ran.pool.outputs().size());
        return ran.outputData(output);
    }

    @Override
    public long[] shape(String name) {
        return current().outputShape(indexOf(name)).clone();
    }

    @Override
    public ElementType elementType(String name) {
        return current().pool.outputs().get(indexOf(name)).elementType();
    }

    @Override
    public int batchSize() {
        return current().pool.batch();
    }

    @Override
    public int slot() {
        current();
        return index;
    }

    @Override
    public InputGeometry geometry() {
        return current().pool.geometry();
    }

    @Override
    public String toString() {
        return slot == null ? "closed results" : "results of request " + slot.number + ", frame " + index + " of "
                + slot.pool.batch();
    }
}
