package org.ovgst.gst.meta;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.StructOffsets;

/**
 * A model's output attached as it is, for the user's own post-processing (ovclassify
 * {@code converter=raw}; DL Streamer's {@code raw_data_copy}): fields of a structure named after the
 * attribute, with DL Streamer's names — {@code converter} ("raw_data_copy"), {@code layer_name} (the
 * output), {@code precision} ("F32"), {@code dims} (a GstValueArray of ints, the batch axis 1) and
 * {@code data} (GBytes of native-order f32 values). The structure is a region's parameter or a
 * frame's {@link TensorMeta}; in Python, {@code structure.get_value("data").get_data()} gives the
 * bytes ({@code numpy.frombuffer(..., numpy.float32)}).
 */
public final class RawTensors {
    /** One attached tensor, as read back. */
    public record RawTensor(String name, String layerName, int[] dims, float[] data) {}

    private static final MemorySegment CONVERTER = GstLib.staticString("converter");
    private static final MemorySegment RAW_DATA_COPY = GstLib.staticString("raw_data_copy");
    private static final MemorySegment LAYER_NAME = GstLib.staticString("layer_name");
    private static final MemorySegment PRECISION = GstLib.staticString("precision");
    private static final MemorySegment F32 = GstLib.staticString("F32");
    private static final MemorySegment DIMS = GstLib.staticString("dims");
    private static final MemorySegment DATA = GstLib.staticString("data");
    private static final long GVALUE_SIZE = StructOffsets.size("GValue");
    private static final long G_TYPE_BYTES = GLib.bytesGetType();
    private static final long VALUE_ARRAY = Gst.valueArrayGetType();

    private static final NativeFunction BYTES_NEW = GstLib.LIBRARY.function("g_bytes_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    private static final NativeFunction BYTES_UNREF = GstLib.LIBRARY.function("g_bytes_unref",
            FunctionDescriptor.ofVoid(ADDRESS));
    private static final NativeFunction BYTES_DATA = GstLib.LIBRARY.function("g_bytes_get_data",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    /** {@code gst_structure_set(s, "converter", G_TYPE_STRING, c, "layer_name", ..., "precision", ..., "data", G_TYPE_BYTES, b, NULL)}. */
    private static final NativeFunction SET_FIELDS = GstLib.LIBRARY.function("gst_structure_set",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS,
                    JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final NativeFunction SET_VALUE = GstLib.LIBRARY.function("gst_structure_set_value",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction GET_VALUE = GstLib.LIBRARY.function("gst_structure_get_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final NativeFunction ARRAY_APPEND = GstLib.LIBRARY.function("gst_value_array_append_value",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final NativeFunction ARRAY_SIZE = GstLib.LIBRARY.function("gst_value_array_get_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final NativeFunction ARRAY_GET = GstLib.LIBRARY.function("gst_value_array_get_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    /** Two GValues per thread to build the dims with (GLib copies them into the structure). */
    private static final ThreadLocal<MemorySegment> VALUES = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(2 * GVALUE_SIZE, 8));

    private RawTensors() {}

    /**
     * Sets the raw-tensor fields on {@code structure}: {@code values} ({@code count} f32 values) copied
     * into GBytes, {@code dims} as the shape.
     */
    static void fill(MemorySegment structure, MemorySegment layerName, MemorySegment values, long[] dims) {
        MemorySegment scratch = VALUES.get();
        MemorySegment array = scratch.asSlice(0, GVALUE_SIZE).fill((byte) 0);
        MemorySegment item = scratch.asSlice(GVALUE_SIZE, GVALUE_SIZE).fill((byte) 0);
        try {
            MemorySegment bytes = (MemorySegment) BYTES_NEW.handle().invokeExact(values, values.byteSize());
            // The structure takes its own reference to the bytes.
            SET_FIELDS.handle().invokeExact(structure, CONVERTER, GstLib.G_TYPE_STRING, RAW_DATA_COPY, LAYER_NAME,
                    GstLib.G_TYPE_STRING, layerName, PRECISION, GstLib.G_TYPE_STRING, F32, DATA, G_TYPE_BYTES, bytes,
                    MemorySegment.NULL);
            BYTES_UNREF.handle().invokeExact(bytes);
            GLib.valueInit(array, VALUE_ARRAY);
            for (long dim : dims) {
                GLib.valueInit(item, GstLib.G_TYPE_INT);
                GLib.valueSetInt(item, Math.toIntExact(dim));
                ARRAY_APPEND.handle().invokeExact(array, item);
                GLib.valueUnset(item);
            }
            SET_VALUE.handle().invokeExact(structure, DIMS, array);
            GLib.valueUnset(array);
        } catch (Throwable t) {
            throw new IllegalStateException("could not attach a raw tensor", t);
        }
    }

    /** The raw tensor in {@code structure}, or null if it holds none (a {@link Structures.Reader}). */
    static RawTensor read(MemorySegment structure, MetaScratch scratch) throws Throwable {
        MemorySegment converter = Structures.string(structure, CONVERTER);
        if (converter.equals(MemorySegment.NULL) || !"raw_data_copy".equals(GstLib.string(converter))) {
            return null;
        }
        MemorySegment dimsValue = (MemorySegment) GET_VALUE.handle().invokeExact(structure, DIMS);
        int[] dims = new int[(int) ARRAY_SIZE.handle().invokeExact(dimsValue)];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = GLib.valueGetInt((MemorySegment) ARRAY_GET.handle().invokeExact(dimsValue, i));
        }
        MemorySegment bytes = GLib.valueGetBoxed((MemorySegment) GET_VALUE.handle().invokeExact(structure, DATA));
        float[] values;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            MemorySegment data = (MemorySegment) BYTES_DATA.handle().invokeExact(bytes, size);
            values = data.reinterpret(size.get(JAVA_LONG, 0)).toArray(JAVA_FLOAT);
        }
        return new RawTensor(GstLib.string(Structures.name(structure)),
                GstLib.string(Structures.string(structure, LAYER_NAME)), dims, values);
    }
}
