package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.tensor.ElementType;

/**
 * The outputs of the request that ran a frame: whole tensors, holding {@link #batchSize()} frames
 * of which this frame is {@link #slot()}. Valid only during {@link ResultSink#deliver}; reading it
 * later throws.
 */
public interface InferenceResults {
    /** An output's data, read-only; f16/bf16/f64 outputs are converted to f32. */
    MemorySegment output(String name);

    MemorySegment output(int index);

    /** The output's shape (a copy). */
    long[] shape(String name);

    ElementType elementType(String name);

    /** Frames the request holds room for (the model's batch); slots beyond the partial batch are unused. */
    int batchSize();

    /** This frame's index in the batch, from 0. */
    int slot();

    /** Where the frame lies in the model's input: maps boxes in the input's coordinates to the frame's. */
    InputGeometry geometry();
}
