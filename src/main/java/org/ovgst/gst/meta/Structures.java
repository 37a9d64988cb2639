package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstPads;

/**
 * The {@code GstStructure}s ovgst's metadata is made of, read and written with exactly typed calls:
 * the field names DL Streamer uses, typed getters, and a classifier's result (a structure named
 * after the attribute with {@code label}, {@code label_id}, {@code confidence}, {@code model_name}),
 * which regions ({@link RoiMeta}) and frames ({@link TensorMeta}) carry alike.
 */
final class Structures {
    static final MemorySegment LABEL = GstLib.staticString("label");
    static final MemorySegment LABEL_ID = GstLib.staticString("label_id");
    static final MemorySegment CONFIDENCE = GstLib.staticString("confidence");
    private static final MemorySegment MODEL_NAME = GstLib.staticString("model_name");

    private static final NativeFunction NEW_EMPTY = GstLib.LIBRARY.function("gst_structure_new_empty",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final NativeFunction NAME = GstLib.LIBRARY.function("gst_structure_get_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final NativeFunction GET_DOUBLE = GstLib.LIBRARY.function("gst_structure_get_double",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    /**
     * {@code gst_structure_set(s, "label", G_TYPE_STRING, l, "label_id", G_TYPE_INT, i, "confidence",
     * G_TYPE_DOUBLE, c, "model_name", G_TYPE_STRING, m, NULL)}.
     */
    private static final NativeFunction SET_CLASSIFICATION = GstLib.LIBRARY.function("gst_structure_set",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS,
                    JAVA_LONG, JAVA_DOUBLE, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
            Linker.Option.firstVariadicArg(2));

    /** Reads what a structure holds, or null for a structure of another kind. */
    @FunctionalInterface
    interface Reader<T> {
        T read(MemorySegment structure, MetaScratch scratch) throws Throwable;
    }

    private Structures() {}

    /** A new structure called {@code name}, without fields: the caller's. */
    static MemorySegment newEmpty(MemorySegment name) throws Throwable {
        return (MemorySegment) NEW_EMPTY.handle().invokeExact(name);
    }

    static MemorySegment name(MemorySegment structure) throws Throwable {
        return (MemorySegment) NAME.handle().invokeExact(structure);
    }

    /** A string field's value (the structure's), or NULL when there is none. */
    static MemorySegment string(MemorySegment structure, MemorySegment field) throws Throwable {
        return GstPads.structureGetString(structure, field);
    }

    static int intField(MemorySegment structure, MemorySegment field, int otherwise, MetaScratch scratch)
            throws Throwable {
        return GstPads.structureGetInt(structure, field, scratch.intOut()) ? scratch.intOut().get(JAVA_INT, 0)
                : otherwise;
    }

    static double doubleField(MemorySegment structure, MemorySegment field, double otherwise, MetaScratch scratch)
            throws Throwable {
        return (int) GET_DOUBLE.handle().invokeExact(structure, field, scratch.doubleOut()) != 0
                ? scratch.doubleOut().get(JAVA_DOUBLE, 0) : otherwise;
    }

    /** Sets a classifier's result on a structure named after its attribute. */
    static void setClassification(MemorySegment structure, MemorySegment label, int labelId, double confidence,
            MemorySegment modelName) throws Throwable {
        SET_CLASSIFICATION.handle().invokeExact(structure, LABEL, GstLib.G_TYPE_STRING, label, LABEL_ID, GstLib.G_TYPE_INT,
                labelId, CONFIDENCE, GstLib.G_TYPE_DOUBLE, confidence, MODEL_NAME, GstLib.G_TYPE_STRING, modelName,
                MemorySegment.NULL);
    }

    /** A classifier's result in a structure named after the attribute, or null if it has no label. */
    static Region.Attribute classification(MemorySegment structure, MetaScratch scratch) throws Throwable {
        MemorySegment label = string(structure, LABEL);
        if (label.equals(MemorySegment.NULL)) {
            return null;
        }
        return new Region.Attribute(GstLib.string(name(structure)), GstLib.string(label),
                intField(structure, LABEL_ID, -1, scratch), doubleField(structure, CONFIDENCE, Double.NaN, scratch),
                GstLib.string(string(structure, MODEL_NAME)));
    }

    /** Adds what {@code reader} makes of {@code structure} to {@code found}: a new list at the first (none: no garbage). */
    static <T> List<T> collect(List<T> found, Reader<T> reader, MemorySegment structure, MetaScratch scratch)
            throws Throwable {
        T item = reader.read(structure, scratch);
        if (item == null) {
            return found;
        }
        List<T> list = found.isEmpty() ? new ArrayList<>() : found;
        list.add(item);
        return list;
    }
}
