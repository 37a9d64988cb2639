package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

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
    private static final MemorySegment LABEL = GstLib.staticString("label");
    private static final MemorySegment LABEL_ID = GstLib.staticString("label_id");
    private static final MemorySegment CONFIDENCE = GstLib.staticString("confidence");
    /** The meta's API type: the first field of its {@code GstMetaInfo}. */
    private static final long API = registered().reinterpret(JAVA_LONG.byteSize()).get(JAVA_LONG, 0);

    private static final MethodHandle ADD = GstLib.downcall("gst_buffer_add_custom_meta",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle STRUCTURE = GstLib.downcall("gst_custom_meta_get_structure",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle SET_NAME = GstLib.downcall("gst_structure_set_name",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MemorySegment MODEL_NAME = GstLib.staticString("model_name");
    /**
     * {@code gst_structure_set(s, "label", G_TYPE_STRING, l, "label_id", G_TYPE_INT, i, "confidence",
     * G_TYPE_DOUBLE, c, "model_name", G_TYPE_STRING, m, NULL)}.
     */
    private static final MethodHandle SET_ATTRIBUTE = GstLib.downcall("gst_structure_set",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_DOUBLE, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle ITERATE = GstLib.downcall("gst_buffer_iterate_meta_filtered",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

    private TensorMeta() {}

    /** The meta's info: registered by the first user in the process (another library may have). */
    private static MemorySegment registered() {
        MemorySegment info = (MemorySegment) GstLib.call("gst_meta_get_info", C_NAME);
        if (info.equals(MemorySegment.NULL)) {
            // No tags: elements that keep untagged metas (videoconvert, videoscale, queues) keep it.
            MemorySegment noTags = Arena.global().allocate(ADDRESS);
            info = (MemorySegment) GstLib.call("gst_meta_register_custom", C_NAME, noTags, MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
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
            MemorySegment structure = (MemorySegment) STRUCTURE.invokeExact((MemorySegment) ADD.invokeExact(buffer,
                    C_NAME));
            SET_NAME.invokeExact(structure, attribute);
            SET_ATTRIBUTE.invokeExact(structure, LABEL, GstLib.G_TYPE_STRING, label, LABEL_ID, GstLib.G_TYPE_INT, labelId,
                    CONFIDENCE, GstLib.G_TYPE_DOUBLE, confidence, MODEL_NAME, GstLib.G_TYPE_STRING, modelName,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a frame's classification: " + t, t);
        }
    }

    /** Attaches a model output about the whole frame, as it is ({@link RawTensors}), to a writable buffer. */
    public static void addRawTensor(MemorySegment buffer, MemorySegment attribute, MemorySegment layerName,
            MemorySegment values, long[] dims) {
        try {
            MemorySegment structure = (MemorySegment) STRUCTURE.invokeExact((MemorySegment) ADD.invokeExact(buffer,
                    C_NAME));
            SET_NAME.invokeExact(structure, attribute);
            RawTensors.fill(structure, layerName, values, dims);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a frame's raw tensor: " + t, t);
        }
    }

    /** The raw tensors about the whole frame on a buffer, in the order they were attached. */
    public static List<RawTensors.RawTensor> rawTensors(MemorySegment buffer) {
        MemorySegment state = MetaScratch.get().state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        List<RawTensors.RawTensor> tensors = new ArrayList<>();
        try {
            while (true) {
                MemorySegment meta = (MemorySegment) ITERATE.invokeExact(buffer, state, API);
                if (meta.equals(MemorySegment.NULL)) {
                    return tensors;
                }
                RawTensors.RawTensor tensor = RawTensors.read((MemorySegment) STRUCTURE.invokeExact(meta));
                if (tensor != null) {
                    tensors.add(tensor);
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("could not read the frame's raw tensors: " + t, t);
        }
    }

    /** The classifications of the whole frame on a buffer, in the order they were attached. */
    public static List<Region.Attribute> read(MemorySegment buffer) {
        MetaScratch scratch = MetaScratch.get();
        MemorySegment state = scratch.state();
        state.set(ADDRESS, 0, MemorySegment.NULL);
        List<Region.Attribute> attributes = List.of();
        try {
            while (true) {
                MemorySegment meta = (MemorySegment) ITERATE.invokeExact(buffer, state, API);
                if (meta.equals(MemorySegment.NULL)) {
                    return attributes;
                }
                Region.Attribute attribute = RoiMeta.attribute((MemorySegment) STRUCTURE.invokeExact(meta),
                        scratch.intOut(), scratch.doubleOut());
                if (attribute != null) {
                    if (attributes.isEmpty()) {
                        attributes = new ArrayList<>();
                    }
                    attributes.add(attribute);
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("could not read the frame's classifications: " + t, t);
        }
    }
}
