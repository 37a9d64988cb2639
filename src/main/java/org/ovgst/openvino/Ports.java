package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** Reads the inputs or outputs of a model or compiled model, and looks them up by name. */
final class Ports {
    private Ports() {}

    /** A function such as {@code ov_model_const_input_by_index}: the owner's port at an index. */
    @FunctionalInterface
    interface ByIndex {
        MemorySegment port(MemorySegment owner, long index);
    }

    /**
     * @param size    e.g. {@code ov_model_inputs_size}
     * @param byIndex e.g. {@code ov_model_const_input_by_index}
     */
    static List<PortInfo> read(MemorySegment owner, ToLongFunction<MemorySegment> size, ByIndex byIndex) {
        try (Arena arena = Arena.ofConfined()) {
            long count = size.applyAsLong(owner);
            List<PortInfo> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MemorySegment port = byIndex.port(owner, i);
                try {
                    ports.add(new PortInfo(i, anyName(arena, port), elementType(port), partialShape(arena, port)));
                } finally {
                    OvLibrary.outputConstPortFree(port);
                }
            }
            return List.copyOf(ports);
        }
    }

    /** The port of that name, or an error that lists every name there is. */
    static PortInfo byName(List<PortInfo> ports, String name, String what, String modelName) {
        for (PortInfo port : ports) {
            if (port.name().equals(name)) {
                return port;
            }
        }
        throw new OpenVinoException("NOT_FOUND", "the model " + modelName + " has no " + what + " named '" + name
                + "'; its " + what + "s are: " + describe(ports), null);
    }

    static String describe(List<PortInfo> ports) {
        return ports.stream().map(p -> p.name().isEmpty() ? "#" + p.index() + " (unnamed)" : "'" + p.name() + "'")
                .collect(Collectors.joining(", "));
    }

    private static String anyName(Arena arena, MemorySegment port) {
        MemorySegment nameOut = arena.allocate(ADDRESS);
        int status = OvLibrary.portGetAnyName(port, nameOut);
        // A port without tensor names is legal (some converted models); it is then reachable by index only.
        return status == OvLibrary.OK ? OvLibrary.takeString(nameOut.get(ADDRESS, 0)) : "";
    }

    private static ElementType elementType(MemorySegment port) {
        return OvCodes.elementType(OvLibrary.portGetElementType(port));
    }

    private static PartialShape partialShape(Arena arena, MemorySegment port) {
        MemorySegment shape = arena.allocate(OvLibrary.PARTIAL_SHAPE);
        OvLibrary.portGetPartialShape(port, shape);
        try {
            return fromNative(shape);
        } finally {
            OvLibrary.partialShapeFree(shape);
        }
    }

    static PartialShape fromNative(MemorySegment partialShape) {
        long rankMin = partialShape.get(JAVA_LONG, 0);
        long rankMax = partialShape.get(JAVA_LONG, 8);
        if (rankMin != rankMax || rankMax < 0) {
            return PartialShape.DYNAMIC_RANK;
        }
        MemorySegment dims = partialShape.get(ADDRESS, 16).reinterpret(rankMax * OvLibrary.DIMENSION.byteSize());
        List<Dimension> dimensions = new ArrayList<>();
        for (int i = 0; i < rankMax; i++) {
            long offset = i * OvLibrary.DIMENSION.byteSize();
            dimensions.add(new Dimension(dims.get(JAVA_LONG, offset), dims.get(JAVA_LONG, offset + 8)));
        }
        return new PartialShape(dimensions);
    }

    /** An {@code ov_partial_shape_t} in {@code arena}, to pass by value. */
    static MemorySegment toNative(Arena arena, PartialShape shape) {
        MemorySegment struct = arena.allocate(OvLibrary.PARTIAL_SHAPE);
        if (!shape.isRankStatic()) {
            struct.set(JAVA_LONG, 0, 0);
            struct.set(JAVA_LONG, 8, -1);
            struct.set(ADDRESS, 16, MemorySegment.NULL);
            return struct;
        }
        int rank = shape.rank();
        MemorySegment dims = arena.allocate(OvLibrary.DIMENSION, Math.max(rank, 1));
        for (int i = 0; i < rank; i++) {
            dims.set(JAVA_LONG, i * 16L, shape.get(i).min());
            dims.set(JAVA_LONG, i * 16L + 8, shape.get(i).max());
        }
        struct.set(JAVA_LONG, 0, rank);
        struct.set(JAVA_LONG, 8, rank);
        struct.set(ADDRESS, 16, dims);
        return struct;
    }
}
