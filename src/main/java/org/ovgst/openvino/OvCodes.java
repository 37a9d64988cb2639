package org.ovgst.openvino;

import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.ResizeAlgorithm;

/**
 * The C API's numbers for the neutral tensor types: {@code ov_element_type_e} and
 * {@code ov_preprocess_resize_algorithm_e} are the enums' orders (as in the 2026.4 headers;
 * {@link OpenVino} checks the element types against the loaded runtime at start-up).
 */
final class OvCodes {
    private static final ElementType[] ELEMENT_TYPES = ElementType.values();

    private OvCodes() {}

    static int of(ElementType type) {
        return type.ordinal();
    }

    static int of(ResizeAlgorithm algorithm) {
        return algorithm.ordinal();
    }

    static ElementType elementType(int code) {
        if (code < 0 || code >= ELEMENT_TYPES.length) {
            throw new OpenVinoException("unknown ov_element_type_e value " + code
                    + "; this build of ovgst was written against the OpenVINO 2026.4 C headers");
        }
        return ELEMENT_TYPES[code];
    }
}
