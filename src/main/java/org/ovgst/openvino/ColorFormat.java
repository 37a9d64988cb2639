package org.ovgst.openvino;

/** {@code ov_color_format_e}: the pixel formats OpenVINO's pre-processing converts from and to. */
public enum ColorFormat {
    UNDEFINED,
    NV12_SINGLE_PLANE,
    NV12_TWO_PLANES,
    I420_SINGLE_PLANE,
    I420_THREE_PLANES,
    RGB,
    BGR,
    GRAY,
    RGBX,
    BGRX;

    int code() {
        return ordinal();
    }
}
