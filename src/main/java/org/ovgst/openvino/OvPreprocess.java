package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import org.ovgst.ffm.NativeFunction;

/**
 * The typed binding to OpenVINO's pre/post-processing and layouts ({@code ov_prepostprocess.h},
 * {@code ov_layout.h}), as {@link OvLibrary} binds the core: one method per C function.
 */
final class OvPreprocess {
    private static final NativeFunction LAYOUT_CREATE = OvLibrary.LIBRARY.function("ov_layout_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment layoutCreate(String layoutDesc) {
        return OvLibrary.outAddress(LAYOUT_CREATE,
                (arena, out) -> (int) LAYOUT_CREATE.handle().invokeExact(arena.allocateFrom(layoutDesc), out));
    }

    private static final NativeFunction LAYOUT_FREE = OvLibrary.LIBRARY.function("ov_layout_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void layoutFree(MemorySegment layout) {
        try {
            LAYOUT_FREE.handle().invokeExact(layout);
        } catch (Throwable t) {
            throw LAYOUT_FREE.failed(t);
        }
    }

    private static final NativeFunction PREPOSTPROCESSOR_CREATE = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment prepostprocessorCreate(MemorySegment model) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_CREATE,
                (arena, out) -> (int) PREPOSTPROCESSOR_CREATE.handle().invokeExact(model, out));
    }

    private static final NativeFunction PREPOSTPROCESSOR_FREE = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void prepostprocessorFree(MemorySegment preprocess) {
        try {
            PREPOSTPROCESSOR_FREE.handle().invokeExact(preprocess);
        } catch (Throwable t) {
            throw PREPOSTPROCESSOR_FREE.failed(t);
        }
    }

    private static final NativeFunction PREPOSTPROCESSOR_GET_INPUT_INFO_BY_NAME = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_get_input_info_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    static MemorySegment prepostprocessorGetInputInfoByName(MemorySegment preprocess, String tensorName) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_GET_INPUT_INFO_BY_NAME,
                (arena, out) -> (int) PREPOSTPROCESSOR_GET_INPUT_INFO_BY_NAME.handle().invokeExact(preprocess, arena.allocateFrom(tensorName), out));
    }

    private static final NativeFunction PREPOSTPROCESSOR_GET_INPUT_INFO_BY_INDEX = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_get_input_info_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment prepostprocessorGetInputInfoByIndex(MemorySegment preprocess, long index) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_GET_INPUT_INFO_BY_INDEX,
                (arena, out) -> (int) PREPOSTPROCESSOR_GET_INPUT_INFO_BY_INDEX.handle().invokeExact(preprocess, index, out));
    }

    private static final NativeFunction PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_NAME = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_get_output_info_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    static MemorySegment prepostprocessorGetOutputInfoByName(MemorySegment preprocess, String tensorName) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_NAME,
                (arena, out) -> (int) PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_NAME.handle().invokeExact(preprocess, arena.allocateFrom(tensorName), out));
    }

    private static final NativeFunction PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_INDEX = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_get_output_info_by_index",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    static MemorySegment prepostprocessorGetOutputInfoByIndex(MemorySegment preprocess, long index) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_INDEX,
                (arena, out) -> (int) PREPOSTPROCESSOR_GET_OUTPUT_INFO_BY_INDEX.handle().invokeExact(preprocess, index, out));
    }

    private static final NativeFunction INPUT_INFO_FREE = OvLibrary.LIBRARY.function("ov_preprocess_input_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void inputInfoFree(MemorySegment inputInfo) {
        try {
            INPUT_INFO_FREE.handle().invokeExact(inputInfo);
        } catch (Throwable t) {
            throw INPUT_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction INPUT_INFO_GET_TENSOR_INFO = OvLibrary.LIBRARY.function("ov_preprocess_input_info_get_tensor_info",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment inputInfoGetTensorInfo(MemorySegment inputInfo) {
        return OvLibrary.outAddress(INPUT_INFO_GET_TENSOR_INFO,
                (arena, out) -> (int) INPUT_INFO_GET_TENSOR_INFO.handle().invokeExact(inputInfo, out));
    }

    private static final NativeFunction INPUT_TENSOR_INFO_FREE = OvLibrary.LIBRARY.function("ov_preprocess_input_tensor_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void inputTensorInfoFree(MemorySegment inputTensorInfo) {
        try {
            INPUT_TENSOR_INFO_FREE.handle().invokeExact(inputTensorInfo);
        } catch (Throwable t) {
            throw INPUT_TENSOR_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction INPUT_INFO_GET_PREPROCESS_STEPS = OvLibrary.LIBRARY.function("ov_preprocess_input_info_get_preprocess_steps",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment inputInfoGetPreprocessSteps(MemorySegment inputInfo) {
        return OvLibrary.outAddress(INPUT_INFO_GET_PREPROCESS_STEPS,
                (arena, out) -> (int) INPUT_INFO_GET_PREPROCESS_STEPS.handle().invokeExact(inputInfo, out));
    }

    private static final NativeFunction PREPROCESS_STEPS_FREE = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void preprocessStepsFree(MemorySegment steps) {
        try {
            PREPROCESS_STEPS_FREE.handle().invokeExact(steps);
        } catch (Throwable t) {
            throw PREPROCESS_STEPS_FREE.failed(t);
        }
    }

    private static final NativeFunction INPUT_INFO_GET_MODEL_INFO = OvLibrary.LIBRARY.function("ov_preprocess_input_info_get_model_info",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment inputInfoGetModelInfo(MemorySegment inputInfo) {
        return OvLibrary.outAddress(INPUT_INFO_GET_MODEL_INFO,
                (arena, out) -> (int) INPUT_INFO_GET_MODEL_INFO.handle().invokeExact(inputInfo, out));
    }

    private static final NativeFunction INPUT_MODEL_INFO_FREE = OvLibrary.LIBRARY.function("ov_preprocess_input_model_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void inputModelInfoFree(MemorySegment inputModelInfo) {
        try {
            INPUT_MODEL_INFO_FREE.handle().invokeExact(inputModelInfo);
        } catch (Throwable t) {
            throw INPUT_MODEL_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction INPUT_MODEL_INFO_SET_LAYOUT = OvLibrary.LIBRARY.function("ov_preprocess_input_model_info_set_layout",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void inputModelInfoSetLayout(MemorySegment inputModelInfo, MemorySegment layout) {
        OvLibrary.checked(INPUT_MODEL_INFO_SET_LAYOUT,
                unused -> (int) INPUT_MODEL_INFO_SET_LAYOUT.handle().invokeExact(inputModelInfo, layout));
    }

    private static final NativeFunction PREPROCESS_STEPS_RESIZE = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_resize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void preprocessStepsResize(MemorySegment steps, int algorithm) {
        OvLibrary.checked(PREPROCESS_STEPS_RESIZE,
                unused -> (int) PREPROCESS_STEPS_RESIZE.handle().invokeExact(steps, algorithm));
    }

    private static final NativeFunction PREPROCESS_STEPS_SCALE = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_scale",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_FLOAT));

    static void preprocessStepsScale(MemorySegment steps, float value) {
        OvLibrary.checked(PREPROCESS_STEPS_SCALE,
                unused -> (int) PREPROCESS_STEPS_SCALE.handle().invokeExact(steps, value));
    }

    private static final NativeFunction PREPROCESS_STEPS_SCALE_MULTI_CHANNELS = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_scale_multi_channels",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    static void preprocessStepsScaleMultiChannels(MemorySegment steps, MemorySegment values, int count) {
        OvLibrary.checked(PREPROCESS_STEPS_SCALE_MULTI_CHANNELS,
                unused -> (int) PREPROCESS_STEPS_SCALE_MULTI_CHANNELS.handle().invokeExact(steps, values, count));
    }

    private static final NativeFunction PREPROCESS_STEPS_MEAN = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_mean",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_FLOAT));

    static void preprocessStepsMean(MemorySegment steps, float value) {
        OvLibrary.checked(PREPROCESS_STEPS_MEAN,
                unused -> (int) PREPROCESS_STEPS_MEAN.handle().invokeExact(steps, value));
    }

    private static final NativeFunction PREPROCESS_STEPS_MEAN_MULTI_CHANNELS = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_mean_multi_channels",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    static void preprocessStepsMeanMultiChannels(MemorySegment steps, MemorySegment values, int count) {
        OvLibrary.checked(PREPROCESS_STEPS_MEAN_MULTI_CHANNELS,
                unused -> (int) PREPROCESS_STEPS_MEAN_MULTI_CHANNELS.handle().invokeExact(steps, values, count));
    }

    private static final NativeFunction PREPROCESS_STEPS_CONVERT_LAYOUT = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_convert_layout",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void preprocessStepsConvertLayout(MemorySegment steps, MemorySegment layout) {
        OvLibrary.checked(PREPROCESS_STEPS_CONVERT_LAYOUT,
                unused -> (int) PREPROCESS_STEPS_CONVERT_LAYOUT.handle().invokeExact(steps, layout));
    }

    private static final NativeFunction PREPROCESS_STEPS_REVERSE_CHANNELS = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_reverse_channels",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static void preprocessStepsReverseChannels(MemorySegment steps) {
        OvLibrary.checked(PREPROCESS_STEPS_REVERSE_CHANNELS,
                unused -> (int) PREPROCESS_STEPS_REVERSE_CHANNELS.handle().invokeExact(steps));
    }

    private static final NativeFunction PREPROCESS_STEPS_CONVERT_ELEMENT_TYPE = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_convert_element_type",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void preprocessStepsConvertElementType(MemorySegment steps, int elementType) {
        OvLibrary.checked(PREPROCESS_STEPS_CONVERT_ELEMENT_TYPE,
                unused -> (int) PREPROCESS_STEPS_CONVERT_ELEMENT_TYPE.handle().invokeExact(steps, elementType));
    }

    private static final NativeFunction PREPROCESS_STEPS_CONVERT_COLOR = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_convert_color",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void preprocessStepsConvertColor(MemorySegment steps, int colorFormat) {
        OvLibrary.checked(PREPROCESS_STEPS_CONVERT_COLOR,
                unused -> (int) PREPROCESS_STEPS_CONVERT_COLOR.handle().invokeExact(steps, colorFormat));
    }

    private static final NativeFunction PREPROCESS_STEPS_CROP = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_crop",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));

    static void preprocessStepsCrop(
            MemorySegment steps, MemorySegment begin, int beginSize, MemorySegment end, int endSize) {
        OvLibrary.checked(PREPROCESS_STEPS_CROP,
                unused -> (int) PREPROCESS_STEPS_CROP.handle().invokeExact(steps, begin, beginSize, end, endSize));
    }

    private static final NativeFunction PREPROCESS_STEPS_PAD = OvLibrary.LIBRARY.function("ov_preprocess_preprocess_steps_pad",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_INT));

    static void preprocessStepsPad(
            MemorySegment steps, MemorySegment padsBegin, long padsBeginSize, MemorySegment padsEnd, long padsEndSize, float value, int mode) {
        OvLibrary.checked(PREPROCESS_STEPS_PAD,
                unused -> (int) PREPROCESS_STEPS_PAD.handle().invokeExact(steps, padsBegin, padsBeginSize, padsEnd, padsEndSize, value, mode));
    }

    private static final NativeFunction INPUT_TENSOR_INFO_SET_ELEMENT_TYPE = OvLibrary.LIBRARY.function("ov_preprocess_input_tensor_info_set_element_type",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void inputTensorInfoSetElementType(MemorySegment inputTensorInfo, int elementType) {
        OvLibrary.checked(INPUT_TENSOR_INFO_SET_ELEMENT_TYPE,
                unused -> (int) INPUT_TENSOR_INFO_SET_ELEMENT_TYPE.handle().invokeExact(inputTensorInfo, elementType));
    }

    private static final NativeFunction INPUT_TENSOR_INFO_SET_COLOR_FORMAT = OvLibrary.LIBRARY.function("ov_preprocess_input_tensor_info_set_color_format",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void inputTensorInfoSetColorFormat(MemorySegment inputTensorInfo, int colorFormat) {
        OvLibrary.checked(INPUT_TENSOR_INFO_SET_COLOR_FORMAT,
                unused -> (int) INPUT_TENSOR_INFO_SET_COLOR_FORMAT.handle().invokeExact(inputTensorInfo, colorFormat));
    }

    private static final NativeFunction INPUT_TENSOR_INFO_SET_SPATIAL_STATIC_SHAPE = OvLibrary.LIBRARY.function("ov_preprocess_input_tensor_info_set_spatial_static_shape",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));

    static void inputTensorInfoSetSpatialStaticShape(MemorySegment inputTensorInfo, long height, long width) {
        OvLibrary.checked(INPUT_TENSOR_INFO_SET_SPATIAL_STATIC_SHAPE,
                unused -> (int) INPUT_TENSOR_INFO_SET_SPATIAL_STATIC_SHAPE.handle().invokeExact(inputTensorInfo, height, width));
    }

    private static final NativeFunction INPUT_TENSOR_INFO_SET_LAYOUT = OvLibrary.LIBRARY.function("ov_preprocess_input_tensor_info_set_layout",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static void inputTensorInfoSetLayout(MemorySegment inputTensorInfo, MemorySegment layout) {
        OvLibrary.checked(INPUT_TENSOR_INFO_SET_LAYOUT,
                unused -> (int) INPUT_TENSOR_INFO_SET_LAYOUT.handle().invokeExact(inputTensorInfo, layout));
    }

    private static final NativeFunction OUTPUT_INFO_FREE = OvLibrary.LIBRARY.function("ov_preprocess_output_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void outputInfoFree(MemorySegment outputInfo) {
        try {
            OUTPUT_INFO_FREE.handle().invokeExact(outputInfo);
        } catch (Throwable t) {
            throw OUTPUT_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction OUTPUT_INFO_GET_TENSOR_INFO = OvLibrary.LIBRARY.function("ov_preprocess_output_info_get_tensor_info",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment outputInfoGetTensorInfo(MemorySegment outputInfo) {
        return OvLibrary.outAddress(OUTPUT_INFO_GET_TENSOR_INFO,
                (arena, out) -> (int) OUTPUT_INFO_GET_TENSOR_INFO.handle().invokeExact(outputInfo, out));
    }

    private static final NativeFunction OUTPUT_TENSOR_INFO_FREE = OvLibrary.LIBRARY.function("ov_preprocess_output_tensor_info_free",
            FunctionDescriptor.ofVoid(ADDRESS));

    static void outputTensorInfoFree(MemorySegment outputTensorInfo) {
        try {
            OUTPUT_TENSOR_INFO_FREE.handle().invokeExact(outputTensorInfo);
        } catch (Throwable t) {
            throw OUTPUT_TENSOR_INFO_FREE.failed(t);
        }
    }

    private static final NativeFunction OUTPUT_SET_ELEMENT_TYPE = OvLibrary.LIBRARY.function("ov_preprocess_output_set_element_type",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    static void outputSetElementType(MemorySegment outputTensorInfo, int elementType) {
        OvLibrary.checked(OUTPUT_SET_ELEMENT_TYPE,
                unused -> (int) OUTPUT_SET_ELEMENT_TYPE.handle().invokeExact(outputTensorInfo, elementType));
    }

    private static final NativeFunction PREPOSTPROCESSOR_BUILD = OvLibrary.LIBRARY.function("ov_preprocess_prepostprocessor_build",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    static MemorySegment prepostprocessorBuild(MemorySegment preprocess) {
        return OvLibrary.outAddress(PREPOSTPROCESSOR_BUILD,
                (arena, out) -> (int) PREPOSTPROCESSOR_BUILD.handle().invokeExact(preprocess, out));
    }

    private OvPreprocess() {}
}
