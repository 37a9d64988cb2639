package org.ovgst.tensor;

/** How an image is resized, in the order of OpenVINO's {@code ov_preprocess_resize_algorithm_e}. */
public enum ResizeAlgorithm {
    LINEAR,
    CUBIC,
    NEAREST
}
