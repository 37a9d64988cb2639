package org.ovgst.infer.engine;

import org.ovgst.infer.InferenceException;

/**
 * An inference that could not run because its backend is out of reach for now (a server lost, or
 * too slow to answer within its deadline), not because of the model or the frames: the frames go on
 * without results and the backend is tried again with the next ones.
 */
public class BackendUnavailable extends InferenceException {
    public BackendUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
