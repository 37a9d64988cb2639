package org.ovgst.openvino;

/** One input or output of a model: its index, tensor name, element type and partial shape. */
public record PortInfo(int index, String name, ElementType elementType, PartialShape shape) {
    @Override
    public String toString() {
        return name + " " + elementType + " " + shape;
    }
}
