package org.ovgst.infer.engine;

import org.ovgst.infer.image.FrameLayout;

/** A model as a backend read it: one per {@link ModelInstance}, prepared once per frame geometry. */
public interface BackendModel extends AutoCloseable {
    /** The model's name in messages (its file). */
    String name();

    /** The name of the input that takes the frames. */
    String inputName();

    /**
     * Prepares the model for frames of this layout: batch and image size reshaped, the frames'
     * pre-processing (format, size, colors, normalization, letterbox) built in, compiled.
     *
     * @throws IllegalArgumentException for a frame layout the backend cannot take (odd-sized YUV)
     * @throws org.ovgst.infer.InferenceException when the model cannot be prepared so; the message says why
     */
    PreparedModel prepare(FrameLayout frames);

    @Override
    void close();
}
