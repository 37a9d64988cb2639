package org.ovgst.infer.preprocess;

/** The element types an image input of a model takes from the pre-processing. */
public enum TensorType {
    F32(4),
    F16(2),
    U8(1);

    private final int bytes;

    TensorType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
