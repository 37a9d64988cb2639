package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.ResizeAlgorithm;

/**
 * Pre- and post-processing compiled into the model ({@code ov_preprocess_prepostprocessor_t}):
 * describe the tensor the caller will give (element type, layout, color format, size) and the
 * steps to the model's own input; OpenVINO then does the conversion as part of inference.
 *
 * <pre>{@code
 * try (var ppp = new PrePostProcessor(model)) {
 *     ppp.input(0).tensorElementType(ElementType.U8).tensorLayout("NHWC").tensorColorFormat(ColorFormat.BGR)
 *         .tensorSpatialStaticShape(480, 640)
 *         .convertElementType(ElementType.F32).convertColor(ColorFormat.RGB).resize(ResizeAlgorithm.LINEAR)
 *         .mean(127.5f).scale(127.5f).modelLayout("NHWC");
 *     Model withPreprocessing = ppp.build();
 * }
 * }</pre>
 */
public final class PrePostProcessor extends NativeResource {
    /** {@code ov_padding_mode_e} CONSTANT. */
    private static final int PAD_CONSTANT = 0;

    private final Model model;
    /** Info and steps objects, which must be freed before the pre/post-processor that made them. */
    private final Deque<Child> children = new ArrayDeque<>();

    private record Child(MemorySegment pointer, Consumer<MemorySegment> free) {}

    /** {@code ov_preprocess_preprocess_steps_mean} or {@code _scale}: one value for every channel. */
    @FunctionalInterface
    private interface SingleValue {
        void apply(MemorySegment steps, float value);
    }

    /** {@code ..._mean_multi_channels} or {@code ..._scale_multi_channels}: a value per channel. */
    @FunctionalInterface
    private interface MultiChannel {
        void apply(MemorySegment steps, MemorySegment values, int count);
    }

    public PrePostProcessor(Model model) {
        super("PrePostProcessor", OvPreprocess.prepostprocessorCreate(model.handle()), OvPreprocess::prepostprocessorFree);
        this.model = model;
    }

    public Input input(String name) {
        model.input(name);
        return new Input(child(OvPreprocess.prepostprocessorGetInputInfoByName(handle(), name),
                OvPreprocess::inputInfoFree));
    }

    public Input input(int index) {
        checkIndex(index, model.inputs().size(), "input");
        return new Input(child(OvPreprocess.prepostprocessorGetInputInfoByIndex(handle(), index),
                OvPreprocess::inputInfoFree));
    }

    public Output output(String name) {
        model.output(name);
        return new Output(child(OvPreprocess.prepostprocessorGetOutputInfoByName(handle(), name),
                OvPreprocess::outputInfoFree));
    }

    public Output output(int index) {
        checkIndex(index, model.outputs().size(), "output");
        return new Output(child(OvPreprocess.prepostprocessorGetOutputInfoByIndex(handle(), index),
                OvPreprocess::outputInfoFree));
    }

    /**
     * The model with the processing built in, as a new handle. OpenVINO builds into the model it was
     * given, so the original model has the processing too: read the file again for another configuration.
     */
    public Model build() {
        try {
            return new Model(OvPreprocess.prepostprocessorBuild(handle()), model.source());
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "cannot build the pre/post-processing of " + model.source() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    void beforeFree(MemorySegment handle) {
        while (!children.isEmpty()) {
            Child child = children.pop();
            child.free().accept(child.pointer());
        }
    }

    /** Owns a child object until this pre/post-processor is closed, then frees it with {@code free}. */
    private synchronized MemorySegment child(MemorySegment child, Consumer<MemorySegment> free) {
        children.push(new Child(child, free));
        return child;
    }

    private void checkIndex(int index, int count, String what) {
        if (index < 0 || index >= count) {
            throw new OpenVinoException("OUT_OF_BOUNDS", "the model " + model.source() + " has " + count + " "
                    + what + "(s); there is no " + what + " #" + index, null);
        }
    }

    /** Applies a layout to {@code target} with {@code setter}, then frees the layout (the setter copies it). */
    private static void withLayout(String layout, MemorySegment target, BiConsumer<MemorySegment, MemorySegment> setter) {
        MemorySegment handle;
        try {
            handle = OvPreprocess.layoutCreate(layout);
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "invalid layout '" + layout
                    + "' (use letters such as NCHW, NHWC, or ? for an unknown axis): " + e.getMessage(), e);
        }
        try {
            setter.accept(target, handle);
        } finally {
            OvPreprocess.layoutFree(handle);
        }
    }

    /** The pre-processing of one input: the tensor the caller gives, the steps, and the model's layout. */
    public final class Input {
        private final MemorySegment info;
        private MemorySegment tensorInfo;
        private MemorySegment steps;

        private Input(MemorySegment info) {
            this.info = info;
        }

        private MemorySegment tensorInfo() {
            if (tensorInfo == null) {
                tensorInfo = child(OvPreprocess.inputInfoGetTensorInfo(info), OvPreprocess::inputTensorInfoFree);
            }
            return tensorInfo;
        }

        private MemorySegment steps() {
            if (steps == null) {
                steps = child(OvPreprocess.inputInfoGetPreprocessSteps(info), OvPreprocess::preprocessStepsFree);
            }
            return steps;
        }

        public Input tensorElementType(ElementType type) {
            OvPreprocess.inputTensorInfoSetElementType(tensorInfo(), OvCodes.of(type));
            return this;
        }

        public Input tensorLayout(String layout) {
            withLayout(layout, tensorInfo(), OvPreprocess::inputTensorInfoSetLayout);
            return this;
        }

        public Input tensorColorFormat(ColorFormat format) {
            OvPreprocess.inputTensorInfoSetColorFormat(tensorInfo(), format.code());
            return this;
        }

        /** The caller's frames are {@code height x width}; pair with {@link #resize}. */
        public Input tensorSpatialStaticShape(long height, long width) {
            OvPreprocess.inputTensorInfoSetSpatialStaticShape(tensorInfo(), height, width);
            return this;
        }

        public Input convertElementType(ElementType type) {
            OvPreprocess.preprocessStepsConvertElementType(steps(), OvCodes.of(type));
            return this;
        }

        public Input convertColor(ColorFormat format) {
            OvPreprocess.preprocessStepsConvertColor(steps(), format.code());
            return this;
        }

        public Input convertLayout(String layout) {
            withLayout(layout, steps(), OvPreprocess::preprocessStepsConvertLayout);
            return this;
        }

        public Input reverseChannels() {
            OvPreprocess.preprocessStepsReverseChannels(steps());
            return this;
        }

        /** Resizes to the model's spatial size. */
        public Input resize(ResizeAlgorithm algorithm) {
            OvPreprocess.preprocessStepsResize(steps(), OvCodes.of(algorithm));
            return this;
        }

        /**
         * Keeps the part of the tensor from {@code begin} (inclusive) to {@code end} (exclusive), one
         * index per axis of the tensor at this step, in its layout.
         */
        public Input crop(int[] begin, int[] end) {
            if (begin.length != end.length) {
                throw new IllegalArgumentException("a crop needs one begin and one end per axis, got " + begin.length
                        + " and " + end.length);
            }
            try (Arena arena = Arena.ofConfined()) {
                OvPreprocess.preprocessStepsCrop(steps(), arena.allocateFrom(JAVA_INT, begin), begin.length,
                        arena.allocateFrom(JAVA_INT, end), end.length);
            }
            return this;
        }

        /**
         * Pads every axis with a constant (OpenVINO pads only float tensors: convert first). One
         * entry per axis of the tensor at this step, in its layout.
         */
        public Input pad(int[] begin, int[] end, float value) {
            if (begin.length != end.length) {
                throw new IllegalArgumentException("pads need one begin and one end per axis, got " + begin.length
                        + " and " + end.length);
            }
            try (Arena arena = Arena.ofConfined()) {
                OvPreprocess.preprocessStepsPad(steps(), arena.allocateFrom(JAVA_INT, begin), begin.length,
                        arena.allocateFrom(JAVA_INT, end), end.length, value, PAD_CONSTANT);
            }
            return this;
        }

        /** Subtracts one value from every channel, or one value per channel. */
        public Input mean(float... values) {
            perChannel(OvPreprocess::preprocessStepsMean, OvPreprocess::preprocessStepsMeanMultiChannels, values);
            return this;
        }

        /** Divides every channel by one value, or each channel by its own. */
        public Input scale(float... values) {
            perChannel(OvPreprocess::preprocessStepsScale, OvPreprocess::preprocessStepsScaleMultiChannels, values);
            return this;
        }

        private void perChannel(SingleValue single, MultiChannel multi, float[] values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("give at least one value");
            }
            if (values.length == 1) {
                single.apply(steps(), values[0]);
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                multi.apply(steps(), arena.allocateFrom(JAVA_FLOAT, values), values.length);
            }
        }

        /** The layout of the model's own input, e.g. {@code NCHW}, so OpenVINO knows which axes to convert. */
        public Input modelLayout(String layout) {
            MemorySegment modelInfo = child(OvPreprocess.inputInfoGetModelInfo(info), OvPreprocess::inputModelInfoFree);
            withLayout(layout, modelInfo, OvPreprocess::inputModelInfoSetLayout);
            return this;
        }
    }

    /** The post-processing of one output. */
    public final class Output {
        private final MemorySegment info;

        private Output(MemorySegment info) {
            this.info = info;
        }

        /** Converts the output to this element type (e.g. f32 from a model's f16). */
        public Output tensorElementType(ElementType type) {
            MemorySegment tensorInfo = child(OvPreprocess.outputInfoGetTensorInfo(info),
                    OvPreprocess::outputTensorInfoFree);
            OvPreprocess.outputSetElementType(tensorInfo, OvCodes.of(type));
            return this;
        }
    }
}
