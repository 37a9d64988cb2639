package org.ovgst.gst.gobject;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.StructOffsets;

/**
 * Makes the {@code GParamSpec} of a {@link Property}; its strings live as long as the process, as
 * GLib expects.
 *
 * <p>Ints and doubles get their real range and default, which gst-inspect-1.0 and applications read
 * from the usual {@code GParamSpecInt}/{@code GParamSpecDouble} fields, but GLib must not enforce
 * that range: it would refuse an out-of-range value with a g_warning and keep the old one, while a
 * wrong value of ours has to end in a bus ERROR that names the property (see {@link Property}). So
 * they are instances of subtypes of {@code GParamInt}/{@code GParamDouble} whose class has no
 * {@code value_validate}: {@code g_object_set_property} then takes every value as valid and hands
 * it to our {@code set_property} unchanged, where {@link Property#check} judges it (checked with GLib
 * 2.74; newer GLib's fast path also skips validation when there is none). {@code value_is_valid}
 * goes too, so that {@code g_param_value_is_valid} says the same. Enums likewise: a number that is
 * no value stands for a text the user wrote ({@link EnumValues}).
 */
final class ParamSpecs {
    private static final int READWRITE = 1 | 2;
    /** G_PARAM_STATIC_NAME | G_PARAM_STATIC_NICK | G_PARAM_STATIC_BLURB. */
    private static final int STATIC_STRINGS = 32 | 64 | 128;
    /** GST_PARAM_MUTABLE_READY and GST_PARAM_MUTABLE_PLAYING (gst/gstparamspecs.h). */
    private static final int MUTABLE_READY = 1 << 10;
    private static final int MUTABLE_PLAYING = 1 << 12;

    private static final long UNVALIDATED_INT = unvalidatedSubtype("GParamInt", "GstOvParamInt");
    private static final long UNVALIDATED_DOUBLE = unvalidatedSubtype("GParamDouble", "GstOvParamDouble");
    private static final long UNVALIDATED_ENUM = unvalidatedSubtype("GParamEnum", "GstOvParamEnum");

    private ParamSpecs() {}

    static MemorySegment create(Property<?> property) {
        MemorySegment name = GstLib.staticString(property.name());
        MemorySegment nick = name;
        MemorySegment blurb = GstLib.staticString(property.blurb());
        int flags = READWRITE | STATIC_STRINGS | switch (property.mutability()) {
            case READY_ONLY -> MUTABLE_READY;
            case WHILE_PLAYING -> MUTABLE_PLAYING;
        };
        return switch (property) {
            case Property.Int p -> {
                MemorySegment spec = instance(UNVALIDATED_INT, "GParamSpecInt", name, nick, blurb, flags);
                spec.set(JAVA_INT, StructOffsets.offset("GParamSpecInt.minimum"), p.min());
                spec.set(JAVA_INT, StructOffsets.offset("GParamSpecInt.maximum"), p.max());
                spec.set(JAVA_INT, StructOffsets.offset("GParamSpecInt.default_value"), p.defaultValue());
                yield spec;
            }
            case Property.Real p -> {
                MemorySegment spec = instance(UNVALIDATED_DOUBLE, "GParamSpecDouble", name, nick, blurb, flags);
                spec.set(JAVA_DOUBLE, StructOffsets.offset("GParamSpecDouble.minimum"), p.min());
                spec.set(JAVA_DOUBLE, StructOffsets.offset("GParamSpecDouble.maximum"), p.max());
                spec.set(JAVA_DOUBLE, StructOffsets.offset("GParamSpecDouble.default_value"), p.defaultValue());
                yield spec;
            }
            case Property.Bool p -> GLib.paramSpecBoolean(name, nick, blurb, p.defaultValue(), flags);
            case Property.Text p -> GLib.paramSpecString(name, nick, blurb,
                    p.defaultValue() == null ? MemorySegment.NULL : GstLib.staticString(p.defaultValue()), flags);
            case Property.Choice p -> {
                // As g_param_spec_enum makes it, of a type that lets the numbers of texts pass (EnumValues).
                long type = EnumValues.type(p);
                MemorySegment spec = instance(UNVALIDATED_ENUM, "GParamSpecEnum", name, nick, blurb, flags);
                spec.set(JAVA_LONG, StructOffsets.offset("GParamSpec.value_type"), type);
                spec.set(ADDRESS, StructOffsets.offset("GParamSpecEnum.enum_class"),
                        GLib.typeClassRef(type));
                spec.set(JAVA_INT, StructOffsets.offset("GParamSpecEnum.default_value"), p.indexOf(p.defaultValue()));
                yield spec;
            }
        };
    }

    /** A new (floating) spec of one of our param types, as g_param_spec_int does it: the caller fills its fields. */
    private static MemorySegment instance(long type, String struct, MemorySegment name, MemorySegment nick,
            MemorySegment blurb, int flags) {
        MemorySegment spec = GLib.paramSpecInternal(type, name, nick, blurb, flags);
        return spec.reinterpret(StructOffsets.size(struct));
    }

    /** Registers a subtype of a GLib param spec type and takes the validation out of its class. */
    private static long unvalidatedSubtype(String parentName, String name) {
        try (Arena arena = Arena.ofConfined()) {
            long parent = GLib.typeFromName(arena.allocateFrom(parentName));
            MemorySegment query = arena.allocate(StructOffsets.size("GTypeQuery"));
            GLib.typeQuery(parent, query);
            // GLib copies the type info; no class_init: the class starts as a copy of the parent's.
            MemorySegment info = arena.allocate(StructOffsets.size("GTypeInfo"));
            info.set(JAVA_SHORT, StructOffsets.offset("GTypeInfo.class_size"),
                    (short) query.get(JAVA_INT, StructOffsets.offset("GTypeQuery.class_size")));
            info.set(JAVA_SHORT, StructOffsets.offset("GTypeInfo.instance_size"),
                    (short) query.get(JAVA_INT, StructOffsets.offset("GTypeQuery.instance_size")));
            long type = GLib.typeRegisterStatic(parent, GstLib.staticString(name), info, 0);
            if (type == 0) {
                throw new IllegalStateException("GLib refused to register the param spec type " + name);
            }
            // Referenced for good (a static type's class lives as long as the process anyway), and
            // changed before any spec of the type exists.
            MemorySegment klass = (GLib.typeClassRef(type))
                    .reinterpret(StructOffsets.size("GParamSpecClass"));
            klass.set(ADDRESS, StructOffsets.offset("GParamSpecClass.value_validate"), MemorySegment.NULL);
            klass.set(ADDRESS, StructOffsets.offset("GParamSpecClass.value_is_valid"), MemorySegment.NULL);
            return type;
        }
    }
}
