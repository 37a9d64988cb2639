package org.ovgst.gst.gobject;

import java.lang.foreign.MemorySegment;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.GstLib;

/** Reads and writes property values in {@code GValue}s, by the kind of the property. */
final class GValues {
    private GValues() {}

    @SuppressWarnings("unchecked") // each kind reads the Java type its Property declares
    static <T> T read(Property<T> property, MemorySegment value) {
        Object read = switch (property) {
            case Property.Int p -> GLib.valueGetInt(value);
            case Property.Bool p -> GLib.valueGetBoolean(value);
            case Property.Real p -> GLib.valueGetDouble(value);
            case Property.Text p -> GstLib.string(GLib.valueGetString(value));
            case Property.Choice p -> EnumValues.read(p, GLib.valueGetEnum(value));
        };
        return (T) read;
    }

    static <T> void write(Property<T> property, T setting, MemorySegment value) {
        switch (property) {
            case Property.Int p -> GLib.valueSetInt(value, (int) (Integer) setting);
            case Property.Bool p -> GLib.valueSetBoolean(value, (Boolean) setting);
            case Property.Real p -> GLib.valueSetDouble(value, (double) (Double) setting);
            case Property.Text p -> {
                try (var arena = java.lang.foreign.Arena.ofConfined()) {
                    GLib.valueSetString(value,
                            setting == null ? MemorySegment.NULL : arena.allocateFrom((String) setting));
                }
            }
            case Property.Choice p -> GLib.valueSetEnum(value, EnumValues.number(p, (String) setting));
        }
    }
}
