package org.ovgst.openvino;

/** {@code ov_preprocess_resize_algorithm_e}. */
public enum ResizeAlgorithm {
    LINEAR,
    CUBIC,
    NEAREST;

    int code() {
        return ordinal();
    }
}
