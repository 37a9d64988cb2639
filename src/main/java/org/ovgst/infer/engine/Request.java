package org.ovgst.infer.engine;

import java.lang.foreign.MemorySegment;

/**
 * One inference request of a {@link PreparedModel}: an input holding a batch of frames (its own
 * memory, or one frame in place), started asynchronously or run on the caller's thread, and its
 * outputs, read-only, valid from {@link #finish} until the next start.
 */
public interface Request extends AutoCloseable {
    /** Called on the backend's thread when a started inference finished or failed; must not throw. */
    @FunctionalInterface
    interface Completion {
        void completed();
    }

    /** The request's own input memory: the batch's frames, tight, one after the other. */
    MemorySegment input();

    /** Makes the request's own input memory its input again (after a frame given in place). */
    void useOwnInput();

    /** Makes a frame given in place ({@link InPlaceFrames#get}) the request's input (batch 1). */
    void useInPlace(InPlaceFrames.Frame frame);

    /** Runs the inference on this thread; no completion call. */
    void infer();

    /** Starts the inference; {@link Completion#completed} follows on the backend's thread. */
    void start();

    /**
     * After the inference ended (synchronously, or its completion was called): learns whether it
     * succeeded, waiting for the backend if {@code started} asynchronously, and takes the outputs.
     *
     * @throws RuntimeException when the inference failed
     */
    void finish(boolean started);

    /** Output {@code i}'s data, read-only; valid from {@link #finish} until the next start. */
    MemorySegment output(int i);

    /** Output {@code i}'s shape as it came out of this inference. */
    long[] outputShape(int i);

    /** Frees the request; waits for an inference in flight. */
    @Override
    void close();
}
