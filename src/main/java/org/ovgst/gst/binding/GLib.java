package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ovgst.ffm.NativeLibrary.C_STRING;
import static org.ovgst.gst.binding.GstLib.GBOOLEAN;
import static org.ovgst.gst.binding.GstLib.GTYPE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to GLib and GObject: types, GValues, param specs, signals, errors, memory.
 * One method per C function this project calls, named after it; gboolean is {@code boolean}, GType a
 * {@code long}, pointers are {@link MemorySegment}s. Each is linked on its first call.
 */
public final class GLib {
    private static final NativeFunction BYTES_GET_TYPE = GstLib.LIBRARY.function("g_bytes_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long bytesGetType() {
        try {
            return (long) BYTES_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw BYTES_GET_TYPE.failed(t);
        }
    }

    private static final NativeFunction ENUM_REGISTER_STATIC = GstLib.LIBRARY.function("g_enum_register_static",
            FunctionDescriptor.of(GTYPE, ADDRESS, ADDRESS));

    public static long enumRegisterStatic(MemorySegment name, MemorySegment constStaticValues) {
        try {
            return (long) ENUM_REGISTER_STATIC.handle().invokeExact(name, constStaticValues);
        } catch (Throwable t) {
            throw ENUM_REGISTER_STATIC.failed(t);
        }
    }

    private static final NativeFunction ERROR_FREE = GstLib.LIBRARY.function("g_error_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void errorFree(MemorySegment error) {
        try {
            ERROR_FREE.handle().invokeExact(error);
        } catch (Throwable t) {
            throw ERROR_FREE.failed(t);
        }
    }

    private static final NativeFunction ERROR_NEW_LITERAL = GstLib.LIBRARY.function("g_error_new_literal",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    public static MemorySegment errorNewLiteral(int domain, int code, MemorySegment message) {
        try {
            return (MemorySegment) ERROR_NEW_LITERAL.handle().invokeExact(domain, code, message);
        } catch (Throwable t) {
            throw ERROR_NEW_LITERAL.failed(t);
        }
    }

    private static final NativeFunction FREE = GstLib.LIBRARY.function("g_free", FunctionDescriptor.ofVoid(ADDRESS));

    public static void free(MemorySegment mem) {
        try {
            FREE.handle().invokeExact(mem);
        } catch (Throwable t) {
            throw FREE.failed(t);
        }
    }

    private static final NativeFunction MUTEX_LOCK = GstLib.LIBRARY.function("g_mutex_lock",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void mutexLock(MemorySegment mutex) {
        try {
            MUTEX_LOCK.handle().invokeExact(mutex);
        } catch (Throwable t) {
            throw MUTEX_LOCK.failed(t);
        }
    }

    private static final NativeFunction MUTEX_UNLOCK = GstLib.LIBRARY.function("g_mutex_unlock",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void mutexUnlock(MemorySegment mutex) {
        try {
            MUTEX_UNLOCK.handle().invokeExact(mutex);
        } catch (Throwable t) {
            throw MUTEX_UNLOCK.failed(t);
        }
    }

    private static final NativeFunction OBJECT_CLASS_INSTALL_PROPERTY = GstLib.LIBRARY.function("g_object_class_install_property",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));

    public static void objectClassInstallProperty(MemorySegment oclass, int propertyId, MemorySegment pspec) {
        try {
            OBJECT_CLASS_INSTALL_PROPERTY.handle().invokeExact(oclass, propertyId, pspec);
        } catch (Throwable t) {
            throw OBJECT_CLASS_INSTALL_PROPERTY.failed(t);
        }
    }

    private static final NativeFunction OBJECT_GET_PROPERTY = GstLib.LIBRARY.function("g_object_get_property",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    public static void objectGetProperty(MemorySegment object, MemorySegment propertyName, MemorySegment value) {
        try {
            OBJECT_GET_PROPERTY.handle().invokeExact(object, propertyName, value);
        } catch (Throwable t) {
            throw OBJECT_GET_PROPERTY.failed(t);
        }
    }

    private static final NativeFunction PARAM_SPEC_BOOLEAN = GstLib.LIBRARY.function("g_param_spec_boolean",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, GBOOLEAN, JAVA_INT));

    public static MemorySegment paramSpecBoolean(
            MemorySegment name, MemorySegment nick, MemorySegment blurb, boolean defaultValue, int flags) {
        try {
            return (MemorySegment) PARAM_SPEC_BOOLEAN.handle().invokeExact(name, nick, blurb, defaultValue ? 1 : 0, flags);
        } catch (Throwable t) {
            throw PARAM_SPEC_BOOLEAN.failed(t);
        }
    }

    private static final NativeFunction PARAM_SPEC_INTERNAL = GstLib.LIBRARY.function("g_param_spec_internal",
            FunctionDescriptor.of(ADDRESS, GTYPE, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    public static MemorySegment paramSpecInternal(
            long paramType, MemorySegment name, MemorySegment nick, MemorySegment blurb, int flags) {
        try {
            return (MemorySegment) PARAM_SPEC_INTERNAL.handle().invokeExact(paramType, name, nick, blurb, flags);
        } catch (Throwable t) {
            throw PARAM_SPEC_INTERNAL.failed(t);
        }
    }

    private static final NativeFunction PARAM_SPEC_STRING = GstLib.LIBRARY.function("g_param_spec_string",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    public static MemorySegment paramSpecString(
            MemorySegment name, MemorySegment nick, MemorySegment blurb, MemorySegment defaultValue, int flags) {
        try {
            return (MemorySegment) PARAM_SPEC_STRING.handle().invokeExact(name, nick, blurb, defaultValue, flags);
        } catch (Throwable t) {
            throw PARAM_SPEC_STRING.failed(t);
        }
    }

    private static final NativeFunction QUARK_FROM_STRING = GstLib.LIBRARY.function("g_quark_from_string",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int quarkFromString(MemorySegment string) {
        try {
            return (int) QUARK_FROM_STRING.handle().invokeExact(string);
        } catch (Throwable t) {
            throw QUARK_FROM_STRING.failed(t);
        }
    }

    private static final NativeFunction SIGNAL_CONNECT_DATA = GstLib.LIBRARY.function("g_signal_connect_data",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));

    public static long signalConnectData(
            MemorySegment instance, MemorySegment detailedSignal, MemorySegment cHandler, MemorySegment data, MemorySegment destroyData, int connectFlags) {
        try {
            return (long) SIGNAL_CONNECT_DATA.handle().invokeExact(instance, detailedSignal, cHandler, data, destroyData, connectFlags);
        } catch (Throwable t) {
            throw SIGNAL_CONNECT_DATA.failed(t);
        }
    }

    private static final NativeFunction SIGNAL_HANDLER_DISCONNECT = GstLib.LIBRARY.function("g_signal_handler_disconnect",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));

    public static void signalHandlerDisconnect(MemorySegment instance, long handlerId) {
        try {
            SIGNAL_HANDLER_DISCONNECT.handle().invokeExact(instance, handlerId);
        } catch (Throwable t) {
            throw SIGNAL_HANDLER_DISCONNECT.failed(t);
        }
    }

    private static final NativeFunction STRDUP = GstLib.LIBRARY.function("g_strdup",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment strdup(MemorySegment str) {
        try {
            return (MemorySegment) STRDUP.handle().invokeExact(str);
        } catch (Throwable t) {
            throw STRDUP.failed(t);
        }
    }

    private static final NativeFunction TYPE_CLASS_PEEK_PARENT = GstLib.LIBRARY.function("g_type_class_peek_parent",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment typeClassPeekParent(MemorySegment gClass) {
        try {
            return (MemorySegment) TYPE_CLASS_PEEK_PARENT.handle().invokeExact(gClass);
        } catch (Throwable t) {
            throw TYPE_CLASS_PEEK_PARENT.failed(t);
        }
    }

    private static final NativeFunction TYPE_CLASS_REF = GstLib.LIBRARY.function("g_type_class_ref",
            FunctionDescriptor.of(ADDRESS, GTYPE));

    public static MemorySegment typeClassRef(long typeValue) {
        try {
            return (MemorySegment) TYPE_CLASS_REF.handle().invokeExact(typeValue);
        } catch (Throwable t) {
            throw TYPE_CLASS_REF.failed(t);
        }
    }

    private static final NativeFunction TYPE_FROM_NAME = GstLib.LIBRARY.function("g_type_from_name",
            FunctionDescriptor.of(GTYPE, ADDRESS));

    public static long typeFromName(MemorySegment name) {
        try {
            return (long) TYPE_FROM_NAME.handle().invokeExact(name);
        } catch (Throwable t) {
            throw TYPE_FROM_NAME.failed(t);
        }
    }

    private static final NativeFunction TYPE_QUERY = GstLib.LIBRARY.function("g_type_query",
            FunctionDescriptor.ofVoid(GTYPE, ADDRESS));

    public static void typeQuery(long typeValue, MemorySegment query) {
        try {
            TYPE_QUERY.handle().invokeExact(typeValue, query);
        } catch (Throwable t) {
            throw TYPE_QUERY.failed(t);
        }
    }

    private static final NativeFunction TYPE_REGISTER_STATIC = GstLib.LIBRARY.function("g_type_register_static",
            FunctionDescriptor.of(GTYPE, GTYPE, ADDRESS, ADDRESS, JAVA_INT));

    public static long typeRegisterStatic(long parentType, MemorySegment typeName, MemorySegment info, int flags) {
        try {
            return (long) TYPE_REGISTER_STATIC.handle().invokeExact(parentType, typeName, info, flags);
        } catch (Throwable t) {
            throw TYPE_REGISTER_STATIC.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_BOOLEAN = GstLib.LIBRARY.function("g_value_get_boolean",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean valueGetBoolean(MemorySegment value) {
        try {
            return (int) VALUE_GET_BOOLEAN.handle().invokeExact(value) != 0;
        } catch (Throwable t) {
            throw VALUE_GET_BOOLEAN.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_BOXED = GstLib.LIBRARY.function("g_value_get_boxed",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment valueGetBoxed(MemorySegment value) {
        try {
            return (MemorySegment) VALUE_GET_BOXED.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_GET_BOXED.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_DOUBLE = GstLib.LIBRARY.function("g_value_get_double",
            FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));

    public static double valueGetDouble(MemorySegment value) {
        try {
            return (double) VALUE_GET_DOUBLE.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_GET_DOUBLE.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_ENUM = GstLib.LIBRARY.function("g_value_get_enum",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int valueGetEnum(MemorySegment value) {
        try {
            return (int) VALUE_GET_ENUM.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_GET_ENUM.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_INT = GstLib.LIBRARY.function("g_value_get_int",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    public static int valueGetInt(MemorySegment value) {
        try {
            return (int) VALUE_GET_INT.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_GET_INT.failed(t);
        }
    }

    private static final NativeFunction VALUE_GET_STRING = GstLib.LIBRARY.function("g_value_get_string",
            FunctionDescriptor.of(C_STRING, ADDRESS));

    public static MemorySegment valueGetString(MemorySegment value) {
        try {
            return (MemorySegment) VALUE_GET_STRING.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_GET_STRING.failed(t);
        }
    }

    private static final NativeFunction VALUE_INIT = GstLib.LIBRARY.function("g_value_init",
            FunctionDescriptor.of(ADDRESS, ADDRESS, GTYPE));

    public static MemorySegment valueInit(MemorySegment value, long gType) {
        try {
            return (MemorySegment) VALUE_INIT.handle().invokeExact(value, gType);
        } catch (Throwable t) {
            throw VALUE_INIT.failed(t);
        }
    }

    private static final NativeFunction VALUE_SET_BOOLEAN = GstLib.LIBRARY.function("g_value_set_boolean",
            FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN));

    public static void valueSetBoolean(MemorySegment value, boolean vBoolean) {
        try {
            VALUE_SET_BOOLEAN.handle().invokeExact(value, vBoolean ? 1 : 0);
        } catch (Throwable t) {
            throw VALUE_SET_BOOLEAN.failed(t);
        }
    }

    private static final NativeFunction VALUE_SET_DOUBLE = GstLib.LIBRARY.function("g_value_set_double",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_DOUBLE));

    public static void valueSetDouble(MemorySegment value, double vDouble) {
        try {
            VALUE_SET_DOUBLE.handle().invokeExact(value, vDouble);
        } catch (Throwable t) {
            throw VALUE_SET_DOUBLE.failed(t);
        }
    }

    private static final NativeFunction VALUE_SET_ENUM = GstLib.LIBRARY.function("g_value_set_enum",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    public static void valueSetEnum(MemorySegment value, int vEnum) {
        try {
            VALUE_SET_ENUM.handle().invokeExact(value, vEnum);
        } catch (Throwable t) {
            throw VALUE_SET_ENUM.failed(t);
        }
    }

    private static final NativeFunction VALUE_SET_INT = GstLib.LIBRARY.function("g_value_set_int",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    public static void valueSetInt(MemorySegment value, int vInt) {
        try {
            VALUE_SET_INT.handle().invokeExact(value, vInt);
        } catch (Throwable t) {
            throw VALUE_SET_INT.failed(t);
        }
    }

    private static final NativeFunction VALUE_SET_STRING = GstLib.LIBRARY.function("g_value_set_string",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void valueSetString(MemorySegment value, MemorySegment vString) {
        try {
            VALUE_SET_STRING.handle().invokeExact(value, vString);
        } catch (Throwable t) {
            throw VALUE_SET_STRING.failed(t);
        }
    }

    private static final NativeFunction VALUE_UNSET = GstLib.LIBRARY.function("g_value_unset",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void valueUnset(MemorySegment value) {
        try {
            VALUE_UNSET.handle().invokeExact(value);
        } catch (Throwable t) {
            throw VALUE_UNSET.failed(t);
        }
    }

    private GLib() {}
}
