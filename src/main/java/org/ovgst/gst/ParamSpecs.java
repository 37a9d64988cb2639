package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Makes the {@code GParamSpec} of a {@link Property}; its strings live as long as the process, as GLib expects. */
final class ParamSpecs {
    /** READWRITE | STATIC_STRINGS | GST_PARAM_MUTABLE_READY. */
    private static final int FLAGS = 3 | 224 | 1024;

    private ParamSpecs() {}

    static MemorySegment create(Property property) {
        MemorySegment name = GstLib.staticString(property.name());
        MemorySegment nick = name;
        MemorySegment blurb = GstLib.staticString(property.blurb());
        return (MemorySegment) switch (property) {
            case Property.Int p -> GstLib.call("g_param_spec_int", name, nick, blurb, Integer.MIN_VALUE,
                    Integer.MAX_VALUE, p.defaultValue(), FLAGS);
            case Property.Bool p -> GstLib.call("g_param_spec_boolean", name, nick, blurb,
                    p.defaultValue() ? 1 : 0, FLAGS);
            case Property.Real p -> GstLib.call("g_param_spec_double", name, nick, blurb, -Double.MAX_VALUE,
                    Double.MAX_VALUE, p.defaultValue(), FLAGS);
            case Property.Text p -> GstLib.call("g_param_spec_string", name, nick, blurb,
                    p.defaultValue() == null ? MemorySegment.NULL : GstLib.staticString(p.defaultValue()), FLAGS);
            case Property.Choice p -> GstLib.call("g_param_spec_enum", name, nick, blurb, enumType(p),
                    p.values().indexOf(p.defaultValue()), FLAGS);
        };
    }

    /** Registers the enum type of a choice (once): values 0..n-1, with the choices as nicks. */
    private static long enumType(Property.Choice choice) {
        MemorySegment typeName = GstLib.staticString(choice.typeName());
        long existing = (long) GstLib.call("g_type_from_name", typeName);
        if (existing != 0) {
            return existing;
        }
        long entrySize = StructOffsets.size("GEnumValue");
        // GLib keeps this table for the life of the type: a terminating all-zero entry ends it.
        MemorySegment table = Arena.global().allocate(entrySize * (choice.values().size() + 1));
        for (int i = 0; i < choice.values().size(); i++) {
            String nick = choice.values().get(i);
            long at = i * entrySize;
            table.set(JAVA_INT, at + StructOffsets.offset("GEnumValue.value"), i);
            table.set(ADDRESS, at + StructOffsets.offset("GEnumValue.value_name"), GstLib.staticString(nick));
            table.set(ADDRESS, at + StructOffsets.offset("GEnumValue.value_nick"), GstLib.staticString(nick));
        }
        return (long) GstLib.call("g_enum_register_static", typeName, table);
    }
}
