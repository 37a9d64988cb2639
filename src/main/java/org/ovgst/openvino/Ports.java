package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads the inputs or outputs of a model or compiled model, and looks them up by name. */
final class Ports {
    private Ports() {}

    /**
     * @param sizeFunction    e.g. {@code ov_model_inputs_size}
     * @param byIndexFunction e.g. {@code ov_model_const_input_by_index}
     */
    static List<PortInfo> read(MemorySegment owner, String sizeFunction, String byIndexFunction) {
        OvLibrary lib = OpenVino.library();
        try (Arena arena = Arena.ofConfined()) {
            long count = lib.callForLong(sizeFunction, owner);
            List<PortInfo> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MemorySegment port = lib.callForAddress(byIndexFunction, owner, (long) i);
                try {
                    ports.add(new PortInfo(i, anyName(lib, arena, port), elementType(lib, port),
                            partialShape(lib, arena, port)));
                } finally {
                    lib.invoke("ov_output_const_port_free", port);
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

    private static String anyName(OvLibrary lib, Arena arena, MemorySegment port) {
        MemorySegment nameOut = arena.allocate(ADDRESS);
        int status = (int) lib.invoke("ov_port_get_any_name", port, nameOut);
        // A port without tensor names is legal (some converted models); it is then reachable by index only.
        return status == OvLibrary.OK ? lib.takeString(nameOut.get(ADDRESS, 0)) : "";
    }

    private static ElementType elementType(OvLibrary lib, MemorySegment port) {
        return ElementType.fromCode(lib.callForInt("ov_port_get_element_type", port));
    }

    private static PartialShape partialShape(OvLibrary lib, Arena arena, MemorySegment port) {
        MemorySegment shape = arena.allocate(OvLibrary.PARTIAL_SHAPE);
        lib.call("ov_port_get_partial_shape", port, shape);
        try {
            return fromNative(shape);
        } finally {
            lib.invoke("ov_partial_shape_free", shape);
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
