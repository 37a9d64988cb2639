package org.ovgst.infer;

/** The color order the model's input takes. */
public enum ModelColor {
    RGB,
    BGR
}
