package org.ovgst.gst;

import java.lang.foreign.MemorySegment;

/** Reads and writes property values in {@code GValue}s, by the kind of the property. */
final class GValues {
    private GValues() {}

    @SuppressWarnings("unchecked") // each kind reads the Java type its Property declares
    static <T> T read(Property<T> property, MemorySegment value) {
        Object read = switch (property) {
            case Property.Int p -> (int) GstLib.call("g_value_get_int", value);
            case Property.Bool p -> GstLib.isTrue(GstLib.call("g_value_get_boolean", value));
            case Property.Real p -> (double) GstLib.call("g_value_get_double", value);
            case Property.Text p -> GstLib.string((MemorySegment) GstLib.call("g_value_get_string", value));
            case Property.Choice p -> EnumValues.read(p, (int) GstLib.call("g_value_get_enum", value));
        };
        return (T) read;
    }

    static <T> void write(Property<T> property, T setting, MemorySegment value) {
        switch (property) {
            case Property.Int p -> GstLib.call("g_value_set_int", value, (int) (Integer) setting);
            case Property.Bool p -> GstLib.call("g_value_set_boolean", value, (Boolean) setting ? 1 : 0);
            case Property.Real p -> GstLib.call("g_value_set_double", value, (double) (Double) setting);
            case Property.Text p -> {
                try (var arena = java.lang.foreign.Arena.ofConfined()) {
                    GstLib.call("g_value_set_string", value,
                            setting == null ? MemorySegment.NULL : arena.allocateFrom((String) setting));
                }
            }
            case Property.Choice p -> GstLib.call("g_value_set_enum", value, EnumValues.number(p, (String) setting));
        }
    }
}
