package org.ovgst.tensor;

import java.util.List;
import java.util.stream.Collectors;

/** One input or output of a model: its index, tensor name, element type and partial shape. */
public record PortInfo(int index, String name, ElementType elementType, PartialShape shape) {
    /** {@code 'name' f32 [1,84,8400], ...}: the ports of a model, for messages that list them. */
    public static String describe(List<PortInfo> ports) {
        return ports.stream().map(p -> "'" + p.name() + "' " + p.elementType() + " " + p.shape())
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return name + " " + elementType + " " + shape;
    }
}
