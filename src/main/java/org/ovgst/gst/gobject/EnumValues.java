package org.ovgst.gst.gobject;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.StructOffsets;

/**
 * The GEnum types of {@link Property.Choice}s, and how GStreamer reads their values from text.
 *
 * <p>gst-launch-1.0 (gst_parse) and {@code gst_util_set_object_arg} turn a property's text into a
 * value with {@code gst_value_deserialize}, which for an enum knows only the exact value name, nick
 * and number; anything else makes gst_parse fail with {@code could not set property "model-type" in
 * element "ovdetect" to "yolov9x"}, which names no allowed value, and we cannot add to its text. So
 * each of our enum types has its own {@code GstValueTable} (GStreamer looks a type's own table up
 * first): it reads the spellings users write ({@link Property.Choice#indexOfWritten}), and keeps any
 * other text as a number above the enum's values that stands for it. That number passes GLib
 * unchanged (our enum param specs do not validate, like the ints of {@link ParamSpecs}), the element
 * stores the text, and {@link Property.Choice#check} refuses it when the element starts: a bus ERROR
 * that names the property, the text and the allowed values.
 */
final class EnumValues {
    /** Numbers from here on stand for texts that name no value (enums have a handful of values). */
    private static final int TEXTS_FROM = 1 << 20;
    /** Distinct texts kept at most; beyond, a wrong text gets GStreamer's own refusal (no memory grows). */
    private static final int MAX_TEXTS = 4096;

    private static final Map<Long, Property.Choice> CHOICES = new ConcurrentHashMap<>();
    private static final List<String> TEXTS = new CopyOnWriteArrayList<>();
    private static final Map<String, Integer> TEXT_NUMBERS = new ConcurrentHashMap<>();

    private static final MemorySegment DESERIALIZE = TypeRegistry.upcall(MethodHandles.lookup(), "deserialize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment SERIALIZE = TypeRegistry.upcall(MethodHandles.lookup(), "serialize",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    private EnumValues() {}

    /**
     * The enum type of a choice, registered once with its value table: values 0..n-1, each with its
     * nick and, as GLib's value name (what gst-inspect-1.0 prints beside the nick), its meaning.
     */
    static synchronized long type(Property.Choice choice) {
        MemorySegment typeName = GstLib.staticString(choice.typeName());
        long existing = GLib.typeFromName(typeName);
        if (existing != 0) {
            return existing;
        }
        long entrySize = StructOffsets.size("GEnumValue");
        // GLib keeps this table for the life of the type: a terminating all-zero entry ends it.
        MemorySegment table = Arena.global().allocate(entrySize * (choice.values().size() + 1));
        for (int i = 0; i < choice.values().size(); i++) {
            Property.Choice.Value value = choice.values().get(i);
            long at = i * entrySize;
            table.set(JAVA_INT, at + StructOffsets.offset("GEnumValue.value"), i);
            table.set(ADDRESS, at + StructOffsets.offset("GEnumValue.value_name"),
                    GstLib.staticString(value.meaning()));
            table.set(ADDRESS, at + StructOffsets.offset("GEnumValue.value_nick"), GstLib.staticString(value.nick()));
        }
        long type = GLib.enumRegisterStatic(typeName, table);
        CHOICES.put(type, choice);
        // GStreamer keeps a pointer to the table: it lives as long as the process.
        MemorySegment valueTable = Arena.global().allocate(StructOffsets.size("GstValueTable"));
        valueTable.set(JAVA_LONG, StructOffsets.offset("GstValueTable.type"), type);
        valueTable.set(ADDRESS, StructOffsets.offset("GstValueTable.serialize"), SERIALIZE);
        valueTable.set(ADDRESS, StructOffsets.offset("GstValueTable.deserialize"), DESERIALIZE);
        Gst.valueRegister(valueTable);
        return type;
    }

    /** What an enum number holds for the element: a value's nick, or the text it stands for. */
    static String read(Property.Choice choice, int number) {
        if (number >= 0 && number < choice.values().size()) {
            return choice.values().get(number).nick();
        }
        int text = number - TEXTS_FROM;
        return text >= 0 && text < TEXTS.size() ? TEXTS.get(text) : Integer.toString(number);
    }

    /** The enum number of what the element holds ({@link #read}'s inverse). */
    static int number(Property.Choice choice, String held) {
        int index = choice.indexOf(held);
        if (index >= 0) {
            return index;
        }
        Integer text = TEXT_NUMBERS.get(held);
        if (text != null) {
            return text;
        }
        try {
            return Integer.parseInt(held);
        } catch (NumberFormatException e) {
            return keep(held);
        }
    }

    /** The number standing for a text, kept from now on; -1 once {@link #MAX_TEXTS} are kept. */
    private static synchronized int keep(String text) {
        Integer known = TEXT_NUMBERS.get(text);
        if (known != null) {
            return known;
        }
        if (TEXTS.size() >= MAX_TEXTS) {
            return -1;
        }
        TEXTS.add(text);
        int number = TEXTS_FROM + TEXTS.size() - 1;
        TEXT_NUMBERS.put(text, number);
        return number;
    }

    /** The choice of a GValue of one of our enum types; null for another type. */
    private static Property.Choice choiceOf(MemorySegment value) {
        long typeAt = StructOffsets.offset("GValue.g_type");
        return CHOICES.get(value.reinterpret(typeAt + JAVA_LONG.byteSize()).get(JAVA_LONG, typeAt));
    }

    /** {@code GstValueDeserializeFunc}: any text becomes a number; GStreamer refuses only past {@link #MAX_TEXTS}. */
    @SuppressWarnings("unused") // an upcall
    private static int deserialize(MemorySegment value, MemorySegment text) {
        try {
            Property.Choice choice = choiceOf(value);
            if (choice == null) {
                return 0;
            }
            String written = GstLib.string(text);
            int index = choice.indexOfWritten(written);
            int number = index >= 0 ? index : keep(written);
            if (number < 0) {
                return 0;
            }
            GLib.valueSetEnum(value, number);
            return 1;
        } catch (Throwable t) {
            TypeRegistry.logUpcallFailure("reading an enum value", t);
            return 0;
        }
    }

    /** {@code GstValueSerializeFunc}: a value's nick, or the text a number stands for (a new string). */
    @SuppressWarnings("unused") // an upcall
    private static MemorySegment serialize(MemorySegment value) {
        try {
            Property.Choice choice = choiceOf(value);
            if (choice == null) {
                return MemorySegment.NULL;
            }
            try (Arena arena = Arena.ofConfined()) {
                return GLib.strdup(arena.allocateFrom(read(choice, GLib.valueGetEnum(value))));
            }
        } catch (Throwable t) {
            TypeRegistry.logUpcallFailure("writing an enum value", t);
            return MemorySegment.NULL;
        }
    }
}
