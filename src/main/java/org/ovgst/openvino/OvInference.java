package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.ovgst.openvino.OvLibrary.SHAPE;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to OpenVINO's compiled models, infer requests and tensors
 * ({@code ov_compiled_model.h}, {@code ov_infer_request.h}, {@code ov_tensor.h}), as {@link OvLibrary}
 * binds the core: one method per C function.
 */
final class OvInference {
    private static final NativeFunction COMPILED_MODEL_INPUTS_SIZE = OvLibrary.LIBRARY.function("ov_compiled_model_inputs_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static long compiledModelInputsSize(MemorySegment compiledModel) {
        return OvLibrary.outLong(COMPILED_MODEL_INPUTS_SIZE,
                (arena, out) -> (int) COMPILED_MODEL_INPUTS_SIZE.handle().invokeExact(compiledModel, out));
    }

    private static final NativeFunction COMPILED_MODEL_OUTPUTS_SIZE = OvLibrary.LIBRARY.function("ov_compiled_model_outputs_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static long compiledModelOutputsSize(MemorySegment compiledModel) {
        return OvLibrary.outLong(COMPILED_MODEL_OUTPUTS_SIZE,
                (arena, out) -> (int) COMPILED_MODEL_OUTPUTS_SIZE.handle().invokeExact(compiledModel, out));
    }

    private static final NativeFunction COMPILED_MODEL_INPUT_BY_INDEX = OvLibrary.LIBRARY.function("ov_compiled_model_input_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment compiledModelInputByIndex(MemorySegment compiledModel, long index) {
        return OvLibrary.outAddress(COMPILED_MODEL_INPUT_BY_INDEX,
                (arena, out) -> (int) COMPILED_MODEL_INPUT_BY_INDEX.handle().invokeExact(compiledModel, index, out));
    }

    private static final NativeFunction COMPILED_MODEL_OUTPUT_BY_INDEX = OvLibrary.LIBRARY.function("ov_compiled_model_output_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment compiledModelOutputByIndex(MemorySegment compiledModel, long index) {
        return OvLibrary.outAddress(COMPILED_MODEL_OUTPUT_BY_INDEX,
                (arena, out) -> (int) COMPILED_MODEL_OUTPUT_BY_INDEX.handle().invokeExact(compiledModel, index, out));
    }

    private static final NativeFunction COMPILED_MODEL_CREATE_INFER_REQUEST = OvLibrary.LIBRARY.function("ov_compiled_model_create_infer_request",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment compiledModelCreateInferRequest(MemorySegment compiledModel) {
        return OvLibrary.outAddress(COMPILED_MODEL_CREATE_INFER_REQUEST,
                (arena, out) -> (int) COMPILED_MODEL_CREATE_INFER_REQUEST.handle().invokeExact(compiledModel, out));
    }

    private static final NativeFunction COMPILED_MODEL_GET_PROPERTY = OvLibrary.LIBRARY.function("ov_compiled_model_get_property",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    static String compiledModelGetProperty(MemorySegment compiledModel, String key) {
        return OvLibrary.outString(COMPILED_MODEL_GET_PROPERTY,
                (arena, out) -> (int) COMPILED_MODEL_GET_PROPERTY.handle().invokeExact(compiledModel, arena.allocateFrom(key), out));
    }

    private static final NativeFunction COMPILED_MODEL_EXPORT_MODEL = OvLibrary.LIBRARY.function("ov_compiled_model_export_model",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void compiledModelExportModel(MemorySegment compiledModel, MemorySegment exportModelPath) {
        OvLibrary.checked(COMPILED_MODEL_EXPORT_MODEL,
                unused -> (int) COMPILED_MODEL_EXPORT_MODEL.handle().invokeExact(compiledModel, exportModelPath));
    }

    private static final NativeFunction COMPILED_MODEL_FREE = OvLibrary.LIBRARY.function("ov_compiled_model_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void compiledModelFree(MemorySegment compiledModel) {
        try {
            COMPILED_MODEL_FREE.handle().invokeExact(compiledModel);
        } catch (Throwable t) {
            throw COMPILED_MODEL_FREE.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_SET_TENSOR = OvLibrary.LIBRARY.function("ov_infer_request_set_tensor",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    static int inferRequestSetTensor(MemorySegment request, MemorySegment tensorName, MemorySegment tensor) {
        try {
            return (int) INFER_REQUEST_SET_TENSOR.handle().invokeExact(request, tensorName, tensor);
        } catch (Throwable t) {
            throw INFER_REQUEST_SET_TENSOR.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_SET_INPUT_TENSOR_BY_INDEX = OvLibrary.LIBRARY.function("ov_infer_request_set_input_tensor_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static int inferRequestSetInputTensorByIndex(MemorySegment request, long index, MemorySegment tensor) {
        try {
            return (int) INFER_REQUEST_SET_INPUT_TENSOR_BY_INDEX.handle().invokeExact(request, index, tensor);
        } catch (Throwable t) {
            throw INFER_REQUEST_SET_INPUT_TENSOR_BY_INDEX.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_SET_OUTPUT_TENSOR_BY_INDEX = OvLibrary.LIBRARY.function("ov_infer_request_set_output_tensor_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static void inferRequestSetOutputTensorByIndex(MemorySegment request, long index, MemorySegment tensor) {
        OvLibrary.checked(INFER_REQUEST_SET_OUTPUT_TENSOR_BY_INDEX,
                unused -> (int) INFER_REQUEST_SET_OUTPUT_TENSOR_BY_INDEX.handle().invokeExact(request, index, tensor));
    }

    private static final NativeFunction INFER_REQUEST_GET_TENSOR = OvLibrary.LIBRARY.function("ov_infer_request_get_tensor",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    static MemorySegment inferRequestGetTensor(MemorySegment request, String tensorName) {
        return OvLibrary.outAddress(INFER_REQUEST_GET_TENSOR,
                (arena, out) -> (int) INFER_REQUEST_GET_TENSOR.handle().invokeExact(request, arena.allocateFrom(tensorName), out));
    }

    private static final NativeFunction INFER_REQUEST_GET_INPUT_TENSOR_BY_INDEX = OvLibrary.LIBRARY.function("ov_infer_request_get_input_tensor_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment inferRequestGetInputTensorByIndex(MemorySegment request, long index) {
        return OvLibrary.outAddress(INFER_REQUEST_GET_INPUT_TENSOR_BY_INDEX,
                (arena, out) -> (int) INFER_REQUEST_GET_INPUT_TENSOR_BY_INDEX.handle().invokeExact(request, index, out));
    }

    private static final NativeFunction INFER_REQUEST_GET_OUTPUT_TENSOR_BY_INDEX = OvLibrary.LIBRARY.function("ov_infer_request_get_output_tensor_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment inferRequestGetOutputTensorByIndex(MemorySegment request, long index) {
        return OvLibrary.outAddress(INFER_REQUEST_GET_OUTPUT_TENSOR_BY_INDEX,
                (arena, out) -> (int) INFER_REQUEST_GET_OUTPUT_TENSOR_BY_INDEX.handle().invokeExact(request, index, out));
    }

    private static final NativeFunction INFER_REQUEST_INFER = OvLibrary.LIBRARY.function("ov_infer_request_infer",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static int inferRequestInfer(MemorySegment request) {
        try {
            return (int) INFER_REQUEST_INFER.handle().invokeExact(request);
        } catch (Throwable t) {
            throw INFER_REQUEST_INFER.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_CANCEL = OvLibrary.LIBRARY.function("ov_infer_request_cancel",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static int inferRequestCancel(MemorySegment request) {
        try {
            return (int) INFER_REQUEST_CANCEL.handle().invokeExact(request);
        } catch (Throwable t) {
            throw INFER_REQUEST_CANCEL.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_START_ASYNC = OvLibrary.LIBRARY.function("ov_infer_request_start_async",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static int inferRequestStartAsync(MemorySegment request) {
        try {
            return (int) INFER_REQUEST_START_ASYNC.handle().invokeExact(request);
        } catch (Throwable t) {
            throw INFER_REQUEST_START_ASYNC.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_WAIT = OvLibrary.LIBRARY.function("ov_infer_request_wait",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static int inferRequestWait(MemorySegment request) {
        try {
            return (int) INFER_REQUEST_WAIT.handle().invokeExact(request);
        } catch (Throwable t) {
            throw INFER_REQUEST_WAIT.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_WAIT_FOR = OvLibrary.LIBRARY.function("ov_infer_request_wait_for",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    static int inferRequestWaitFor(MemorySegment request, long timeoutMillis) {
        try {
            return (int) INFER_REQUEST_WAIT_FOR.handle().invokeExact(request, timeoutMillis);
        } catch (Throwable t) {
            throw INFER_REQUEST_WAIT_FOR.failed(t);
        }
    }

    private static final NativeFunction INFER_REQUEST_SET_CALLBACK = OvLibrary.LIBRARY.function("ov_infer_request_set_callback",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void inferRequestSetCallback(MemorySegment request, MemorySegment callback) {
        OvLibrary.checked(INFER_REQUEST_SET_CALLBACK,
                unused -> (int) INFER_REQUEST_SET_CALLBACK.handle().invokeExact(request, callback));
    }

    private static final NativeFunction INFER_REQUEST_FREE = OvLibrary.LIBRARY.function("ov_infer_request_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void inferRequestFree(MemorySegment request) {
        try {
            INFER_REQUEST_FREE.handle().invokeExact(request);
        } catch (Throwable t) {
            throw INFER_REQUEST_FREE.failed(t);
        }
    }

    private static final NativeFunction TENSOR_CREATE = OvLibrary.LIBRARY.function("ov_tensor_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, SHAPE, ADDRESS));

    static MemorySegment tensorCreate(int type, MemorySegment shape) {
        return OvLibrary.outAddress(TENSOR_CREATE,
                (arena, out) -> (int) TENSOR_CREATE.handle().invokeExact(type, shape, out));
    }

    private static final NativeFunction TENSOR_CREATE_FROM_HOST_PTR = OvLibrary.LIBRARY.function("ov_tensor_create_from_host_ptr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, SHAPE, ADDRESS, ADDRESS));

    static MemorySegment tensorCreateFromHostPtr(int type, MemorySegment shape, MemorySegment hostPtr) {
        return OvLibrary.outAddress(TENSOR_CREATE_FROM_HOST_PTR,
                (arena, out) -> (int) TENSOR_CREATE_FROM_HOST_PTR.handle().invokeExact(type, shape, hostPtr, out));
    }

    private static final NativeFunction TENSOR_GET_SHAPE = OvLibrary.LIBRARY.function("ov_tensor_get_shape",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void tensorGetShape(MemorySegment tensor, MemorySegment shape) {
        OvLibrary.checked(TENSOR_GET_SHAPE, unused -> (int) TENSOR_GET_SHAPE.handle().invokeExact(tensor, shape));
    }

    private static final NativeFunction TENSOR_SET_SHAPE = OvLibrary.LIBRARY.function("ov_tensor_set_shape",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, SHAPE));

    static void tensorSetShape(MemorySegment tensor, MemorySegment shape) {
        OvLibrary.checked(TENSOR_SET_SHAPE, unused -> (int) TENSOR_SET_SHAPE.handle().invokeExact(tensor, shape));
    }

    private static final NativeFunction TENSOR_GET_ELEMENT_TYPE = OvLibrary.LIBRARY.function("ov_tensor_get_element_type",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static int tensorGetElementType(MemorySegment tensor) {
        return OvLibrary.outInt(TENSOR_GET_ELEMENT_TYPE,
                (arena, out) -> (int) TENSOR_GET_ELEMENT_TYPE.handle().invokeExact(tensor, out));
    }

    private static final NativeFunction TENSOR_GET_BYTE_SIZE = OvLibrary.LIBRARY.function("ov_tensor_get_byte_size",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static long tensorGetByteSize(MemorySegment tensor) {
        return OvLibrary.outLong(TENSOR_GET_BYTE_SIZE,
                (arena, out) -> (int) TENSOR_GET_BYTE_SIZE.handle().invokeExact(tensor, out));
    }

    private static final NativeFunction TENSOR_DATA = OvLibrary.LIBRARY.function("ov_tensor_data",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment tensorData(MemorySegment tensor) {
        return OvLibrary.outAddress(TENSOR_DATA, (arena, out) -> (int) TENSOR_DATA.handle().invokeExact(tensor, out));
    }

    private static final NativeFunction TENSOR_FREE = OvLibrary.LIBRARY.function("ov_tensor_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void tensorFree(MemorySegment tensor) {
        try {
            TENSOR_FREE.handle().invokeExact(tensor);
        } catch (Throwable t) {
            throw TENSOR_FREE.failed(t);
        }
    }

    private static final NativeFunction SHAPE_FREE = OvLibrary.LIBRARY.function("ov_shape_free",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static void shapeFree(MemorySegment shape) {
        OvLibrary.checked(SHAPE_FREE, unused -> (int) SHAPE_FREE.handle().invokeExact(shape));
    }

    private OvInference() {}
}
