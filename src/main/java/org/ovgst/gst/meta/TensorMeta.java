package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;

/**
 * Results about a whole frame (ovclassify {@code inference-region=full-frame}; DL Streamer keeps them
 * as its frame-level "tensors") as a {@code GstCustomMeta} named {@code GstOvTensorMeta}: one meta per
 * result, its structure named after the attribute, with DL Streamer's {@code label},
 * {@code label_id} and {@code confidence} — the same structure a region's classification is.
 * GStreamer's own custom meta, so any application reads it ({@code gst_buffer_get_custom_meta}, in
 * Python {@code buffer.get_custom_meta("GstOvTensorMeta").get_structure()}), and copies of the
 * buffer keep it.
 */
public final class TensorMeta {
    /** The meta's name, as applications look it up. */
    public static final String NAME = "GstOvTensorMeta";

    private static final MemorySegment C_NAME = GstLib.staticString(NAME);
    /** The meta's API type: the first field of its {@code GstMetaInfo}. */
    private static final long API = registered().reinterpret(JAVA_LONG.byteSize()).get(JAVA_LONG, 0);

    private static final NativeFunction ADD = GstLib.LIBRARY.function("gst_buffer_add_custom_meta",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction STRUCTURE = GstLib.LIBRARY.function("gst_custom_meta_get_structure",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final NativeFunction SET_NAME = GstLib.LIBRARY.function("gst_structure_set_name",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final NativeFunction ITERATE = GstLib.LIBRARY.function("gst_buffer_iterate_meta_filtered",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

    private TensorMeta() {}

    /** The meta's info: registered by the first user in the process (another library may have). */
    private static MemorySegment registered() {
        MemorySegment info = Gst.metaGetInfo(C_NAME);
        if (info.equals(MemorySegment.NULL)) {
            // No tags: elements that keep untagged metas (videoconvert, videoscale, queues) keep it.
            MemorySegment noTags = Arena.global().allocate(ADDRESS);
            info = Gst.metaRegisterCustom(C_NAME, noTags, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
        }
        if (info.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("GStreamer refused to register the custom meta " + NAME);
        }
        return info;
    }

    /** Attaches a classifier's result about the whole frame to a writable buffer. */
    public static void addAttribute(MemorySegment buffer, MemorySegment attribute, MemorySegment label, int labelId,
            double confidence, MemorySegment modelName) {
        try {
            Structures.setClassification(newStructure(buffer, attribute), label, labelId, confidence, modelName);
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a frame's classification", t);
        }
    }

    /** Attaches a model output about the whole frame, as it is ({@link RawTensors}), to a writable buffer. */
    public static void addRawTensor(MemorySegment buffer, MemorySegment attribute, MemorySegment layerName,
            MemorySegment values, long[] dims) {
        try {
            RawTensors.fill(newStructure(buffer, attribute), layerName, values, dims);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a frame's raw tensor", t);
        }
    }

    /** A new meta on the buffer; its structure (the meta's), named after the attribute. */
    private static MemorySegment newStructure(MemorySegment buffer, MemorySegment attribute) throws Throwable {
        MemorySegment structure = (MemorySegment) STRUCTURE.handle().invokeExact((MemorySegment) ADD.handle().invokeExact(buffer, C_NAME));
        SET_NAME.handle().invokeExact(structure, attribute);
        return structure;
    }

    /** The classifications of the whole frame on a buffer, in the order they were attached. */
    public static List<Region.Attribute> read(MemorySegment buffer) {
        return collect(buffer, Structures::classification);
    }

    /** The raw tensors about the whole frame on a buffer, in the order they were attached. */
    public static List<RawTensors.RawTensor> rawTensors(MemorySegment buffer) {
        return collect(buffer, RawTensors::read);
    }

    /** What {@code reader} makes of each meta's structure, in order (none: no garbage). */
    private static <T> List<T> collect(MemorySegment buffer, Structures.Reader<T> reader) {
        MetaScratch scratch = MetaScratch.get();
        MemorySegment state = scratch.state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        List<T> found = List.of();
        try {
            while (true) {
                MemorySegment meta = (MemorySegment) ITERATE.handle().invokeExact(buffer, state, API);
                if (meta.equals(MemorySegment.NULL)) {
                    return found;
                }
                found = Structures.collect(found, reader, (MemorySegment) STRUCTURE.handle().invokeExact(meta), scratch);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("could not read the frame's metadata " + NAME, t);
        }
    }
}
