package org.ovgst.infer.kserve;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.ovgst.tensor.ElementType;

/**
 * A tensor as it crosses the wire in raw contents: its elements flattened in row-major order, in the
 * byte order of x86 and ARM (little-endian), without padding. An input's {@code data} is sent as it is
 * (no copy before gRPC serializes it) and must stay unchanged until its call completed; an output's is
 * a read-only view of the response's bytes, which a heap segment of alignment 1 holds: read it with
 * unaligned layouts ({@code JAVA_FLOAT_UNALIGNED}) or copy it.
 */
public record KServeTensor(String name, ElementType type, long[] shape, MemorySegment data) {
    public KServeTensor {
        shape = shape.clone();
        long expected = byteSize(type, shape);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + type + " " + Arrays.toString(shape)
                    + " takes " + expected + " bytes, not " + data.byteSize());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The bytes of a tensor of this type and static shape. */
    static long byteSize(ElementType type, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("a tensor's shape has no dynamic dimension: " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return Math.multiplyExact(count, type.byteSize());
    }

    @Override
    public String toString() {
        return "'" + name + "' " + type + " " + Arrays.toString(shape);
    }
}
