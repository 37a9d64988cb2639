package org.ovgst.openvino;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;

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

    private record Child(MemorySegment pointer, String freeFunction) {}

    public PrePostProcessor(Model model) {
        super("PrePostProcessor", create(model), "ov_preprocess_prepostprocessor_free");
        this.model = model;
    }

    private static MemorySegment create(Model model) {
        return OpenVino.library().callForAddress("ov_preprocess_prepostprocessor_create", model.handle());
    }

    public Input input(String name) {
        model.input(name);
        return new Input(child("ov_preprocess_input_info_free",
                "ov_preprocess_prepostprocessor_get_input_info_by_name", handle(), name));
    }

    public Input input(int index) {
        checkIndex(index, model.inputs().size(), "input");
        return new Input(child("ov_preprocess_input_info_free",
                "ov_preprocess_prepostprocessor_get_input_info_by_index", handle(), (long) index));
    }

    public Output output(String name) {
        model.output(name);
        return new Output(child("ov_preprocess_output_info_free",
                "ov_preprocess_prepostprocessor_get_output_info_by_name", handle(), name));
    }

    public Output output(int index) {
        checkIndex(index, model.outputs().size(), "output");
        return new Output(child("ov_preprocess_output_info_free",
                "ov_preprocess_prepostprocessor_get_output_info_by_index", handle(), (long) index));
    }

    /**
     * The model with the processing built in, as a new handle. OpenVINO builds into the model it was
     * given, so the original model has the processing too: read the file again for another configuration.
     */
    public Model build() {
        try {
            return new Model(OpenVino.library().callForAddress("ov_preprocess_prepostprocessor_build", handle()),
                    model.source());
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "cannot build the pre/post-processing of " + model.source() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    void beforeFree(MemorySegment handle) {
        OvLibrary lib = OpenVino.library();
        while (!children.isEmpty()) {
            Child child = children.pop();
            lib.invoke(child.freeFunction(), child.pointer());
        }
    }

    private static void call(String function, Object... args) {
        OpenVino.library().call(function, args);
    }

    /** Gets a child object with {@code getter} and owns it until this pre/post-processor is closed. */
    private synchronized MemorySegment child(String freeFunction, String getter, Object... args) {
        MemorySegment child = OpenVino.library().callForAddress(getter, args);
        children.push(new Child(child, freeFunction));
        return child;
    }

    private void checkIndex(int index, int count, String what) {
        if (index < 0 || index >= count) {
            throw new OpenVinoException("OUT_OF_BOUNDS", "the model " + model.source() + " has " + count + " "
                    + what + "(s); there is no " + what + " #" + index, null);
        }
    }

    /** Applies a layout to {@code target} with {@code setter}, then frees the layout (the setter copies it). */
    private static void withLayout(String layout, MemorySegment target, String setter) {
        MemorySegment handle;
        try {
            handle = OpenVino.library().callForAddress("ov_layout_create", layout);
        } catch (OpenVinoException e) {
            throw new OpenVinoException(e.status(), "invalid layout '" + layout
                    + "' (use letters such as NCHW, NHWC, or ? for an unknown axis): " + e.getMessage(), e);
        }
        try {
            call(setter, target, handle);
        } finally {
            OpenVino.library().invoke("ov_layout_free", handle);
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
                tensorInfo = child("ov_preprocess_input_tensor_info_free",
                        "ov_preprocess_input_info_get_tensor_info", info);
            }
            return tensorInfo;
        }

        private MemorySegment steps() {
            if (steps == null) {
                steps = child("ov_preprocess_preprocess_steps_free",
                        "ov_preprocess_input_info_get_preprocess_steps", info);
            }
            return steps;
        }

        public Input tensorElementType(ElementType type) {
            call("ov_preprocess_input_tensor_info_set_element_type", tensorInfo(), type.code());
            return this;
        }

        public Input tensorLayout(String layout) {
            withLayout(layout, tensorInfo(), "ov_preprocess_input_tensor_info_set_layout");
            return this;
        }

        public Input tensorColorFormat(ColorFormat format) {
            call("ov_preprocess_input_tensor_info_set_color_format", tensorInfo(), format.code());
            return this;
        }

        /** The caller's frames are {@code height x width}; pair with {@link #resize}. */
        public Input tensorSpatialStaticShape(long height, long width) {
            call("ov_preprocess_input_tensor_info_set_spatial_static_shape", tensorInfo(), height, width);
            return this;
        }

        public Input convertElementType(ElementType type) {
            call("ov_preprocess_preprocess_steps_convert_element_type", steps(), type.code());
            return this;
        }

        public Input convertColor(ColorFormat format) {
            call("ov_preprocess_preprocess_steps_convert_color", steps(), format.code());
            return this;
        }

        public Input convertLayout(String layout) {
            withLayout(layout, steps(), "ov_preprocess_preprocess_steps_convert_layout");
            return this;
        }

        public Input reverseChannels() {
            call("ov_preprocess_preprocess_steps_reverse_channels", steps());
            return this;
        }

        /** Resizes to the model's spatial size. */
        public Input resize(ResizeAlgorithm algorithm) {
            call("ov_preprocess_preprocess_steps_resize", steps(), algorithm.code());
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
                call("ov_preprocess_preprocess_steps_crop", steps(), arena.allocateFrom(JAVA_INT, begin), begin.length,
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
                call("ov_preprocess_preprocess_steps_pad", steps(), arena.allocateFrom(JAVA_INT, begin),
                        (long) begin.length, arena.allocateFrom(JAVA_INT, end), (long) end.length, value, PAD_CONSTANT);
            }
            return this;
        }

        /** Subtracts one value from every channel, or one value per channel. */
        public Input mean(float... values) {
            perChannel("ov_preprocess_preprocess_steps_mean", "ov_preprocess_preprocess_steps_mean_multi_channels",
                    values);
            return this;
        }

        /** Divides every channel by one value, or each channel by its own. */
        public Input scale(float... values) {
            perChannel("ov_preprocess_preprocess_steps_scale", "ov_preprocess_preprocess_steps_scale_multi_channels",
                    values);
            return this;
        }

        private void perChannel(String single, String multi, float[] values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("give at least one value");
            }
            if (values.length == 1) {
                call(single, steps(), values[0]);
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                call(multi, steps(), arena.allocateFrom(JAVA_FLOAT, values), values.length);
            }
        }

        /** The layout of the model's own input, e.g. {@code NCHW}, so OpenVINO knows which axes to convert. */
        public Input modelLayout(String layout) {
            MemorySegment modelInfo = child("ov_preprocess_input_model_info_free",
                    "ov_preprocess_input_info_get_model_info", info);
            withLayout(layout, modelInfo, "ov_preprocess_input_model_info_set_layout");
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
            MemorySegment tensorInfo = child("ov_preprocess_output_tensor_info_free",
                    "ov_preprocess_output_info_get_tensor_info", info);
            call("ov_preprocess_output_set_element_type", tensorInfo, type.code());
            return this;
        }
    }
}
