package org.ovgst.gst.elements;

import static org.ovgst.gst.elements.InferenceProperties.INPUT_OFFSET;
import static org.ovgst.gst.elements.InferenceProperties.INPUT_SCALE;
import static org.ovgst.gst.elements.InferenceProperties.MEAN_VALUES;
import static org.ovgst.gst.elements.InferenceProperties.MODEL;
import static org.ovgst.gst.elements.InferenceProperties.MODEL_COLOR;
import static org.ovgst.gst.elements.InferenceProperties.SCALE_VALUES;
import static org.ovgst.gst.gobject.Property.Mutability.READY_ONLY;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.bridge.OutputFrames;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.ChromaScaler;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.MaskAlpha;
import org.ovgst.infer.image.OutputPixels;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.ImageOutput;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.KnownModels;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.ModelInfo;
import org.ovgst.tensor.PortInfo;

/**
 * {@code ovprocess}: the model's output becomes the frame (FFmpeg's dnn_processing): super-resolution,
 * denoising, style, masks. The output's size comes from the model for each input size, so
 * downstream negotiates the real size (a 2x model on 320x240 gives 640x480 without a caps filter);
 * 3-channel outputs leave as RGB, BGR, RGBx or BGRx (the first downstream takes, in the model's
 * color order first), 1-channel outputs as GRAY8. Frames leave in order with their timestamps and
 * metadata (regions of interest scaled to the new size), in buffers from a pool negotiated with
 * downstream.
 *
 * <p>{@code mode=alpha}: a one-channel output (a mask) goes into the alpha channel of the input frame,
 * at the frame's own size (RGBA or BGRA, for compositor, alpha, videomixer); ovgst's pose model's
 * person mask is logits, and goes through a sigmoid first ({@code output-activation=auto}).
 *
 * <p>A frame not inferred ({@code inference-interval}) leaves with the last output's pixels: the
 * stream keeps one size. Models whose valid convolutions eat the edges (waifu2x) take a border
 * ({@code input-padding}, known for the models ovgst ships); {@code output-crop} cuts one off the
 * output.
 */
public final class OvProcess extends InferenceElement<OvProcess.ProcessState> {
    /** Output formats: 3-channel images in either color order, with or without a fourth byte, and grey. */
    private static final List<String> COLOR_FORMATS = List.of("RGB", "BGR", "RGBx", "BGRx");
    private static final String GREY_FORMAT = "GRAY8";
    static final String SRC_CAPS = "video/x-raw, format=(string){ RGB, BGR, RGBx, BGRx, GRAY8, RGBA, BGRA, I420,"
            + " NV12 }" + VideoCaps.ANY_SIZE;
    /** Color frames, and grey ones for one-channel models. */
    static final String SINK_CAPS = "video/x-raw, format=(string){ BGR, RGB, BGRx, RGBx, I420, NV12, GRAY8 }" + VideoCaps.ANY_SIZE;
    /** What one-channel models take: grey frames, or the luma plane of YUV frames. */
    private static final String LUMA_CAPS = "video/x-raw, format=(string){ I420, NV12, GRAY8 }" + VideoCaps.ANY_SIZE;

    private static final Property.Text OUTPUT_NAME = new Property.Text("output-name",
            "Model output that becomes the frame (default: the only image-shaped output: rank 4 with 1 or 3 channels)",
            null, READY_ONLY);
    private static final Property.Real OUTPUT_SCALE = new Property.Real("output-scale",
            "A pixel is output value * output-scale + output-offset, rounded and clamped to 0-255; the default"
                    + " maps [0, 1] to 0-255", -65536, 65536, 255.0, READY_ONLY);
    private static final Property.Real OUTPUT_OFFSET = new Property.Real("output-offset",
            "Added to the scaled output values (see output-scale)", -65536, 65536, 0.0, READY_ONLY);
    private static final Property.Int INPUT_PADDING = new Property.Int("input-padding",
            "Border of zeros (after input-scale/offset: black) around the frame in the model's input, in pixels;"
                    + " -1 = the model's own (7 for ovgst's waifu2x upconv_7, else 0)", -1, 4096, -1, READY_ONLY);
    private static final Property.Int OUTPUT_CROP = new Property.Int("output-crop",
            "Pixels cut off each side of the model's output", 0, 4096, 0, READY_ONLY);
    private static final Property.Choice MODE = new Property.Choice("mode",
            "replace: the output is the frame; alpha: a one-channel output (a mask) becomes the alpha channel of the"
                    + " frame, at the frame's size (RGBA/BGRA)", "GstOvProcessMode",
            List.of(new Property.Choice.Value("replace", "the model's output image is the new frame"),
                    new Property.Choice.Value("alpha", "a one-channel output (a mask) is the frame's alpha: RGBA/BGRA")),
            "replace", READY_ONLY);
    private static final Property.Choice OUTPUT_ACTIVATION = new Property.Choice("output-activation",
            "What output values go through before output-scale: auto (a sigmoid for ovgst's pose mask, else none),"
                    + " none, or sigmoid (logits to [0, 1])", "GstOvProcessActivation",
            List.of(new Property.Choice.Value("auto", "sigmoid for models ovgst knows give logits, else none"),
                    new Property.Choice.Value("none", "the output's values as they are"),
                    new Property.Choice.Value("sigmoid", "logits through a sigmoid into [0, 1]")), "auto", READY_ONLY);
    private static final Property.Bool INPUT_RESIZABLE = new Property.Bool("input-resizable",
            "Reshape the model to each frame size instead of resizing frames to the model's size (a caps change"
                    + " reshapes it again); models with dynamic sizes take the frame's size anyway", false, READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovprocess", "GstOvProcess", "OpenVINO frame processing",
            "Filter/Effect/Video", "Replaces each frame with an OpenVINO model's image output (super-resolution,"
                    + " masks, filters); the output size comes from the model",
            properties(MODE, OUTPUT_NAME, MODEL_COLOR, INPUT_SCALE, INPUT_OFFSET, MEAN_VALUES, SCALE_VALUES,
                    OUTPUT_ACTIVATION, OUTPUT_SCALE, OUTPUT_OFFSET, INPUT_PADDING, OUTPUT_CROP, INPUT_RESIZABLE),
            SINK_CAPS, SRC_CAPS, OvProcess::new);

    /**
     * How the model's output becomes pixels, and the output frames negotiated for it: from start() to
     * stop(). Caps queries read it from any thread.
     */
    static final class ProcessState implements ElementState {
        final ImageOutput image;
        final OutputPixels pixels;
        /** Pixels cut off each side of the output. */
        final int crop;
        final ModelColor color;
        /** The model input's channels: 3, or 1 (grey frames, YUV frames' luma planes). */
        final int inputChannels;
        /** The mask writer in mode=alpha, else null. */
        final MaskAlpha alpha;
        /** The chroma scaler for YUV frames whose luma plane a one-channel model makes. */
        final ChromaScaler chroma = new ChromaScaler();
        /** Whether the warning that upstream offers no format the element takes was posted since start. */
        final AtomicBoolean refusedWarned = new AtomicBoolean();
        /** The output's size for the current frame layout: set on the streaming thread, read by any. */
        volatile OutputShape outputShape;
        /** The output negotiated with downstream for the current layout; delivery thread, null until the first frame. */
        OutputFrames output;
        /** Set on the streaming thread when the layout changes, taken by the delivery thread. */
        volatile boolean outputStale;

        ProcessState(ImageOutput image, OutputPixels pixels, int crop, ModelColor color, int inputChannels,
                boolean alpha) {
            this.image = image;
            this.pixels = pixels;
            this.crop = crop;
            this.color = color;
            this.inputChannels = inputChannels;
            this.alpha = alpha ? new MaskAlpha(pixels) : null;
        }

        /**
         * The output formats, in the order they are offered: the model's color order first; in
         * mode=alpha, the input's ({@code input} null: not known yet).
         */
        List<String> formats(PixelFormat input) {
            if (alpha != null) {
                return input == PixelFormat.RGB || input == PixelFormat.RGBX ? List.of("RGBA", "BGRA")
                        : List.of("BGRA", "RGBA");
            }
            if (image.channels() == 1) {
                // A luma plane the model made goes back into the frame's own format, its chroma scaled.
                return input == null ? List.of(GREY_FORMAT, "I420", "NV12")
                        : input.isPacked() ? List.of(GREY_FORMAT) : List.of(input.gstName(), GREY_FORMAT);
            }
            return color == ModelColor.RGB ? COLOR_FORMATS : List.of("BGR", "RGB", "BGRx", "RGBx");
        }

        /**
         * For each byte of a pixel of {@code format}: the output channel written there; in mode=alpha,
         * the byte of an {@code input} pixel copied there, or the mask.
         */
        int[] byteOrder(String format, PixelFormat input) {
            if (image.channels() == 1 && alpha == null) {
                return new int[] {0};
            }
            if (alpha != null) {
                String source = input.gstName();
                int[] order = new int[format.length()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = format.charAt(i) == 'A' ? MaskAlpha.ALPHA : source.indexOf(format.charAt(i));
                }
                return order;
            }
            int[] order = new int[format.length()];
            for (int i = 0; i < order.length; i++) {
                order[i] = switch (format.charAt(i)) {
                    case 'R' -> color == ModelColor.RGB ? 0 : 2;
                    case 'G' -> 1;
                    case 'B' -> color == ModelColor.RGB ? 2 : 0;
                    default -> OutputPixels.OPAQUE;
                };
            }
            return order;
        }

        /** Closes the output negotiated for an earlier frame layout; delivery thread. */
        void dropOutput() {
            if (output != null) {
                output.close();
                output = null;
            }
        }

        /** When the element stops, after the last frame was delivered. */
        @Override
        public void close() {
            dropOutput();
        }
    }

    /** The image size of the output for the current frame layout, and its static shape. */
    private record OutputShape(int width, int height, long[] shape) {}

    private OvProcess(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    @Override
    protected Prepared<ProcessState> prepare(InferenceSettings settings, ModelInfo model) {
        ImageInput input = ImageInput.find(model.inputs(), settings.inputName(), null, model.name());
        ImageOutput image = ImageOutput.find(model.outputs(), get(OUTPUT_NAME), model.name());
        boolean resizable = get(INPUT_RESIZABLE);
        if (resizable && settings.inputSize() != null) {
            throw new IllegalArgumentException("properties 'input-resizable' and 'reshape-width'/'reshape-height'"
                    + " are both set: reshape to each frame's size (input-resizable) or to one size, not both");
        }
        boolean alpha = get(MODE).equals("alpha");
        if (alpha && image.channels() != 1) {
            throw new IllegalArgumentException("mode=alpha puts a one-channel output (a mask) in the alpha channel,"
                    + " but output " + image + " of " + model.name() + " has 3 channels: set output-name to a mask, or use"
                    + " mode=replace");
        }
        Optional<KnownModels.KnownModel> known = model.known();
        int padding = get(INPUT_PADDING);
        if (padding < 0) {
            padding = known.map(KnownModels.KnownModel::inputPadding).orElse(0);
        }
        String activation = get(OUTPUT_ACTIVATION);
        boolean sigmoid = activation.equals("sigmoid")
                || activation.equals("auto") && known.map(KnownModels.KnownModel::imageLogits).orElse(false);
        OutputPixels pixels = new OutputPixels(image, sigmoid, (float) (double) get(OUTPUT_SCALE),
                (float) (double) get(OUTPUT_OFFSET));
        ModelColor color = ImageInputProperties.modelColor(this, model);
        ProcessState state = new ProcessState(image, pixels, get(OUTPUT_CROP), color, input.channels(), alpha);
        int border = padding;
        logInfo(() -> "model " + model + ": output '" + image.name() + "' becomes the frame (mode " + get(MODE)
                + ", " + (sigmoid ? "sigmoid, " : "") + "scale " + get(OUTPUT_SCALE) + ", offset " + get(OUTPUT_OFFSET)
                + ", crop " + get(OUTPUT_CROP) + ", input padding " + border + ", " + color + ")");
        InputSize size = settings.inputSize() != null ? settings.inputSize()
                : resizable ? InputSize.frame() : InputSize.DECLARED_OR_FRAME;
        return new Prepared<>(ImageInputProperties.withImageInput(this, settings.engineSettings(), input, model).withInputName(input.name())
                .withModelLayout(input.layout()).withInputSize(size).withInputPadding(padding), state);
    }

    @Override
    protected void modelCompiled(FrameLayout layout, List<PortInfo> outputs) {
        ProcessState state = state();
        PortInfo port = outputs.stream().filter(output -> output.name().equals(state.image.name())).findFirst()
                .orElseThrow();
        long[] shape = port.shape().toStatic();
        int width = state.image.width(shape) - 2 * state.crop;
        int height = state.image.height(shape) - 2 * state.crop;
        if (width <= 0 || height <= 0) {
            throw new InferenceException("output-crop " + state.crop + " leaves nothing of output '" + port.name()
                    + "' " + port.shape() + " of " + get(MODEL) + " for " + layout + " frames: use a smaller"
                    + " output-crop");
        }
        // A mask in the alpha channel leaves at the frame's size.
        state.outputShape = state.alpha != null ? new OutputShape(layout.width(), layout.height(), shape)
                : new OutputShape(width, height, shape);
        state.outputStale = true;
    }

    /**
     * The formats the model and the mode take. When upstream offers none of them, a WARNING says
     * what to put in between before upstream's own not-negotiated error stops the stream.
     */
    @Override
    protected MemorySegment inputCaps(MemorySegment filter) {
        ProcessState current = state();
        String caps = current == null ? SINK_CAPS : current.alpha != null ? VideoCaps.PACKED_CAPS
                : current.inputChannels == 1 ? LUMA_CAPS : OvDetect.CAPS;
        MemorySegment taken = VideoCaps.capsFor(caps, filter);
        if (current != null && !filter.equals(MemorySegment.NULL)
                && GstPads.capsIsEmpty(taken) && current.refusedWarned.compareAndSet(false, true)) {
            postWarning(ErrorKind.FORMAT, "ovprocess takes " + caps.substring(0, caps.indexOf(", width"))
                    + (current.alpha != null ? " in mode=alpha" : current.inputChannels == 1
                            ? " for a one-channel model" : "") + ", and upstream offers only "
                    + VideoCaps.toString(filter) + ": put videoconvert before ovprocess", null);
        }
        return taken;
    }

    /** A one-channel model sees a YUV frame's luma plane. */
    @Override
    protected FrameLayout inferenceLayout(FrameLayout frames) {
        return state().inputChannels == 1 && !frames.format().isPacked() ? frames.lumaPlane() : frames;
    }

    @Override
    protected MemorySegment outputCaps(MemorySegment filter) {
        ProcessState current = state();
        if (current == null) {
            return VideoCaps.capsFor(SRC_CAPS, filter);
        }
        OutputShape shape = current.outputShape;
        String size = shape == null ? VideoCaps.ANY_SIZE : ", width=(int)" + shape.width() + ", height=(int)" + shape.height();
        return VideoCaps.capsFor(VideoCaps.rawVideo(current.formats(null), size), filter);
    }

    @Override
    protected void apply(BufferFrame frame, InferenceResults results) throws Throwable {
        make(frame, results);
        if (frameLogging()) {
            logFrame("frame " + frame.index() + ": made from the model's output '" + state().image.name() + "'");
        }
    }

    @Override
    protected void passed(BufferFrame frame) throws Throwable {
        ProcessState state = state();
        if (state.output == null || state.outputStale) {
            throw new IllegalStateException("a frame not inferred came before any output of its size");
        }
        make(frame, null);
    }

    /**
     * The frame the element makes of {@code frame}: from the model's output ({@code results}), or for
     * a frame not inferred (null) the last output's pixels, or in mode=alpha the last mask.
     */
    private void make(BufferFrame frame, InferenceResults results) throws Throwable {
        ProcessState current = state();
        OutputShape shape = current.outputShape;
        OutputFrames out = outputFor(frame, current, shape);
        MaskAlpha alpha = current.alpha;
        if (results == null && alpha == null) {
            out.repeat(frame);
            return;
        }
        MemorySegment buffer = out.acquire();
        try {
            MemorySegment pixels = out.map(buffer);
            try {
                if (alpha != null) {
                    if (results != null) {
                        alpha.take(results.output(current.image.name()), shape.shape(), results.slot(),
                                current.crop, frame.layout().width(), frame.layout().height());
                    }
                    alpha.blend(frame.data(), frame.layout(), pixels, out.offset(), out.stride(), out.byteOrder());
                } else {
                    current.pixels.write(results.output(current.image.name()), shape.shape(), results.slot(),
                            current.crop, pixels, out.offset(), out.stride(), out.byteOrder());
                    if (out.layout() != null && !out.layout().format().isPacked()) {
                        current.chroma.scale(frame.data(), frame.layout(), pixels, out.layout());
                    }
                }
            } finally {
                out.unmap(buffer);
            }
            // Frames not inferred repeat this one's pixels; in mode=alpha they take its mask instead.
            out.finish(frame, buffer, alpha == null && frame.passedFramesFollow());
        } catch (Throwable t) {
            Gst.miniObjectUnref(buffer);
            throw t;
        }
    }

    /** The output for this frame's layout, negotiated with downstream when the layout changed. */
    private OutputFrames outputFor(BufferFrame frame, ProcessState current, OutputShape shape) throws Throwable {
        if (current.output == null || current.outputStale) {
            current.outputStale = false;
            current.dropOutput();
            PixelFormat input = frame.layout().format();
            current.output = OutputFrames.negotiate(sourcePad(), SPEC.factoryName(), frame.caps(),
                    current.formats(input), shape.width(), shape.height(), format -> current.byteOrder(format, input));
        }
        return current.output;
    }
}
