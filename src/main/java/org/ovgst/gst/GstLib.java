package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The raw binding to GLib, GObject and GStreamer 1.22 (core, app, video): the C functions this
 * project calls, as downcall handles. The libraries are the ones the process already has when
 * GStreamer loaded us (dlopen of the same soname returns the same library).
 */
final class GstLib {
    /** A pointer to a NUL-terminated string of unknown length. */
    static final AddressLayout C_STRING = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    /** GType is a gsize. */
    static final MemoryLayout GTYPE = JAVA_LONG;
    /** gboolean is a gint. */
    static final MemoryLayout GBOOLEAN = JAVA_INT;
    // GLib's fundamental types (gtype.h: G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2), for varargs setters
    static final long G_TYPE_INT = 6 << 2;
    static final long G_TYPE_DOUBLE = 15 << 2;
    static final long G_TYPE_STRING = 16 << 2;

    private static final SymbolLookup SYMBOLS = lookup("libglib-2.0.so.0", "libgobject-2.0.so.0",
            "libgstreamer-1.0.so.0", "libgstbase-1.0.so.0", "libgstapp-1.0.so.0", "libgstvideo-1.0.so.0");

    private static final FunctionDescriptor P_P = FunctionDescriptor.of(ADDRESS, ADDRESS);
    private static final FunctionDescriptor P_PP = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor V_P = FunctionDescriptor.ofVoid(ADDRESS);
    private static final FunctionDescriptor V_PP = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
    private static final FunctionDescriptor B_PP = FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS);
    private static final FunctionDescriptor P_V = FunctionDescriptor.of(ADDRESS);
    private static final FunctionDescriptor T_V = FunctionDescriptor.of(GTYPE);

    private static final Map<String, FunctionDescriptor> FUNCTIONS = Map.ofEntries(
            // GLib
            Map.entry("g_free", V_P),
            Map.entry("g_strdup", P_P),
            Map.entry("g_quark_from_string", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("g_error_new_literal", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)),
            Map.entry("g_error_free", V_P),
            // GObject types
            Map.entry("g_type_from_name", FunctionDescriptor.of(GTYPE, ADDRESS)),
            Map.entry("g_type_register_static", FunctionDescriptor.of(GTYPE, GTYPE, ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("g_type_query", FunctionDescriptor.ofVoid(GTYPE, ADDRESS)),
            Map.entry("g_type_class_peek_parent", P_P),
            Map.entry("g_type_class_ref", FunctionDescriptor.of(ADDRESS, GTYPE)),
            Map.entry("g_enum_register_static", FunctionDescriptor.of(GTYPE, ADDRESS, ADDRESS)),
            Map.entry("g_object_class_install_property", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS)),
            Map.entry("g_param_spec_string", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("g_param_spec_internal",
                    FunctionDescriptor.of(ADDRESS, GTYPE, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("g_param_spec_boolean",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, GBOOLEAN, JAVA_INT)),
            Map.entry("gst_value_register", V_P),
            Map.entry("g_value_init", FunctionDescriptor.of(ADDRESS, ADDRESS, GTYPE)),
            Map.entry("g_value_unset", V_P),
            Map.entry("g_value_get_string", FunctionDescriptor.of(C_STRING, ADDRESS)),
            Map.entry("g_value_set_string", V_PP),
            Map.entry("g_value_get_int", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("g_value_set_int", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT)),
            Map.entry("g_value_get_boolean", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("g_value_set_boolean", FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN)),
            Map.entry("g_value_get_double", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS)),
            Map.entry("g_value_set_double", FunctionDescriptor.ofVoid(ADDRESS, JAVA_DOUBLE)),
            Map.entry("g_value_get_enum", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("g_value_set_enum", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT)),
            // GStreamer core
            Map.entry("gst_is_initialized", FunctionDescriptor.of(GBOOLEAN)),
            Map.entry("gst_init", V_PP),
            Map.entry("gst_bin_get_type", T_V),
            Map.entry("gst_plugin_get_filename", P_P),
            Map.entry("gst_element_register", FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, JAVA_INT, GTYPE)),
            Map.entry("gst_element_class_set_static_metadata",
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_element_class_add_pad_template", V_PP),
            Map.entry("gst_pad_template_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)),
            Map.entry("gst_caps_from_string", P_P),
            Map.entry("gst_caps_to_string", FunctionDescriptor.of(C_STRING, ADDRESS)),
            Map.entry("gst_element_factory_make", P_PP),
            Map.entry("gst_bin_add", B_PP),
            Map.entry("gst_element_get_static_pad", P_PP),
            Map.entry("gst_element_class_get_pad_template", P_PP),
            Map.entry("gst_ghost_pad_new_from_template", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_query_parse_caps_result", V_PP),
            Map.entry("gst_query_set_caps_result", V_PP),
            Map.entry("gst_caps_intersect", P_PP),
            Map.entry("gst_caps_intersect_full", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("gst_pad_peer_query_caps", P_PP),
            Map.entry("gst_pad_has_current_caps", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("gst_query_parse_caps", V_PP),
            Map.entry("gst_query_parse_accept_caps", V_PP),
            Map.entry("gst_query_parse_accept_caps_result", V_PP),
            Map.entry("gst_event_parse_caps", V_PP),
            Map.entry("gst_caps_is_fixed", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("gst_pad_query_accept_caps", B_PP),
            Map.entry("gst_pad_is_linked", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("gst_pad_get_peer", P_P),
            Map.entry("gst_pad_get_current_caps", P_P),
            Map.entry("gst_pad_get_direction", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("gst_object_get_parent", P_P),
            Map.entry("gst_object_ref", P_P),
            Map.entry("g_mutex_lock", V_P),
            Map.entry("g_mutex_unlock", V_P),
            Map.entry("g_signal_connect_data",
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("g_signal_handler_disconnect", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG)),
            Map.entry("gst_pad_get_parent_element", P_P),
            Map.entry("gst_query_set_accept_caps_result", FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN)),
            Map.entry("gst_caps_is_subset", B_PP),
            Map.entry("gst_caps_is_empty", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("gst_query_new_allocation", FunctionDescriptor.of(ADDRESS, ADDRESS, GBOOLEAN)),
            Map.entry("gst_query_get_n_allocation_pools", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("gst_query_parse_nth_allocation_pool",
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_buffer_pool_get_config", P_P),
            Map.entry("gst_buffer_pool_config_set_params",
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT)),
            Map.entry("gst_buffer_pool_set_config", B_PP),
            Map.entry("gst_buffer_pool_set_active", FunctionDescriptor.of(GBOOLEAN, ADDRESS, GBOOLEAN)),
            Map.entry("gst_meta_api_type_has_tag", FunctionDescriptor.of(GBOOLEAN, GTYPE, JAVA_INT)),
            Map.entry("gst_meta_get_info", P_P),
            Map.entry("gst_element_get_factory", P_P),
            Map.entry("_gst_debug_category_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
            Map.entry("gst_bus_have_pending", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("g_bytes_get_type", FunctionDescriptor.of(GTYPE)),
            Map.entry("gst_value_array_get_type", FunctionDescriptor.of(GTYPE)),
            Map.entry("gst_meta_register_custom",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_caps_get_size", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("gst_caps_get_structure", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT)),
            Map.entry("gst_caps_fixate", P_P),
            Map.entry("gst_pad_get_pad_template_caps", P_P),
            Map.entry("gst_element_add_pad", B_PP),
            Map.entry("gst_object_unref", V_P),
            Map.entry("gst_object_get_path_string", P_P),
            Map.entry("gst_object_get_name", P_P),
            Map.entry("gst_util_set_object_arg", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_element_post_message", B_PP),
            Map.entry("gst_message_new_error", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_message_new_warning", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_resource_error_quark", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("gst_library_error_quark", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("gst_stream_error_quark", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("gst_pad_add_probe",
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_pad_push_event", B_PP),
            Map.entry("gst_pad_peer_query", B_PP),
            Map.entry("gst_query_new_latency", P_V),
            Map.entry("gst_element_query", B_PP),
            Map.entry("gst_structure_get_type", T_V),
            Map.entry("gst_structure_get_string", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_structure_get_int", FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_structure_get_uint64", FunctionDescriptor.of(GBOOLEAN, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("g_value_get_boxed", P_P),
            Map.entry("g_object_get_property", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_query_parse_latency", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_query_set_latency", FunctionDescriptor.ofVoid(ADDRESS, GBOOLEAN, JAVA_LONG, JAVA_LONG)),
            Map.entry("gst_message_new_latency", P_P),
            Map.entry("gst_bin_recalculate_latency", FunctionDescriptor.of(GBOOLEAN, ADDRESS)),
            Map.entry("gst_element_send_event", B_PP),
            Map.entry("gst_event_new_flush_start", P_V),
            Map.entry("gst_event_new_eos", P_V),
            Map.entry("gst_event_new_flush_stop", FunctionDescriptor.of(ADDRESS, GBOOLEAN)),
            Map.entry("gst_mini_object_ref", P_P),
            Map.entry("gst_mini_object_unref", V_P),
            // GStreamer app
            Map.entry("gst_app_sink_set_callbacks", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_app_src_set_callbacks", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_app_src_end_of_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            // GStreamer video
            Map.entry("gst_video_info_new", P_V),
            Map.entry("gst_video_info_free", V_P),
            Map.entry("gst_video_info_from_caps", B_PP),
            Map.entry("gst_video_format_to_string", FunctionDescriptor.of(C_STRING, JAVA_INT)),
            Map.entry("gst_video_region_of_interest_meta_api_get_type", T_V),
            Map.entry("gst_video_meta_api_get_type", T_V),
            Map.entry("gst_video_meta_transform_scale_get_quark", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("gst_video_info_new_from_caps", P_P),
            Map.entry("gst_video_buffer_pool_new", P_V),
            Map.entry("gst_parse_launch", P_PP),
            Map.entry("gst_bin_get_by_name", P_PP),
            Map.entry("gst_element_query_position", FunctionDescriptor.of(GBOOLEAN, ADDRESS, JAVA_INT, ADDRESS)),
            Map.entry("gst_element_set_state", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
            Map.entry("gst_element_set_locked_state", FunctionDescriptor.of(GBOOLEAN, ADDRESS, JAVA_INT)),
            Map.entry("gst_element_get_state", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG)),
            Map.entry("gst_element_get_bus", P_P),
            Map.entry("gst_bus_timed_pop_filtered", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)),
            Map.entry("gst_message_parse_error", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)),
            Map.entry("gst_message_parse_warning", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)));

    private static final Map<String, MethodHandle> HANDLES = new ConcurrentHashMap<>();

    private GstLib() {}

    private static SymbolLookup lookup(String... libraries) {
        SymbolLookup lookup = null;
        for (String library : libraries) {
            SymbolLookup one;
            try {
                one = SymbolLookup.libraryLookup(library, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(library + " cannot be loaded: install GStreamer 1.22 with its base"
                        + " plugins (./ovgst setup does: gstreamer1.0-plugins-base, libgstreamer-plugins-base1.0-0)", e);
            }
            lookup = lookup == null ? one : lookup.or(one);
        }
        return lookup;
    }

    /** The downcall handle of a function of the table above, made once. */
    static MethodHandle handle(String function) {
        return HANDLES.computeIfAbsent(function, name -> {
            FunctionDescriptor descriptor = FUNCTIONS.get(name);
            if (descriptor == null) {
                throw new IllegalArgumentException("no signature declared for " + name);
            }
            return Linker.nativeLinker().downcallHandle(symbol(name), descriptor);
        });
    }

    /**
     * An exactly typed handle of a GLib/GStreamer function, for calls on the per-frame path:
     * {@code invokeExact} boxes nothing and builds no argument array, unlike {@link #call}.
     */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(name), descriptor, options);
    }

    /** The address of a GLib/GStreamer function. */
    static MemorySegment symbol(String name) {
        return SYMBOLS.find(name).orElseThrow(
                () -> new IllegalStateException("GStreamer has no function " + name + "; ovgst needs 1.22"));
    }

    /** Calls a function of the table with boxed arguments: for cold paths only (set-up, errors). */
    static Object call(String function, Object... args) {
        try {
            return handle(function).invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(function + " failed", t);
        }
    }

    /** Reads a C string owned by GLib without freeing it; null stays null. */
    static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Reads a C string that GLib allocated for us, then frees it with {@code g_free}. */
    static String takeString(MemorySegment pointer) {
        try {
            return string(pointer);
        } finally {
            if (!pointer.equals(MemorySegment.NULL)) {
                call("g_free", pointer);
            }
        }
    }

    /** Makes sure GStreamer is initialized (in a Java application; inside GStreamer it already is). */
    static void ensureInitialized() {
        if ((int) call("gst_is_initialized") == 0) {
            call("gst_init", MemorySegment.NULL, MemorySegment.NULL);
        }
    }

    /** A C string that lives as long as the process: for type names, metadata and param specs, which GLib keeps. */
    static MemorySegment staticString(String value) {
        return Arena.global().allocateFrom(value);
    }

    /** Whether a GLib boolean is true. */
    static boolean isTrue(Object gboolean) {
        return (int) gboolean != 0;
    }
}
