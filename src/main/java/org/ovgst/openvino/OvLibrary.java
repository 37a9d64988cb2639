package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The raw binding: the C functions of {@code libopenvino_c} (2.0 API, 2026.4 headers) as method
 * handles, and the one place where an {@code ov_status_e} becomes an exception. Nothing here knows
 * about ownership; the typed classes of this package do.
 */
final class OvLibrary {
    /** A line of OpenVINO's messages that locates its source: "Exception from F:L:", "Check '...' failed at F:L:". */
    private static final Pattern SOURCE_LINE = Pattern.compile(
            "(?m)^(Exception from|Check '.*' failed at) \\S+:\\d+:?[ \\t]*(\\R|$)");
    /** {@code ov_shape_t}: {@code {int64_t rank; int64_t* dims;}}, passed by value. */
    static final StructLayout SHAPE = MemoryLayout.structLayout(JAVA_LONG.withName("rank"), ADDRESS.withName("dims"));
    /** {@code ov_dimension_t}: {@code {int64_t min; int64_t max;}}; also {@code ov_rank_t}. */
    static final StructLayout DIMENSION = MemoryLayout.structLayout(JAVA_LONG.withName("min"), JAVA_LONG.withName("max"));
    /** {@code ov_partial_shape_t}: {@code {ov_rank_t rank; ov_dimension_t* dims;}}. */
    static final StructLayout PARTIAL_SHAPE = MemoryLayout.structLayout(DIMENSION.withName("rank"), ADDRESS.withName("dims"));
    /** {@code ov_property_t}: {@code {const char* key; const void* value;}}. */
    static final StructLayout PROPERTY = MemoryLayout.structLayout(ADDRESS.withName("key"), ADDRESS.withName("value"));
    /** {@code ov_callback_t}: {@code {void (*callback_func)(void*); void* args;}}. */
    static final StructLayout CALLBACK = MemoryLayout.structLayout(ADDRESS.withName("callback_func"), ADDRESS.withName("args"));
    /** {@code ov_available_devices_t}: {@code {char** devices; size_t size;}}. */
    static final StructLayout DEVICES = MemoryLayout.structLayout(ADDRESS.withName("devices"), JAVA_LONG.withName("size"));
    /** {@code ov_version_t}: {@code {const char* buildNumber; const char* description;}}. */
    static final StructLayout VERSION = MemoryLayout.structLayout(ADDRESS.withName("buildNumber"), ADDRESS.withName("description"));

    /** A pointer to a NUL-terminated string of unknown length. */
    static final AddressLayout C_STRING = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    private static final FunctionDescriptor STATUS_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor STATUS_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor STATUS_PPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor STATUS_PPPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor STATUS_PLP = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
    private static final FunctionDescriptor STATUS_PI = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor STATUS_PF = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_FLOAT);
    private static final FunctionDescriptor STATUS_PPI = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor VOID_P = FunctionDescriptor.ofVoid(ADDRESS);

    /** Every function this binding calls, with its C signature. */
    private static final Map<String, FunctionDescriptor> FUNCTIONS = Map.ofEntries(
            // ov_common.h
            Map.entry("ov_get_last_err_msg", FunctionDescriptor.of(C_STRING)),
            Map.entry("ov_free", VOID_P),
            // ov_core.h
            Map.entry("ov_get_openvino_version", STATUS_P),
            Map.entry("ov_version_free", VOID_P),
            Map.entry("ov_core_create", STATUS_P),
            Map.entry("ov_core_free", VOID_P),
            Map.entry("ov_core_read_model", STATUS_PPPP),
            Map.entry("ov_core_read_model_from_memory_buffer",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)),
            Map.entry("ov_core_compile_model_props",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)),
            Map.entry("ov_core_set_properties", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)),
            Map.entry("ov_core_get_property", STATUS_PPPP),
            Map.entry("ov_core_get_available_devices", STATUS_PP),
            Map.entry("ov_available_devices_free", VOID_P),
            // ov_model.h
            Map.entry("ov_model_free", VOID_P),
            Map.entry("ov_model_inputs_size", STATUS_PP),
            Map.entry("ov_model_outputs_size", STATUS_PP),
            Map.entry("ov_model_const_input_by_index", STATUS_PLP),
            Map.entry("ov_model_const_output_by_index", STATUS_PLP),
            Map.entry("ov_model_is_dynamic", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS)),
            Map.entry("ov_model_reshape_input_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, PARTIAL_SHAPE)),
            Map.entry("ov_model_get_friendly_name", STATUS_PP),
            // ov_node.h
            Map.entry("ov_port_get_any_name", STATUS_PP),
            Map.entry("ov_port_get_partial_shape", STATUS_PP),
            Map.entry("ov_port_get_element_type", STATUS_PP),
            Map.entry("ov_output_const_port_free", VOID_P),
            Map.entry("ov_partial_shape_free", VOID_P),
            // ov_compiled_model.h
            Map.entry("ov_compiled_model_inputs_size", STATUS_PP),
            Map.entry("ov_compiled_model_outputs_size", STATUS_PP),
            Map.entry("ov_compiled_model_input_by_index", STATUS_PLP),
            Map.entry("ov_compiled_model_output_by_index", STATUS_PLP),
            Map.entry("ov_compiled_model_create_infer_request", STATUS_PP),
            Map.entry("ov_compiled_model_get_property", STATUS_PPP),
            Map.entry("ov_compiled_model_export_model", STATUS_PP),
            Map.entry("ov_compiled_model_free", VOID_P),
            // ov_infer_request.h
            Map.entry("ov_infer_request_set_tensor", STATUS_PPP),
            Map.entry("ov_infer_request_set_input_tensor_by_index", STATUS_PLP),
            Map.entry("ov_infer_request_set_output_tensor_by_index", STATUS_PLP),
            Map.entry("ov_infer_request_get_tensor", STATUS_PPP),
            Map.entry("ov_infer_request_get_input_tensor_by_index", STATUS_PLP),
            Map.entry("ov_infer_request_get_output_tensor_by_index", STATUS_PLP),
            Map.entry("ov_infer_request_infer", STATUS_P),
            Map.entry("ov_infer_request_cancel", STATUS_P),
            Map.entry("ov_infer_request_start_async", STATUS_P),
            Map.entry("ov_infer_request_wait", STATUS_P),
            Map.entry("ov_infer_request_wait_for", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)),
            Map.entry("ov_infer_request_set_callback", STATUS_PP),
            Map.entry("ov_infer_request_free", VOID_P),
            // ov_tensor.h
            Map.entry("ov_tensor_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, SHAPE, ADDRESS)),
            Map.entry("ov_tensor_create_from_host_ptr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, SHAPE, ADDRESS, ADDRESS)),
            Map.entry("ov_tensor_get_shape", STATUS_PP),
            Map.entry("ov_tensor_set_shape", FunctionDescriptor.of(JAVA_INT, ADDRESS, SHAPE)),
            Map.entry("ov_tensor_get_element_type", STATUS_PP),
            Map.entry("ov_tensor_get_byte_size", STATUS_PP),
            Map.entry("ov_tensor_data", STATUS_PP),
            Map.entry("ov_tensor_free", VOID_P),
            Map.entry("ov_shape_free", STATUS_P),
            // ov_layout.h
            Map.entry("ov_layout_create", STATUS_PP),
            Map.entry("ov_layout_free", VOID_P),
            // ov_prepostprocess.h
            Map.entry("ov_preprocess_prepostprocessor_create", STATUS_PP),
            Map.entry("ov_preprocess_prepostprocessor_free", VOID_P),
            Map.entry("ov_preprocess_prepostprocessor_get_input_info_by_name", STATUS_PPP),
            Map.entry("ov_preprocess_prepostprocessor_get_input_info_by_index", STATUS_PLP),
            Map.entry("ov_preprocess_prepostprocessor_get_output_info_by_name", STATUS_PPP),
            Map.entry("ov_preprocess_prepostprocessor_get_output_info_by_index", STATUS_PLP),
            Map.entry("ov_preprocess_input_info_free", VOID_P),
            Map.entry("ov_preprocess_input_info_get_tensor_info", STATUS_PP),
            Map.entry("ov_preprocess_input_tensor_info_free", VOID_P),
            Map.entry("ov_preprocess_input_info_get_preprocess_steps", STATUS_PP),
            Map.entry("ov_preprocess_preprocess_steps_free", VOID_P),
            Map.entry("ov_preprocess_input_info_get_model_info", STATUS_PP),
            Map.entry("ov_preprocess_input_model_info_free", VOID_P),
            Map.entry("ov_preprocess_input_model_info_set_layout", STATUS_PP),
            Map.entry("ov_preprocess_preprocess_steps_resize", STATUS_PI),
            Map.entry("ov_preprocess_preprocess_steps_scale", STATUS_PF),
            Map.entry("ov_preprocess_preprocess_steps_scale_multi_channels", STATUS_PPI),
            Map.entry("ov_preprocess_preprocess_steps_mean", STATUS_PF),
            Map.entry("ov_preprocess_preprocess_steps_mean_multi_channels", STATUS_PPI),
            Map.entry("ov_preprocess_preprocess_steps_convert_layout", STATUS_PP),
            Map.entry("ov_preprocess_preprocess_steps_reverse_channels", STATUS_P),
            Map.entry("ov_preprocess_preprocess_steps_convert_element_type", STATUS_PI),
            Map.entry("ov_preprocess_preprocess_steps_convert_color", STATUS_PI),
            Map.entry("ov_preprocess_preprocess_steps_crop",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT)),
            Map.entry("ov_preprocess_preprocess_steps_pad",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_INT)),
            Map.entry("ov_preprocess_input_tensor_info_set_element_type", STATUS_PI),
            Map.entry("ov_preprocess_input_tensor_info_set_color_format", STATUS_PI),
            Map.entry("ov_preprocess_input_tensor_info_set_spatial_static_shape",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG)),
            Map.entry("ov_preprocess_input_tensor_info_set_layout", STATUS_PP),
            Map.entry("ov_preprocess_output_info_free", VOID_P),
            Map.entry("ov_preprocess_output_info_get_tensor_info", STATUS_PP),
            Map.entry("ov_preprocess_output_tensor_info_free", VOID_P),
            Map.entry("ov_preprocess_output_set_element_type", STATUS_PI),
            Map.entry("ov_preprocess_prepostprocessor_build", STATUS_PP));

    /** {@code ov_status_e} names by negated value (OK is 0, errors count down from -1). */
    private static final List<String> STATUS_NAMES = List.of("OK", "GENERAL_ERROR", "NOT_IMPLEMENTED",
            "NETWORK_NOT_LOADED", "PARAMETER_MISMATCH", "NOT_FOUND", "OUT_OF_BOUNDS", "UNEXPECTED", "REQUEST_BUSY",
            "RESULT_NOT_READY", "NOT_ALLOCATED", "INFER_NOT_STARTED", "NETWORK_NOT_READ", "INFER_CANCELLED",
            "INVALID_C_PARAM", "UNKNOWN_C_ERROR", "NOT_IMPLEMENT_C_METHOD", "UNKNOW_EXCEPTION");
    static final int OK = 0;
    static final int RESULT_NOT_READY = -9;

    private final Path path;
    private final SymbolLookup symbols;
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    OvLibrary(Path path) {
        this.path = path;
        // Global arena: the library stays loaded for the life of the process, as its plugins expect.
        this.symbols = SymbolLookup.libraryLookup(path, Arena.global());
    }

    Path path() {
        return path;
    }

    /** The downcall handle of one function of the table above, made on first use. */
    MethodHandle handle(String function) {
        return handles.computeIfAbsent(function, name -> {
            FunctionDescriptor descriptor = FUNCTIONS.get(name);
            if (descriptor == null) {
                throw new IllegalArgumentException("no signature declared for " + name);
            }
            MemorySegment symbol = symbols.find(name).orElseThrow(() -> new OpenVinoException(
                    "the OpenVINO C library " + path + " has no function " + name
                            + "; ovgst needs the 2026.4 runtime (" + LibraryLocator.PIP_PIN + ")"));
            return Linker.nativeLinker().downcallHandle(symbol, descriptor);
        });
    }

    /** Calls a function that returns {@code ov_status_e} and throws if it is not OK. For cold paths. */
    void call(String function, Object... args) {
        check((int) invoke(function, args), function);
    }

    /**
     * Calls a function whose last parameter receives a pointer ({@code T** out}) and returns it.
     * {@code String} arguments are passed as C strings that live for the call.
     */
    MemorySegment callForAddress(String function, Object... args) {
        return callWithOut(function, ADDRESS, out -> out.get(ADDRESS, 0), args);
    }

    /** Like {@link #callForAddress} for a {@code size_t*} out-parameter. */
    long callForLong(String function, Object... args) {
        return callWithOut(function, JAVA_LONG, out -> out.get(JAVA_LONG, 0), args);
    }

    /** Like {@link #callForAddress} for an enum out-parameter. */
    int callForInt(String function, Object... args) {
        return callWithOut(function, JAVA_INT, out -> out.get(JAVA_INT, 0), args);
    }

    /** Like {@link #callForAddress} for a {@code char**} out-parameter: the string, freed after reading. */
    String callForString(String function, Object... args) {
        return takeString(callForAddress(function, args));
    }

    private <T> T callWithOut(String function, MemoryLayout outLayout, Function<MemorySegment, T> read,
            Object[] args) {
        try (Arena arena = Arena.ofConfined()) {
            Object[] all = Arrays.copyOf(args, args.length + 1);
            for (int i = 0; i < args.length; i++) {
                if (all[i] instanceof String text) {
                    all[i] = arena.allocateFrom(text);
                }
            }
            MemorySegment out = arena.allocate(outLayout);
            all[args.length] = out;
            call(function, all);
            return read.apply(out);
        }
    }

    /** Calls a function and returns its result unchecked. For cold paths. */
    Object invoke(String function, Object... args) {
        try {
            return handle(function).invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new OpenVinoException(null, function + " failed", t);
        }
    }

    /** The one status checker: a non-OK status becomes an exception with its name and OpenVINO's own message. */
    void check(int status, String function) {
        if (status != OK) {
            throw failure(status, function);
        }
    }

    /**
     * A failed call's exception: its status name and what OpenVINO said, without the lines that
     * locate OpenVINO's own source ({@code Exception from src/inference/src/cpp/core.cpp:84:},
     * {@code Check '...' failed at src/...cpp:49:}), which mean nothing to a user. Its cause keeps
     * OpenVINO's message whole, for developers.
     */
    OpenVinoException failure(int status, String function) {
        String name = statusName(status);
        String detail = lastErrorMessage().strip();
        String said = SOURCE_LINE.matcher(detail).replaceAll("").strip();
        String message = function + " failed with " + name + (said.isEmpty() ? "" : ": " + said);
        return new OpenVinoException(name, message,
                detail.isEmpty() ? null : new OpenVinoException(name, "OpenVINO's message: " + detail, null));
    }

    static String statusName(int status) {
        return status <= 0 && -status < STATUS_NAMES.size() ? STATUS_NAMES.get(-status) : "status " + status;
    }

    /** {@code ov_get_last_err_msg} is a newly allocated copy of the process-wide last message; free it. */
    String lastErrorMessage() {
        MemorySegment message = (MemorySegment) invoke("ov_get_last_err_msg");
        if (message.equals(MemorySegment.NULL)) {
            return "";
        }
        try {
            return message.getString(0);
        } finally {
            invoke("ov_free", message);
        }
    }

    /** Reads a {@code char*} that OpenVINO allocated for us, then frees it with {@code ov_free}. */
    String takeString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            return pointer.reinterpret(Long.MAX_VALUE).getString(0);
        } finally {
            invoke("ov_free", pointer);
        }
    }
}
