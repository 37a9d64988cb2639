package org.ovgst.infer.model;

/** The color order the model's input takes. */
public enum ModelColor {
    RGB,
    BGR
}
