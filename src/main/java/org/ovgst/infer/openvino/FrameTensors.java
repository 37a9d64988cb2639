package org.ovgst.infer.openvino;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import org.ovgst.infer.engine.InPlaceFrames;
import org.ovgst.openvino.Tensor;
import org.ovgst.tensor.ElementType;

/**
 * The zero-copy cache: wrapped tensors over recent frame addresses, least recently used evicted;
 * used by one engine's submitting thread. Wrapping memory as a tensor costs a native handle and a
 * shared arena (measured on 640x480 BGR: 25-45 µs a frame with its release, more than the 21 µs of
 * copying the frame), but video buffers come from pools that cycle through a few blocks of memory,
 * and setting an already wrapped tensor costs about 1 µs. A tensor set on a request stays valid
 * there after its handle here is closed (OpenVINO shares it), so eviction is safe while an
 * inference runs. Falls back to copying for good when most frames come at new addresses (no pool).
 */
final class FrameTensors implements InPlaceFrames {
    /** How many wrapped frame tensors (by frame address) are kept. */
    static final int SIZE = 32;
    private static final System.Logger LOG = System.getLogger(FrameTensors.class.getName());
    private static final int WINDOW = 64;

    private final String modelName;
    private final long[] shape;
    private final long frameBytes;
    private final long[] addresses = new long[SIZE];
    private final Tensor[] tensors = new Tensor[SIZE];
    private final long[] lastUse = new long[SIZE];
    private long clock;
    private int lookups;
    private int misses;
    private boolean fallenBack;
    private long wraps;

    /** Tensors of {@code shape} (u8) over the first {@code frameBytes} of each frame. */
    FrameTensors(String modelName, long[] shape, long frameBytes) {
        this.modelName = modelName;
        this.shape = shape;
        this.frameBytes = frameBytes;
    }

    /** A wrapped tensor: what the engine gives back to {@link OpenVinoRequest#useInPlace}. */
    record Wrapped(Tensor tensor) implements Frame {}

    private final Wrapped[] wrapped = new Wrapped[SIZE];

    /** The wrapped tensor over {@code frame}, or null when copying is the better choice. */
    @Override
    public Wrapped get(MemorySegment frame) {
        if (fallenBack) {
            return null;
        }
        long address = frame.address();
        clock++;
        int oldest = 0;
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] != null && addresses[i] == address) {
                lastUse[i] = clock;
                count(false);
                return wrapped[i];
            }
            if (tensors[i] == null || (tensors[oldest] != null && lastUse[i] < lastUse[oldest])) {
                oldest = i;
            }
        }
        if (count(true)) {
            LOG.log(Level.INFO, "ovgst: most frames for " + modelName + " arrive at new addresses (no buffer"
                    + " pool), so they are copied instead of wrapped");
            clear();
            fallenBack = true;
            return null;
        }
        if (tensors[oldest] != null) {
            tensors[oldest].close();
        }
        tensors[oldest] = Tensor.wrap(ElementType.U8, shape, frame.asSlice(0, frameBytes));
        wrapped[oldest] = new Wrapped(tensors[oldest]);
        addresses[oldest] = address;
        lastUse[oldest] = clock;
        wraps++;
        return wrapped[oldest];
    }

    /** Whether frames are still wrapped (no fallback to copying). */
    @Override
    public boolean wrapping() {
        return !fallenBack;
    }

    /** Tensors wrapped so far (one per new frame address). */
    @Override
    public long wraps() {
        return wraps;
    }

    /** Counts a lookup; true when the last window was mostly misses. */
    private boolean count(boolean miss) {
        lookups++;
        if (miss) {
            misses++;
        }
        if (lookups < WINDOW) {
            return false;
        }
        boolean mostlyMisses = misses > WINDOW / 2;
        lookups = 0;
        misses = 0;
        return mostlyMisses;
    }

    @Override
    public void clear() {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] != null) {
                tensors[i].close();
                tensors[i] = null;
                wrapped[i] = null;
            }
        }
    }
}
