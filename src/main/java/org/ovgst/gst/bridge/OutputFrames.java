package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Function;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.meta.FrameMetas;
import org.ovgst.infer.image.FrameLayout;

/**
 * The frames an element makes for one input layout (ovprocess's output): their caps, agreed with
 * downstream; their buffers ({@link OutputBuffers}); how the input's timestamps and metadata move
 * over ({@link FrameMetas}); and the last frame made, for the frames not inferred that repeat it.
 * Made on the delivery thread for the first frame of a layout and used there only.
 */
public final class OutputFrames implements AutoCloseable {
    /** GST_BUFFER_COPY_MEMORY: a new buffer sharing the memory, without the metas. */
    private static final int COPY_MEMORY = 8;
    private static final NativeFunction COPY_REGION = GstLib.LIBRARY.function("gst_buffer_copy_region",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final long MAP_DATA = StructOffsets.offset("GstMapInfo.data");
    private static final long MAP_SIZE = StructOffsets.offset("GstMapInfo.size");

    private final MemorySegment caps;
    /** The frames' layout when their format is one of {@link org.ovgst.infer.image.PixelFormat}'s (not RGBA, BGRA). */
    private final FrameLayout layout;
    private final int stride;
    private final long offset;
    private final int[] byteOrder;
    private final OutputBuffers buffers;
    private final FrameMetas metas;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment mapInfo = arena.allocate(StructOffsets.size("GstMapInfo"), 8);
    /** The last frame made, while frames not inferred may repeat it; NULL otherwise. */
    private MemorySegment last = MemorySegment.NULL;

    private OutputFrames(MemorySegment caps, FrameLayout layout, int stride, long offset, int[] byteOrder,
            OutputBuffers buffers, FrameMetas metas) {
        this.caps = caps;
        this.layout = layout;
        this.stride = stride;
        this.offset = offset;
        this.byteOrder = byteOrder;
        this.buffers = buffers;
        this.metas = metas;
    }

    /**
     * Agrees on the output caps with the element downstream of {@code pad}: the first of {@code formats} it
     * takes at {@code width x height}, with the input's frame rate and pixel aspect ratio; then sets
     * up the buffers and the metadata transfer.
     *
     * @param byteOrder for a format, the model channel of each byte of a pixel
     * @throws IllegalStateException when downstream takes none of them, saying what to put in between
     */
    public static OutputFrames negotiate(MemorySegment pad, String element, MemorySegment inputCaps, List<String> formats,
            int width, int height, Function<String, int[]> byteOrder) {
        String wanted = VideoCaps.rawVideo(formats, ", width=(int)" + width + ", height=(int)" + height
                + VideoCaps.rateAndAspect(inputCaps));
        MemorySegment candidates = VideoCaps.capsFor(wanted, MemorySegment.NULL);
        MemorySegment taken = GstPads.padPeerQueryCaps(pad, candidates);
        Gst.miniObjectUnref(candidates);
        if (GstPads.capsIsEmpty(taken)) {
            Gst.miniObjectUnref(taken);
            throw new IllegalStateException("downstream takes none of " + wanted + " (what the model makes of "
                    + VideoCaps.toString(inputCaps) + "): put videoconvert, and videoscale for another size, after "
                    + element);
        }
        MemorySegment fixed = GstPads.capsFixate(taken);
        try {
            VideoCaps.PackedImage packed = VideoCaps.packedImage(fixed);
            OutputBuffers buffers = OutputBuffers.negotiate(pad, fixed, packed.size());
            return new OutputFrames(fixed, VideoCaps.layout(fixed), packed.stride(), packed.offset(),
                    byteOrder.apply(packed.format()), buffers, new FrameMetas(inputCaps, fixed));
        } catch (RuntimeException e) {
            Gst.miniObjectUnref(fixed);
            throw e;
        }
    }

    /** The frames' layout, or null for formats other than {@link org.ovgst.infer.image.PixelFormat}'s. */
    public FrameLayout layout() {
        return layout;
    }

    /** The first plane's stride. */
    public int stride() {
        return stride;
    }

    /** The first plane's offset. */
    public long offset() {
        return offset;
    }

    public int[] byteOrder() {
        return byteOrder;
    }

    public MemorySegment acquire() throws Throwable {
        return buffers.acquire();
    }

    /** Maps a buffer from {@link #acquire} for writing; {@link #unmap} it before {@link #finish}. */
    public MemorySegment map(MemorySegment buffer) throws Throwable {
        if (!FrameOps.map(buffer, mapInfo, FrameOps.MAP_WRITE)) {
            throw new IllegalStateException("could not map an output buffer for writing");
        }
        return mapInfo.get(ADDRESS, MAP_DATA).reinterpret(mapInfo.get(JAVA_LONG, MAP_SIZE));
    }

    public void unmap(MemorySegment buffer) throws Throwable {
        FrameOps.unmap(buffer, mapInfo);
    }

    /**
     * The frame leaves as {@code made} (taken over), with the input's timestamps and metadata; kept
     * for {@link #repeat} when {@code repeated}.
     */
    public void finish(BufferFrame frame, MemorySegment made, boolean repeated) throws Throwable {
        metas.transfer(frame.buffer(), made);
        forgetLast();
        if (repeated) {
            // Kept only then: a buffer we hold is not writable downstream, which would copy it to draw on it.
            last = Gst.miniObjectRef(made);
        }
        frame.replace(made, caps);
    }

    /** A frame not inferred leaves with the last frame's pixels, and its own timestamps and metadata. */
    public void repeat(BufferFrame frame) throws Throwable {
        if (last.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("a frame not inferred came with no frame made before it to repeat");
        }
        MemorySegment copy = (MemorySegment) COPY_REGION.handle().invokeExact(last, COPY_MEMORY, 0L, -1L);
        try {
            metas.transfer(frame.buffer(), copy);
        } catch (Throwable t) {
            Gst.miniObjectUnref(copy);
            throw t;
        }
        frame.replace(copy, caps);
    }

    private void forgetLast() throws Throwable {
        if (!last.equals(MemorySegment.NULL)) {
            Gst.miniObjectUnref(last);
            last = MemorySegment.NULL;
        }
    }

    @Override
    public void close() {
        try {
            forgetLast();
        } catch (Throwable t) {
            throw new IllegalStateException("could not release the last output frame", t);
        }
        metas.close();
        buffers.close();
        Gst.miniObjectUnref(caps);
        arena.close();
    }
}
