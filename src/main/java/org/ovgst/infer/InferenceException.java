package org.ovgst.infer;

/**
 * A model that cannot be loaded, compiled or run with the given settings. The message names the
 * model file, the setting at fault (with the property name the elements use: {@code model},
 * {@code device}, {@code nireq}, {@code batch-size}, {@code input-name}, {@code model-layout}, ...)
 * and what to do about it, so it can be shown to the user as it is.
 */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
