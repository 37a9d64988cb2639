package org.ovgst.infer.kserve;

import java.util.Arrays;
import org.ovgst.tensor.ElementType;

/**
 * An input handed to a server on the same host by reference (Triton's system shared-memory extension):
 * its bytes, laid out as raw contents ({@link KServeTensor}), lie at {@code offset} in a region
 * registered with {@link KServeClient#registerSystemSharedMemory}. Nothing but this reference crosses
 * the socket; the memory must stay unchanged until the call completed.
 */
public record SharedTensor(String name, ElementType type, long[] shape, String region, long offset) {
    public SharedTensor {
        shape = shape.clone();
        KServeTensor.byteSize(type, shape);
        if (offset < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative offset " + offset + " in region " + region);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Its bytes in the region. */
    public long byteSize() {
        return KServeTensor.byteSize(type, shape);
    }

    @Override
    public String toString() {
        return "'" + name + "' " + type + " " + Arrays.toString(shape) + " at " + region + "+" + offset;
    }
}
