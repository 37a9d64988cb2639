package org.ovgst.infer.engine;

/**
 * Receives every accepted frame and marker exactly once, through exactly one of its methods, in
 * submission order. Calls come from one thread at a time; none may block for long (a slow sink
 * holds requests and so slows the submitter), and {@link #discard} must not block at all.
 */
public interface ResultSink<T> {
    /** The results of a frame, or {@code null} for a marker; {@code results} is valid only during the call. */
    void deliver(T tag, InferenceResults results);

    /** A frame or marker dropped by {@link InferenceEngine#flush()} (or close without drain). */
    void discard(T tag);

    /** The inference of this frame failed; the frames after it are still delivered in order. */
    void fail(T tag, RuntimeException error);
}
