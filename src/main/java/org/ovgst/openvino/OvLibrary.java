package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ovgst.ffm.NativeLibrary.C_STRING;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.ffm.NativeLibrary;

/**
 * The typed binding to {@code libopenvino_c} (2.0 API, 2026.4 headers): one method per C function,
 * named after it, and the one place where an {@code ov_status_e} becomes an exception. A function
 * that returns a status throws unless it is OK, and one whose last parameter receives a result
 * ({@code T** out}, {@code size_t*}, an enum, a {@code char*} to free) returns it; those on the
 * per-request path return the status, for their caller to read. Compiled models, requests and
 * tensors are in {@link OvInference}, pre/post-processing in {@link OvPreprocess}. Nothing here knows about ownership; the typed classes of this package do.
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

    /** {@code ov_status_e} names by negated value (OK is 0, errors count down from -1). */
    private static final List<String> STATUS_NAMES = List.of("OK", "GENERAL_ERROR", "NOT_IMPLEMENTED",
            "NETWORK_NOT_LOADED", "PARAMETER_MISMATCH", "NOT_FOUND", "OUT_OF_BOUNDS", "UNEXPECTED", "REQUEST_BUSY",
            "RESULT_NOT_READY", "NOT_ALLOCATED", "INFER_NOT_STARTED", "NETWORK_NOT_READ", "INFER_CANCELLED",
            "INVALID_C_PARAM", "UNKNOWN_C_ERROR", "NOT_IMPLEMENT_C_METHOD", "UNKNOW_EXCEPTION");
    static final int OK = 0;
    static final int RESULT_NOT_READY = -9;

    /**
     * The library {@link OpenVino} found: each function looks its symbol up there on its first call,
     * which finds, loads and checks the library once per process (or throws why it cannot).
     */
    static final NativeLibrary LIBRARY = new NativeLibrary(name -> OpenVino.library().symbols().find(name),
            name -> new OpenVinoException("the OpenVINO C library " + OpenVino.library().path() + " has no function "
                    + name + "; ovgst needs the 2026.4 runtime (" + LibraryLocator.PIP_PIN + ")"));

    private OvLibrary() {}

    /** A call of a function that returns {@code ov_status_e}; C strings it passes live in {@code arena}. */
    @FunctionalInterface
    interface StatusCall {
        int call(Arena arena) throws Throwable;
    }

    /** Like {@link StatusCall}, with {@code out} for the function's last parameter, which receives its result. */
    @FunctionalInterface
    interface OutCall {
        int call(Arena arena, MemorySegment out) throws Throwable;
    }

    /** Makes a status call and throws if it is not OK. For cold paths. */
    static void checked(NativeFunction function, StatusCall call) {
        try (Arena arena = Arena.ofConfined()) {
            int status;
            try {
                status = call.call(arena);
            } catch (Throwable t) {
                throw function.failed(t);
            }
            check(status, function.name());
        }
    }

    static MemorySegment outAddress(NativeFunction function, OutCall call) {
        return withOut(function, ADDRESS, out -> out.get(ADDRESS, 0), call);
    }

    static long outLong(NativeFunction function, OutCall call) {
        return withOut(function, JAVA_LONG, out -> out.get(JAVA_LONG, 0), call);
    }

    static int outInt(NativeFunction function, OutCall call) {
        return withOut(function, JAVA_INT, out -> out.get(JAVA_INT, 0), call);
    }

    /** For a {@code char**} out-parameter: the string, freed after reading. */
    static String outString(NativeFunction function, OutCall call) {
        return takeString(outAddress(function, call));
    }

    private static <T> T withOut(NativeFunction function, MemoryLayout outLayout, Function<MemorySegment, T> read,
            OutCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(outLayout);
            checked(function, unused -> call.call(arena, out));
            return read.apply(out);
        }
    }

    /** The one status checker: a non-OK status becomes an exception with its name and OpenVINO's own message. */
    static void check(int status, String function) {
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
    static OpenVinoException failure(int status, String function) {
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
    static String lastErrorMessage() {
        MemorySegment message = getLastErrMsg();
        if (message.equals(MemorySegment.NULL)) {
            return "";
        }
        try {
            return message.getString(0);
        } finally {
            free(message);
        }
    }

    /** Reads a {@code char*} that OpenVINO allocated for us, then frees it with {@code ov_free}. */
    static String takeString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            return pointer.reinterpret(Long.MAX_VALUE).getString(0);
        } finally {
            free(pointer);
        }
    }

    private static final NativeFunction GET_LAST_ERR_MSG = LIBRARY.function("ov_get_last_err_msg",
            FunctionDescriptor.of(C_STRING));

    static MemorySegment getLastErrMsg() {
        try {
            return (MemorySegment) GET_LAST_ERR_MSG.handle().invokeExact();
        } catch (Throwable t) {
            throw GET_LAST_ERR_MSG.failed(t);
        }
    }

    private static final NativeFunction FREE = LIBRARY.function("ov_free", FunctionDescriptor.ofVoid(ADDRESS));

    static void free(MemorySegment pointer) {
        try {
            FREE.handle().invokeExact(pointer);
        } catch (Throwable t) {
            throw FREE.failed(t);
        }
    }

    private static final NativeFunction GET_OPENVINO_VERSION = LIBRARY.function("ov_get_openvino_version",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static void getOpenvinoVersion(MemorySegment version) {
        checked(GET_OPENVINO_VERSION, unused -> (int) GET_OPENVINO_VERSION.handle().invokeExact(version));
    }

    private static final NativeFunction VERSION_FREE = LIBRARY.function("ov_version_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void versionFree(MemorySegment version) {
        try {
            VERSION_FREE.handle().invokeExact(version);
        } catch (Throwable t) {
            throw VERSION_FREE.failed(t);
        }
    }

    private static final NativeFunction CORE_CREATE = LIBRARY.function("ov_core_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static MemorySegment coreCreate() {
        return outAddress(CORE_CREATE, (arena, out) -> (int) CORE_CREATE.handle().invokeExact(out));
    }

    private static final NativeFunction CORE_FREE = LIBRARY.function("ov_core_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void coreFree(MemorySegment core) {
        try {
            CORE_FREE.handle().invokeExact(core);
        } catch (Throwable t) {
            throw CORE_FREE.failed(t);
        }
    }

    private static final NativeFunction CORE_READ_MODEL = LIBRARY.function("ov_core_read_model",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    static MemorySegment coreReadModel(MemorySegment core, String modelPath, MemorySegment binPath) {
        return outAddress(CORE_READ_MODEL,
                (arena, out) -> (int) CORE_READ_MODEL.handle().invokeExact(core, arena.allocateFrom(modelPath), binPath, out));
    }

    private static final NativeFunction CORE_READ_MODEL_FROM_MEMORY_BUFFER = LIBRARY.function("ov_core_read_model_from_memory_buffer",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    static MemorySegment coreReadModelFromMemoryBuffer(
            MemorySegment core, MemorySegment model, long size, MemorySegment weights) {
        return outAddress(CORE_READ_MODEL_FROM_MEMORY_BUFFER,
                (arena, out) -> (int) CORE_READ_MODEL_FROM_MEMORY_BUFFER.handle().invokeExact(core, model, size, weights, out));
    }

    private static final NativeFunction CORE_COMPILE_MODEL_PROPS = LIBRARY.function("ov_core_compile_model_props",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    static MemorySegment coreCompileModelProps(
            MemorySegment core, MemorySegment model, String device, long propertyCount, MemorySegment properties) {
        return outAddress(CORE_COMPILE_MODEL_PROPS,
                (arena, out) -> (int) CORE_COMPILE_MODEL_PROPS.handle().invokeExact(core, model, arena.allocateFrom(device), propertyCount, properties, out));
    }

    private static final NativeFunction CORE_SET_PROPERTIES = LIBRARY.function("ov_core_set_properties",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

    static void coreSetProperties(
            MemorySegment core, MemorySegment device, long propertyCount, MemorySegment properties) {
        checked(CORE_SET_PROPERTIES,
                unused -> (int) CORE_SET_PROPERTIES.handle().invokeExact(core, device, propertyCount, properties));
    }

    private static final NativeFunction CORE_GET_PROPERTY = LIBRARY.function("ov_core_get_property",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    static String coreGetProperty(MemorySegment core, String device, String key) {
        return outString(CORE_GET_PROPERTY,
                (arena, out) -> (int) CORE_GET_PROPERTY.handle().invokeExact(core, arena.allocateFrom(device), arena.allocateFrom(key), out));
    }

    private static final NativeFunction CORE_GET_AVAILABLE_DEVICES = LIBRARY.function("ov_core_get_available_devices",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void coreGetAvailableDevices(MemorySegment core, MemorySegment devices) {
        checked(CORE_GET_AVAILABLE_DEVICES,
                unused -> (int) CORE_GET_AVAILABLE_DEVICES.handle().invokeExact(core, devices));
    }

    private static final NativeFunction AVAILABLE_DEVICES_FREE = LIBRARY.function("ov_available_devices_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void availableDevicesFree(MemorySegment devices) {
        try {
            AVAILABLE_DEVICES_FREE.handle().invokeExact(devices);
        } catch (Throwable t) {
            throw AVAILABLE_DEVICES_FREE.failed(t);
        }
    }

    private static final NativeFunction MODEL_FREE = LIBRARY.function("ov_model_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void modelFree(MemorySegment model) {
        try {
            MODEL_FREE.handle().invokeExact(model);
        } catch (Throwable t) {
            throw MODEL_FREE.failed(t);
        }
    }

    private static final NativeFunction MODEL_INPUTS_SIZE = LIBRARY.function("ov_model_inputs_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static long modelInputsSize(MemorySegment model) {
        return outLong(MODEL_INPUTS_SIZE, (arena, out) -> (int) MODEL_INPUTS_SIZE.handle().invokeExact(model, out));
    }

    private static final NativeFunction MODEL_OUTPUTS_SIZE = LIBRARY.function("ov_model_outputs_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static long modelOutputsSize(MemorySegment model) {
        return outLong(MODEL_OUTPUTS_SIZE, (arena, out) -> (int) MODEL_OUTPUTS_SIZE.handle().invokeExact(model, out));
    }

    private static final NativeFunction MODEL_CONST_INPUT_BY_INDEX = LIBRARY.function("ov_model_const_input_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment modelConstInputByIndex(MemorySegment model, long index) {
        return outAddress(MODEL_CONST_INPUT_BY_INDEX,
                (arena, out) -> (int) MODEL_CONST_INPUT_BY_INDEX.handle().invokeExact(model, index, out));
    }

    private static final NativeFunction MODEL_CONST_OUTPUT_BY_INDEX = LIBRARY.function("ov_model_const_output_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment modelConstOutputByIndex(MemorySegment model, long index) {
        return outAddress(MODEL_CONST_OUTPUT_BY_INDEX,
                (arena, out) -> (int) MODEL_CONST_OUTPUT_BY_INDEX.handle().invokeExact(model, index, out));
    }

    private static final NativeFunction MODEL_IS_DYNAMIC = LIBRARY.function("ov_model_is_dynamic",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));

    static boolean modelIsDynamic(MemorySegment model) {
        try {
            return (boolean) MODEL_IS_DYNAMIC.handle().invokeExact(model);
        } catch (Throwable t) {
            throw MODEL_IS_DYNAMIC.failed(t);
        }
    }

    private static final NativeFunction MODEL_RESHAPE_INPUT_BY_NAME = LIBRARY.function("ov_model_reshape_input_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, PARTIAL_SHAPE));

    static void modelReshapeInputByName(MemorySegment model, MemorySegment tensorName, MemorySegment partialShape) {
        checked(MODEL_RESHAPE_INPUT_BY_NAME,
                unused -> (int) MODEL_RESHAPE_INPUT_BY_NAME.handle().invokeExact(model, tensorName, partialShape));
    }

    private static final NativeFunction MODEL_GET_FRIENDLY_NAME = LIBRARY.function("ov_model_get_friendly_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static String modelGetFriendlyName(MemorySegment model) {
        return outString(MODEL_GET_FRIENDLY_NAME,
                (arena, out) -> (int) MODEL_GET_FRIENDLY_NAME.handle().invokeExact(model, out));
    }

    private static final NativeFunction PORT_GET_ANY_NAME = LIBRARY.function("ov_port_get_any_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static int portGetAnyName(MemorySegment port, MemorySegment name) {
        try {
            return (int) PORT_GET_ANY_NAME.handle().invokeExact(port, name);
        } catch (Throwable t) {
            throw PORT_GET_ANY_NAME.failed(t);
        }
    }

    private static final NativeFunction PORT_GET_PARTIAL_SHAPE = LIBRARY.function("ov_port_get_partial_shape",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void portGetPartialShape(MemorySegment port, MemorySegment partialShape) {
        checked(PORT_GET_PARTIAL_SHAPE,
                unused -> (int) PORT_GET_PARTIAL_SHAPE.handle().invokeExact(port, partialShape));
    }

    private static final NativeFunction PORT_GET_ELEMENT_TYPE = LIBRARY.function("ov_port_get_element_type",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static int portGetElementType(MemorySegment port) {
        return outInt(PORT_GET_ELEMENT_TYPE,
                (arena, out) -> (int) PORT_GET_ELEMENT_TYPE.handle().invokeExact(port, out));
    }

    private static final NativeFunction OUTPUT_CONST_PORT_FREE = LIBRARY.function("ov_output_const_port_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void outputConstPortFree(MemorySegment port) {
        try {
            OUTPUT_CONST_PORT_FREE.handle().invokeExact(port);
        } catch (Throwable t) {
            throw OUTPUT_CONST_PORT_FREE.failed(t);
        }
    }

    private static final NativeFunction PARTIAL_SHAPE_FREE = LIBRARY.function("ov_partial_shape_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void partialShapeFree(MemorySegment partialShape) {
        try {
            PARTIAL_SHAPE_FREE.handle().invokeExact(partialShape);
        } catch (Throwable t) {
            throw PARTIAL_SHAPE_FREE.failed(t);
        }
    }
}
