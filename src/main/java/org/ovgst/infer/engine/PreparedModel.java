package org.ovgst.infer.engine;

import java.nio.file.Path;
import java.util.List;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.tensor.PortInfo;

/**
 * A model prepared for one frame geometry: it takes frames as u8 tensors in their own format
 * ({@code [N, H, W, C]}, YUV as one plane of 1.5 rows per image row) and gives its outputs.
 * Capabilities a backend may lack are asked for: {@link #inPlaceFrames} (frame memory given in
 * place) and {@link #canExport} (the prepared model written to a file).
 */
public interface PreparedModel extends AutoCloseable {
    /** Where a frame lies in the model's input. */
    InputGeometry geometry();

    /** The outputs as prepared: names, element types (f32 for float outputs) and batch shapes. */
    List<PortInfo> outputs();

    /** How many requests in flight keep the device busy, as the backend says. */
    int optimalRequests();

    /**
     * A new request with its own input memory; {@code onDone} is called on the backend's thread when a
     * {@link Request#start started} inference finishes (or fails): briefly, and it must not throw.
     */
    Request newRequest(Request.Completion onDone);

    /**
     * Frames of this shape (u8) given in place, over the first {@code frameBytes} of each frame's
     * memory; null when the backend can only copy.
     */
    default InPlaceFrames inPlaceFrames(String modelName, long[] shape, long frameBytes) {
        return null;
    }

    /** Whether {@link #export} can write the prepared model. */
    default boolean canExport() {
        return false;
    }

    /** Writes the prepared model, pre-processing included, in the backend's own format. */
    default void export(Path file) {
        throw new UnsupportedOperationException("this inference backend cannot export a prepared model");
    }

    @Override
    void close();
}
