package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ovgst.gst.binding.GstLib.GBOOLEAN;
import static org.ovgst.gst.binding.GstLib.GTYPE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to GStreamer core: initialization, plugins and element registration, elements, bins, objects, the bus,
 * messages, events and metas.
 * One method per C function this project calls, named after it; gboolean is {@code boolean}, GType a
 * {@code long}, pointers are {@link MemorySegment}s. Each is linked on its first call.
 */
public final class Gst {
    private static final NativeFunction DEBUG_CATEGORY_NEW = GstLib.LIBRARY.function("_gst_debug_category_new",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));

    public static MemorySegment debugCategoryNew(MemorySegment name, int color, MemorySegment description) {
        try {
            return (MemorySegment) DEBUG_CATEGORY_NEW.handle().invokeExact(name, color, description);
        } catch (Throwable t) {
            throw DEBUG_CATEGORY_NEW.failed(t);
        }
    }

    private static final NativeFunction BIN_ADD = GstLib.LIBRARY.function("gst_bin_add",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean binAdd(MemorySegment bin, MemorySegment element) {
        try {
            return (int) BIN_ADD.handle().invokeExact(bin, element) != 0;
        } catch (Throwable t) {
            throw BIN_ADD.failed(t);
        }
    }

    private static final NativeFunction BIN_GET_BY_NAME = GstLib.LIBRARY.function("gst_bin_get_by_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment binGetByName(MemorySegment bin, MemorySegment name) {
        try {
            return (MemorySegment) BIN_GET_BY_NAME.handle().invokeExact(bin, name);
        } catch (Throwable t) {
            throw BIN_GET_BY_NAME.failed(t);
        }
    }

    private static final NativeFunction BIN_GET_TYPE = GstLib.LIBRARY.function("gst_bin_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long binGetType() {
        try {
            return (long) BIN_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw BIN_GET_TYPE.failed(t);
        }
    }

    private static final NativeFunction BIN_RECALCULATE_LATENCY = GstLib.LIBRARY.function("gst_bin_recalculate_latency",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean binRecalculateLatency(MemorySegment bin) {
        try {
            return (int) BIN_RECALCULATE_LATENCY.handle().invokeExact(bin) != 0;
        } catch (Throwable t) {
            throw BIN_RECALCULATE_LATENCY.failed(t);
        }
    }

    private static final NativeFunction BUS_HAVE_PENDING = GstLib.LIBRARY.function("gst_bus_have_pending",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS));

    public static boolean busHavePending(MemorySegment bus) {
        try {
            return (int) BUS_HAVE_PENDING.handle().invokeExact(bus) != 0;
        } catch (Throwable t) {
            throw BUS_HAVE_PENDING.failed(t);
        }
    }

    private static final NativeFunction BUS_TIMED_POP_FILTERED = GstLib.LIBRARY.function("gst_bus_timed_pop_filtered",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));

    public static MemorySegment busTimedPopFiltered(MemorySegment bus, long timeout, int types) {
        try {
            return (MemorySegment) BUS_TIMED_POP_FILTERED.handle().invokeExact(bus, timeout, types);
        } catch (Throwable t) {
            throw BUS_TIMED_POP_FILTERED.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_ADD_PAD = GstLib.LIBRARY.function("gst_element_add_pad",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean elementAddPad(MemorySegment element, MemorySegment pad) {
        try {
            return (int) ELEMENT_ADD_PAD.handle().invokeExact(element, pad) != 0;
        } catch (Throwable t) {
            throw ELEMENT_ADD_PAD.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_CLASS_ADD_PAD_TEMPLATE = GstLib.LIBRARY.function("gst_element_class_add_pad_template",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void elementClassAddPadTemplate(MemorySegment klass, MemorySegment templ) {
        try {
            ELEMENT_CLASS_ADD_PAD_TEMPLATE.handle().invokeExact(klass, templ);
        } catch (Throwable t) {
            throw ELEMENT_CLASS_ADD_PAD_TEMPLATE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_CLASS_GET_PAD_TEMPLATE = GstLib.LIBRARY.function("gst_element_class_get_pad_template",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment elementClassGetPadTemplate(MemorySegment elementClass, MemorySegment name) {
        try {
            return (MemorySegment) ELEMENT_CLASS_GET_PAD_TEMPLATE.handle().invokeExact(elementClass, name);
        } catch (Throwable t) {
            throw ELEMENT_CLASS_GET_PAD_TEMPLATE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_CLASS_SET_STATIC_METADATA = GstLib.LIBRARY.function("gst_element_class_set_static_metadata",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static void elementClassSetStaticMetadata(
            MemorySegment klass, MemorySegment longname, MemorySegment classification, MemorySegment description, MemorySegment author) {
        try {
            ELEMENT_CLASS_SET_STATIC_METADATA.handle().invokeExact(klass, longname, classification, description, author);
        } catch (Throwable t) {
            throw ELEMENT_CLASS_SET_STATIC_METADATA.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_FACTORY_MAKE = GstLib.LIBRARY.function("gst_element_factory_make",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment elementFactoryMake(MemorySegment factoryname, MemorySegment name) {
        try {
            return (MemorySegment) ELEMENT_FACTORY_MAKE.handle().invokeExact(factoryname, name);
        } catch (Throwable t) {
            throw ELEMENT_FACTORY_MAKE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_GET_BUS = GstLib.LIBRARY.function("gst_element_get_bus",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment elementGetBus(MemorySegment element) {
        try {
            return (MemorySegment) ELEMENT_GET_BUS.handle().invokeExact(element);
        } catch (Throwable t) {
            throw ELEMENT_GET_BUS.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_GET_FACTORY = GstLib.LIBRARY.function("gst_element_get_factory",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment elementGetFactory(MemorySegment element) {
        try {
            return (MemorySegment) ELEMENT_GET_FACTORY.handle().invokeExact(element);
        } catch (Throwable t) {
            throw ELEMENT_GET_FACTORY.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_GET_STATE = GstLib.LIBRARY.function("gst_element_get_state",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));

    public static int elementGetState(MemorySegment element, MemorySegment state, MemorySegment pending, long timeout) {
        try {
            return (int) ELEMENT_GET_STATE.handle().invokeExact(element, state, pending, timeout);
        } catch (Throwable t) {
            throw ELEMENT_GET_STATE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_GET_STATIC_PAD = GstLib.LIBRARY.function("gst_element_get_static_pad",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment elementGetStaticPad(MemorySegment element, MemorySegment name) {
        try {
            return (MemorySegment) ELEMENT_GET_STATIC_PAD.handle().invokeExact(element, name);
        } catch (Throwable t) {
            throw ELEMENT_GET_STATIC_PAD.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_POST_MESSAGE = GstLib.LIBRARY.function("gst_element_post_message",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean elementPostMessage(MemorySegment element, MemorySegment message) {
        try {
            return (int) ELEMENT_POST_MESSAGE.handle().invokeExact(element, message) != 0;
        } catch (Throwable t) {
            throw ELEMENT_POST_MESSAGE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_QUERY = GstLib.LIBRARY.function("gst_element_query",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean elementQuery(MemorySegment element, MemorySegment query) {
        try {
            return (int) ELEMENT_QUERY.handle().invokeExact(element, query) != 0;
        } catch (Throwable t) {
            throw ELEMENT_QUERY.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_QUERY_POSITION = GstLib.LIBRARY.function("gst_element_query_position",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, JAVA_INT, ADDRESS));

    public static boolean elementQueryPosition(MemorySegment element, int format, MemorySegment cur) {
        try {
            return (int) ELEMENT_QUERY_POSITION.handle().invokeExact(element, format, cur) != 0;
        } catch (Throwable t) {
            throw ELEMENT_QUERY_POSITION.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_REGISTER = GstLib.LIBRARY.function("gst_element_register",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, JAVA_INT, GTYPE));

    public static boolean elementRegister(MemorySegment plugin, MemorySegment name, int rank, long typeValue) {
        try {
            return (int) ELEMENT_REGISTER.handle().invokeExact(plugin, name, rank, typeValue) != 0;
        } catch (Throwable t) {
            throw ELEMENT_REGISTER.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_SEND_EVENT = GstLib.LIBRARY.function("gst_element_send_event",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS));

    public static boolean elementSendEvent(MemorySegment element, MemorySegment event) {
        try {
            return (int) ELEMENT_SEND_EVENT.handle().invokeExact(element, event) != 0;
        } catch (Throwable t) {
            throw ELEMENT_SEND_EVENT.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_SET_LOCKED_STATE = GstLib.LIBRARY.function("gst_element_set_locked_state",
            FunctionDescriptor.of(GBOOLEAN, ADDRESS, GBOOLEAN));

    public static boolean elementSetLockedState(MemorySegment element, boolean lockedState) {
        try {
            return (int) ELEMENT_SET_LOCKED_STATE.handle().invokeExact(element, lockedState ? 1 : 0) != 0;
        } catch (Throwable t) {
            throw ELEMENT_SET_LOCKED_STATE.failed(t);
        }
    }

    private static final NativeFunction ELEMENT_SET_STATE = GstLib.LIBRARY.function("gst_element_set_state",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    public static int elementSetState(MemorySegment element, int state) {
        try {
            return (int) ELEMENT_SET_STATE.handle().invokeExact(element, state);
        } catch (Throwable t) {
            throw ELEMENT_SET_STATE.failed(t);
        }
    }

    private static final NativeFunction EVENT_NEW_EOS = GstLib.LIBRARY.function("gst_event_new_eos",
            FunctionDescriptor.of(ADDRESS));

    public static MemorySegment eventNewEos() {
        try {
            return (MemorySegment) EVENT_NEW_EOS.handle().invokeExact();
        } catch (Throwable t) {
            throw EVENT_NEW_EOS.failed(t);
        }
    }

    private static final NativeFunction EVENT_NEW_FLUSH_START = GstLib.LIBRARY.function("gst_event_new_flush_start",
            FunctionDescriptor.of(ADDRESS));

    public static MemorySegment eventNewFlushStart() {
        try {
            return (MemorySegment) EVENT_NEW_FLUSH_START.handle().invokeExact();
        } catch (Throwable t) {
            throw EVENT_NEW_FLUSH_START.failed(t);
        }
    }

    private static final NativeFunction EVENT_NEW_FLUSH_STOP = GstLib.LIBRARY.function("gst_event_new_flush_stop",
            FunctionDescriptor.of(ADDRESS, GBOOLEAN));

    public static MemorySegment eventNewFlushStop(boolean resetTime) {
        try {
            return (MemorySegment) EVENT_NEW_FLUSH_STOP.handle().invokeExact(resetTime ? 1 : 0);
        } catch (Throwable t) {
            throw EVENT_NEW_FLUSH_STOP.failed(t);
        }
    }

    private static final NativeFunction INIT = GstLib.LIBRARY.function("gst_init",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    public static void init(MemorySegment argc, MemorySegment argv) {
        try {
            INIT.handle().invokeExact(argc, argv);
        } catch (Throwable t) {
            throw INIT.failed(t);
        }
    }

    private static final NativeFunction IS_INITIALIZED = GstLib.LIBRARY.function("gst_is_initialized",
            FunctionDescriptor.of(GBOOLEAN));

    public static boolean isInitialized() {
        try {
            return (int) IS_INITIALIZED.handle().invokeExact() != 0;
        } catch (Throwable t) {
            throw IS_INITIALIZED.failed(t);
        }
    }

    private static final NativeFunction LIBRARY_ERROR_QUARK = GstLib.LIBRARY.function("gst_library_error_quark",
            FunctionDescriptor.of(JAVA_INT));

    public static int libraryErrorQuark() {
        try {
            return (int) LIBRARY_ERROR_QUARK.handle().invokeExact();
        } catch (Throwable t) {
            throw LIBRARY_ERROR_QUARK.failed(t);
        }
    }

    private static final NativeFunction MESSAGE_NEW_ERROR = GstLib.LIBRARY.function("gst_message_new_error",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment messageNewError(MemorySegment src, MemorySegment error, MemorySegment debug) {
        try {
            return (MemorySegment) MESSAGE_NEW_ERROR.handle().invokeExact(src, error, debug);
        } catch (Throwable t) {
            throw MESSAGE_NEW_ERROR.failed(t);
        }
    }

    private static final NativeFunction MESSAGE_NEW_LATENCY = GstLib.LIBRARY.function("gst_message_new_latency",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment messageNewLatency(MemorySegment src) {
        try {
            return (MemorySegment) MESSAGE_NEW_LATENCY.handle().invokeExact(src);
        } catch (Throwable t) {
            throw MESSAGE_NEW_LATENCY.failed(t);
        }
    }

    private static final NativeFunction MESSAGE_NEW_WARNING = GstLib.LIBRARY.function("gst_message_new_warning",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment messageNewWarning(MemorySegment src, MemorySegment error, MemorySegment debug) {
        try {
            return (MemorySegment) MESSAGE_NEW_WARNING.handle().invokeExact(src, error, debug);
        } catch (Throwable t) {
            throw MESSAGE_NEW_WARNING.failed(t);
        }
    }

    private static final NativeFunction MESSAGE_PARSE_ERROR = GstLib.LIBRARY.function("gst_message_parse_error",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    public static void messageParseError(MemorySegment message, MemorySegment gerror, MemorySegment debug) {
        try {
            MESSAGE_PARSE_ERROR.handle().invokeExact(message, gerror, debug);
        } catch (Throwable t) {
            throw MESSAGE_PARSE_ERROR.failed(t);
        }
    }

    private static final NativeFunction MESSAGE_PARSE_WARNING = GstLib.LIBRARY.function("gst_message_parse_warning",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    public static void messageParseWarning(MemorySegment message, MemorySegment gerror, MemorySegment debug) {
        try {
            MESSAGE_PARSE_WARNING.handle().invokeExact(message, gerror, debug);
        } catch (Throwable t) {
            throw MESSAGE_PARSE_WARNING.failed(t);
        }
    }

    private static final NativeFunction META_GET_INFO = GstLib.LIBRARY.function("gst_meta_get_info",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment metaGetInfo(MemorySegment impl) {
        try {
            return (MemorySegment) META_GET_INFO.handle().invokeExact(impl);
        } catch (Throwable t) {
            throw META_GET_INFO.failed(t);
        }
    }

    private static final NativeFunction META_REGISTER_CUSTOM = GstLib.LIBRARY.function("gst_meta_register_custom",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment metaRegisterCustom(
            MemorySegment name, MemorySegment tags, MemorySegment transformFunc, MemorySegment userData, MemorySegment destroyData) {
        try {
            return (MemorySegment) META_REGISTER_CUSTOM.handle().invokeExact(name, tags, transformFunc, userData, destroyData);
        } catch (Throwable t) {
            throw META_REGISTER_CUSTOM.failed(t);
        }
    }

    private static final NativeFunction MINI_OBJECT_REF = GstLib.LIBRARY.function("gst_mini_object_ref",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment miniObjectRef(MemorySegment miniObject) {
        try {
            return (MemorySegment) MINI_OBJECT_REF.handle().invokeExact(miniObject);
        } catch (Throwable t) {
            throw MINI_OBJECT_REF.failed(t);
        }
    }

    private static final NativeFunction MINI_OBJECT_UNREF = GstLib.LIBRARY.function("gst_mini_object_unref",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void miniObjectUnref(MemorySegment miniObject) {
        try {
            MINI_OBJECT_UNREF.handle().invokeExact(miniObject);
        } catch (Throwable t) {
            throw MINI_OBJECT_UNREF.failed(t);
        }
    }

    private static final NativeFunction OBJECT_GET_NAME = GstLib.LIBRARY.function("gst_object_get_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment objectGetName(MemorySegment object) {
        try {
            return (MemorySegment) OBJECT_GET_NAME.handle().invokeExact(object);
        } catch (Throwable t) {
            throw OBJECT_GET_NAME.failed(t);
        }
    }

    private static final NativeFunction OBJECT_GET_PARENT = GstLib.LIBRARY.function("gst_object_get_parent",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment objectGetParent(MemorySegment object) {
        try {
            return (MemorySegment) OBJECT_GET_PARENT.handle().invokeExact(object);
        } catch (Throwable t) {
            throw OBJECT_GET_PARENT.failed(t);
        }
    }

    private static final NativeFunction OBJECT_GET_PATH_STRING = GstLib.LIBRARY.function("gst_object_get_path_string",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment objectGetPathString(MemorySegment object) {
        try {
            return (MemorySegment) OBJECT_GET_PATH_STRING.handle().invokeExact(object);
        } catch (Throwable t) {
            throw OBJECT_GET_PATH_STRING.failed(t);
        }
    }

    private static final NativeFunction OBJECT_REF = GstLib.LIBRARY.function("gst_object_ref",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment objectRef(MemorySegment object) {
        try {
            return (MemorySegment) OBJECT_REF.handle().invokeExact(object);
        } catch (Throwable t) {
            throw OBJECT_REF.failed(t);
        }
    }

    private static final NativeFunction OBJECT_UNREF = GstLib.LIBRARY.function("gst_object_unref",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void objectUnref(MemorySegment object) {
        try {
            OBJECT_UNREF.handle().invokeExact(object);
        } catch (Throwable t) {
            throw OBJECT_UNREF.failed(t);
        }
    }

    private static final NativeFunction PARSE_LAUNCH = GstLib.LIBRARY.function("gst_parse_launch",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    public static MemorySegment parseLaunch(MemorySegment pipelineDescription, MemorySegment error) {
        try {
            return (MemorySegment) PARSE_LAUNCH.handle().invokeExact(pipelineDescription, error);
        } catch (Throwable t) {
            throw PARSE_LAUNCH.failed(t);
        }
    }

    private static final NativeFunction PLUGIN_GET_FILENAME = GstLib.LIBRARY.function("gst_plugin_get_filename",
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    public static MemorySegment pluginGetFilename(MemorySegment plugin) {
        try {
            return (MemorySegment) PLUGIN_GET_FILENAME.handle().invokeExact(plugin);
        } catch (Throwable t) {
            throw PLUGIN_GET_FILENAME.failed(t);
        }
    }

    private static final NativeFunction RESOURCE_ERROR_QUARK = GstLib.LIBRARY.function("gst_resource_error_quark",
            FunctionDescriptor.of(JAVA_INT));

    public static int resourceErrorQuark() {
        try {
            return (int) RESOURCE_ERROR_QUARK.handle().invokeExact();
        } catch (Throwable t) {
            throw RESOURCE_ERROR_QUARK.failed(t);
        }
    }

    private static final NativeFunction STREAM_ERROR_QUARK = GstLib.LIBRARY.function("gst_stream_error_quark",
            FunctionDescriptor.of(JAVA_INT));

    public static int streamErrorQuark() {
        try {
            return (int) STREAM_ERROR_QUARK.handle().invokeExact();
        } catch (Throwable t) {
            throw STREAM_ERROR_QUARK.failed(t);
        }
    }

    private static final NativeFunction UTIL_SET_OBJECT_ARG = GstLib.LIBRARY.function("gst_util_set_object_arg",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    public static void utilSetObjectArg(MemorySegment object, MemorySegment name, MemorySegment value) {
        try {
            UTIL_SET_OBJECT_ARG.handle().invokeExact(object, name, value);
        } catch (Throwable t) {
            throw UTIL_SET_OBJECT_ARG.failed(t);
        }
    }

    private static final NativeFunction VALUE_ARRAY_GET_TYPE = GstLib.LIBRARY.function("gst_value_array_get_type",
            FunctionDescriptor.of(GTYPE));

    public static long valueArrayGetType() {
        try {
            return (long) VALUE_ARRAY_GET_TYPE.handle().invokeExact();
        } catch (Throwable t) {
            throw VALUE_ARRAY_GET_TYPE.failed(t);
        }
    }

    private static final NativeFunction VALUE_REGISTER = GstLib.LIBRARY.function("gst_value_register",
            FunctionDescriptor.ofVoid(ADDRESS));

    public static void valueRegister(MemorySegment table) {
        try {
            VALUE_REGISTER.handle().invokeExact(table);
        } catch (Throwable t) {
            throw VALUE_REGISTER.failed(t);
        }
    }

    private Gst() {}
}
