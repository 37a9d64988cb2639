package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.ovgst.tensor.ElementType;

/**
 * A tensor ({@code ov_tensor_t}): owned by OpenVINO, or a view of memory the caller owns
 * ({@link #wrap}), which OpenVINO then reads and writes in place without a copy.
 */
public final class Tensor extends NativeResource {
    /** Keeps wrapped caller memory reachable for as long as the tensor points at it. */
    private final MemorySegment wrapped;

    private Tensor(MemorySegment handle, MemorySegment wrapped) {
        super("Tensor", handle, OvInference::tensorFree);
        this.wrapped = wrapped;
    }

    /** Takes ownership of a tensor handle returned by OpenVINO (e.g. from an infer request). */
    static Tensor own(MemorySegment handle) {
        return new Tensor(handle, null);
    }

    /** A new tensor whose memory OpenVINO allocates and frees. */
    public static Tensor allocate(ElementType type, long... shape) {
        checkShape(shape);
        try (Arena arena = Arena.ofConfined()) {
            return new Tensor(OvInference.tensorCreate(OvCodes.of(type), shapeStruct(arena, shape)), null);
        }
    }

    /**
     * A tensor over {@code data}, without copying. The memory must stay alive, and must not be
     * freed, until this tensor and every request it was set on are closed or given another tensor.
     */
    public static Tensor wrap(ElementType type, long[] shape, MemorySegment data) {
        checkShape(shape);
        if (!data.isNative()) {
            throw new IllegalArgumentException("a tensor can only wrap off-heap (native) memory");
        }
        long needed = byteSize(type, shape);
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException("a " + type + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + needed + " bytes but the memory holds " + data.byteSize());
        }
        try (Arena arena = Arena.ofConfined()) {
            return new Tensor(OvInference.tensorCreateFromHostPtr(OvCodes.of(type), shapeStruct(arena, shape), data), data);
        }
    }

    public ElementType elementType() {
        return OvCodes.elementType(OvInference.tensorGetElementType(handle()));
    }

    public long[] shape() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment shape = arena.allocate(OvLibrary.SHAPE);
            OvInference.tensorGetShape(handle(), shape);
            try {
                long rank = shape.get(JAVA_LONG, 0);
                return shape.get(ADDRESS, 8).reinterpret(rank * JAVA_LONG.byteSize()).toArray(JAVA_LONG);
            } finally {
                OvInference.shapeFree(shape);
            }
        }
    }

    /** Changes the shape; OpenVINO reallocates owned memory if it must grow. */
    public void setShape(long... shape) {
        checkShape(shape);
        try (Arena arena = Arena.ofConfined()) {
            OvInference.tensorSetShape(handle(), shapeStruct(arena, shape));
        }
    }

    public long byteSize() {
        return OvInference.tensorGetByteSize(handle());
    }

    /**
     * The tensor's memory. The segment is valid until the tensor is closed or its shape changes;
     * reading it after {@link #close()} throws rather than touching freed memory.
     */
    public MemorySegment data() {
        long size = byteSize();
        return OvInference.tensorData(handle()).reinterpret(size, lifetime(), null);
    }

    /** {@code ov_shape_t} by value, with its dims in {@code arena}. */
    static MemorySegment shapeStruct(Arena arena, long[] shape) {
        MemorySegment struct = arena.allocate(OvLibrary.SHAPE);
        struct.set(JAVA_LONG, 0, shape.length);
        struct.set(ADDRESS, 8, shape.length == 0 ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, shape));
        return struct;
    }

    static long byteSize(ElementType type, long[] shape) {
        long elements = 1;
        for (long dim : shape) {
            elements = Math.multiplyExact(elements, dim);
        }
        return Math.ceilDiv(Math.multiplyExact(elements, type.bits()), 8);
    }

    private static void checkShape(long[] shape) {
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("a tensor shape needs sizes >= 0, got " + Arrays.toString(shape));
            }
        }
    }
}
