package org.ovgst.infer.openvino;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ovgst.files.UserFiles;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.PreparedModel;
import org.ovgst.infer.image.Box;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.ImageInput;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.openvino.ColorFormat;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.OpenVinoException;
import org.ovgst.openvino.PrePostProcessor;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * Model preparation and pre-processing: reads a model once, finds the input that takes the frames
 * and its layout, and compiles it for each frame geometry: the batch axis and the image size
 * reshaped, and OpenVINO's pre-processing from the frame's own pixels (u8, its format, its size) to
 * the model's input built in.
 *
 * <h2>Pre-processing</h2>
 * Frames go to OpenVINO as u8 tensors in their own format ({@link PixelFormat}): packed formats as
 * NHWC {@code [N, H, W, 3|4]}, I420 and NV12 as single-plane {@code [N, H*3/2, W, 1]} tensors. The
 * pre-processing resizes them (linear by default) to the model's input, converts the colors to the
 * model's order, applies {@code (value - mean) / scale}, and transposes to the model's layout (NCHW
 * or NHWC, found from the input shape or given). The order decides the cost: one step runs at the
 * frame's resolution, on u8, and all the others at the model's ({@link #toModelPixels}). The order
 * OpenVINO's documentation shows (f32 first) converts and interpolates every pixel of the frame in
 * f32, up to 12 times the cost of the inference for a small model on HD frames. OpenVINO's pre/post-processor builds into the model
 * it is given (checked on 2026.4.1; the original model's input becomes u8), so every compilation
 * starts from a fresh read of the file.
 *
 * <p><b>Letterbox and padding.</b> OpenVINO's C API resizes only to the model's own size and pads only
 * float tensors, so a letterbox or a border (the frame in part of the input, the rest padded) takes
 * two pre-processors: the
 * first puts a padding step in front of the model, whose input becomes the frame's scaled size in
 * f32; the second, in front of that, takes the frame to it as in the stretch.
 */
final class OpenVinoModel implements BackendModel {
    private final EngineSettings settings;
    private final String modelName;
    private final Core core;
    /** The model as read, kept only until the first compilation uses it. */
    private Model pristine;
    private final PortInfo input;
    /** The input's layout, NCHW or NHWC. */
    private final String modelLayout;
    /** The input's channels: 3, or 1 for grey frames (a YUV frame's luma plane). */
    private final int channels;

    /**
     * Reads the model and checks that it has an image input these settings can feed.
     *
     * @throws InferenceException when the model file is missing, unreadable or has no usable input
     */
    OpenVinoModel(EngineSettings settings) {
        this.settings = settings;
        Path file = settings.model();
        if (file == null) {
            throw new InferenceException("no model set: set model to an OpenVINO IR .xml, ONNX, TFLite or"
                    + " PaddlePaddle model file");
        }
        try {
            UserFiles.requireReadableFile(file, "model file");
        } catch (FileSystemException e) {
            throw new InferenceException(e.getMessage(), e);
        }
        this.modelName = file.toString();
        Core made = new Core();
        Model model = null;
        try {
            try {
                model = made.readModel(file);
            } catch (OpenVinoException e) {
                // Core's message names the file and what OpenVINO said.
                throw new InferenceException(e.getMessage(), e);
            }
            ImageInput image = ImageInput.find(model.inputs(), settings.inputName(), settings.modelLayout(), modelName);
            this.input = image.port();
            this.modelLayout = image.layout();
            this.channels = image.channels();
            requireFittingNormalization();
        } catch (RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            made.close();
            throw e;
        }
        this.core = made;
        this.pristine = model;
    }

    /** OpenVINO would refuse per-channel values of another count with a failed check and its source line. */
    private void requireFittingNormalization() {
        Normalization normalization = settings.normalization();
        if (!Normalization.fits(normalization.mean(), channels)
                || !Normalization.fits(normalization.scale(), channels)) {
            throw new InferenceException("the normalization (" + normalization + ") gives values for "
                    + normalization.channels() + " channels; input '" + input.name() + "' of " + modelName + " has "
                    + channels + ": give one value or " + channels);
        }
    }

    @Override
    public String name() {
        return modelName;
    }

    @Override
    public String inputName() {
        return input.name();
    }

    /**
     * Reshapes the model, builds the pre-processing for frames of {@code frames} and compiles it.
     *
     * @throws IllegalArgumentException for a frame layout OpenVINO cannot take (odd-sized YUV)
     * @throws InferenceException when the model cannot be reshaped or compiled so; the message says why
     */
    @Override
    public PreparedModel prepare(FrameLayout frames) {
        PixelFormat format = frames.format();
        if (format.hasColor() != (channels == 3)) {
            throw new IllegalArgumentException(channels == 3 ? "input '" + input.name() + "' of " + modelName
                    + " takes 3 color channels, not " + format + " frames: convert them to BGR before it"
                    : "input '" + input.name() + "' of " + modelName + " takes one channel: give it GRAY8 frames, or"
                            + " I420 or NV12 frames to ovprocess (their luma plane), not " + format
                            + " (put videoconvert before the element)");
        }
        if (!format.isPacked() && (frames.width() % 2 != 0 || frames.height() % 2 != 0)) {
            throw new IllegalArgumentException(format + " frames of odd size " + frames.width() + "x"
                    + frames.height() + " cannot go to OpenVINO (its YUV conversion needs even sizes):"
                    + " scale or crop to an even size, or convert to BGR, before " + modelName);
        }
        try (Model model = freshModel()) {
            int padding = settings.inputPadding();
            int[] size = reshape(model, frames, padding);
            InputGeometry geometry = InputGeometry.place(frames.width(), frames.height(), size[0], size[1], padding,
                    settings.letterbox());
            if (geometry == null) {
                throw new InferenceException("input-padding " + padding + " leaves no room for the frame in the "
                        + size[0] + "x" + size[1] + " input of " + modelName + ": use a smaller input-padding");
            }
            return new OpenVinoPrepared(geometry.isStretch() ? compile(stretched(model, frames))
                    : compile(placed(model, frames, geometry)), geometry, input.name());
        }
    }

    @Override
    public void close() {
        if (pristine != null) {
            pristine.close();
            pristine = null;
        }
        core.close();
    }

    private static boolean isSize(Dimension dimension, long size) {
        return dimension.isStatic() && dimension.size() == size;
    }

    /** The model as read at construction, the first time; then read again (see the class comment). */
    private Model freshModel() {
        Model model = pristine;
        pristine = null;
        if (model != null) {
            return model;
        }
        try {
            return core.readModel(settings.model());
        } catch (OpenVinoException e) {
            throw new InferenceException("cannot read model " + modelName + " again: " + e.getMessage(), e);
        }
    }

    /**
     * Sets the batch axis to {@code batch-size} and the image size to what {@link EngineSettings#inputSize()}
     * gives for these frames with a border of {@code padding} around them. A model whose layers hold
     * fixed sizes refuses, and that is reported as such.
     *
     * @return the input's {width, height}
     */
    private int[] reshape(Model model, FrameLayout frames, int padding) {
        PartialShape shape = model.input(input.name()).shape();
        boolean nchw = modelLayout.equals("NCHW");
        int heightAxis = nchw ? 2 : 1;
        int widthAxis = nchw ? 3 : 2;
        int batch = settings.batchSize();
        int[] size = settings.inputSize().resolve(declared(shape.get(widthAxis)), declared(shape.get(heightAxis)),
                frames.width() + 2 * padding, frames.height() + 2 * padding);
        PartialShape wanted = shape.with(0, Dimension.of(batch)).with(heightAxis, Dimension.of(size[1]))
                .with(widthAxis, Dimension.of(size[0])).with(nchw ? 1 : 3, Dimension.of(channels));
        if (wanted.equals(shape)) {
            return size;
        }
        try {
            model.reshape(input.name(), wanted);
        } catch (OpenVinoException e) {
            String cause = firstLine(e.getMessage());
            if (batch > 1 && !isSize(shape.get(0), batch)) {
                throw new InferenceException("batch-size " + batch + " is not possible with " + modelName
                        + ": OpenVINO cannot reshape its input '" + input.name() + "' from " + shape + " to " + wanted
                        + " (" + cause + "). The model's layers hold fixed sizes, so use batch-size=1", e);
            }
            throw new InferenceException("cannot reshape input '" + input.name() + "' of " + modelName + " from "
                    + shape + " to " + wanted + " (input size " + settings.inputSize() + ") for " + frames
                    + " frames: " + cause + reshapeHint(), e);
        }
        return size;
    }

    /** What the user can change when a reshape fails, by the setting that asked for it. */
    private String reshapeHint() {
        InputSize size = settings.inputSize();
        if (size.kind() == InputSize.Kind.EXACT) {
            return ". Choose a reshape-width and reshape-height the model takes, or leave them unset";
        }
        if (size.equals(InputSize.frame())) {
            return ". The model cannot take the frame's size (input-resizable=true): set input-resizable=false"
                    + " to resize frames to the model's own size";
        }
        return "";
    }

    private static long declared(Dimension dimension) {
        return dimension.isStatic() ? dimension.size() : -1;
    }

    /** The frames stretched over the whole input: one pre-processor. */
    private Model stretched(Model model, FrameLayout frames) {
        try (PrePostProcessor ppp = new PrePostProcessor(model)) {
            toModelPixels(centerCropped(frameTensor(ppp, frames), frames), frames).modelLayout(modelLayout);
            convertFloatOutputs(ppp, model);
            return build(ppp, frames);
        }
    }

    /**
     * The frames scaled into part of the input (a letterbox, a border of {@code input-padding}) and the
     * rest padded: two pre-processors (class comment).
     */
    private Model placed(Model model, FrameLayout frames, InputGeometry geometry) {
        if (settings.normalization().perChannel()) {
            throw new IllegalArgumentException(modelName + " pads its input (a letterbox or input-padding) with one"
                    + " value for every channel, which a per-channel normalization (" + settings.normalization()
                    + ") cannot give: use one mean and one scale, or no padding");
        }
        Model padded;
        try (PrePostProcessor ppp = new PrePostProcessor(model)) {
            boolean nchw = modelLayout.equals("NCHW");
            int right = geometry.inputWidth() - geometry.left() - geometry.placedWidth();
            int bottom = geometry.inputHeight() - geometry.top() - geometry.placedHeight();
            int[] begin = nchw ? new int[] {0, 0, geometry.top(), geometry.left()}
                    : new int[] {0, geometry.top(), geometry.left(), 0};
            int[] end = nchw ? new int[] {0, 0, bottom, right} : new int[] {0, bottom, right, 0};
            ppp.input(input.name()).tensorElementType(ElementType.F32).tensorLayout(modelLayout)
                    .tensorSpatialStaticShape(geometry.placedHeight(), geometry.placedWidth())
                    .pad(begin, end, settings.normalization().apply(settings.padValue()))
                    .modelLayout(modelLayout);
            convertFloatOutputs(ppp, model);
            padded = build(ppp, frames);
        }
        try (padded; PrePostProcessor ppp = new PrePostProcessor(padded)) {
            toModelPixels(frameTensor(ppp, frames), frames).modelLayout(modelLayout);
            return build(ppp, frames);
        }
    }

    /**
     * The steps from the frame's u8 pixels to the model's: the only full-resolution step runs on u8,
     * everything after it at the model's size (class comment). Packed frames are resized first;
     * OpenVINO resizes YUV only after its conversion (a single-plane tensor fails shape inference,
     * planes apart fail "nodes.size() == 1"), so YUV frames are converted to the model's colors on
     * u8 first. Measured with benchmark_app, the Open Images SSD at 1920x1080, 2026.4.1: BGR 55 fps
     * converted to f32 first, 65 colors first, 120 resized first (the model alone 135); I420 69 f32
     * first, 99 colors on u8 first; NV12 73 and 105.
     */
    private PrePostProcessor.Input toModelPixels(PrePostProcessor.Input steps, FrameLayout frames) {
        if (!frames.format().hasColor()) {
            steps.resize(settings.resize());
        } else if (frames.format().isPacked()) {
            steps.resize(settings.resize()).convertColor(modelColorFormat());
        } else {
            steps.convertColor(modelColorFormat()).resize(settings.resize());
        }
        return normalize(steps.convertElementType(ElementType.F32));
    }

    /**
     * The middle square of the frame ({@code centerCrop}), cut by OpenVINO from the frame given in
     * place: a step on the u8 tensor that costs no pixel work, before the resize.
     */
    private PrePostProcessor.Input centerCropped(PrePostProcessor.Input steps, FrameLayout frames) {
        if (settings.centerCrop() == 0) {
            return steps;
        }
        if (!frames.format().isPacked()) {
            throw new IllegalArgumentException("a center crop takes packed frames (BGR, RGB, BGRx, RGBx), not "
                    + frames.format() + ": put videoconvert before " + modelName);
        }
        Box box = Box.centered(0, 0, frames.width(), frames.height(), settings.centerCrop());
        return steps.crop(new int[] {0, box.y(), box.x(), 0},
                new int[] {1, box.y() + box.height(), box.x() + box.width(), frames.format().pixelStride()});
    }

    /** The u8 tensor frames are given as, in their own format and size. */
    private PrePostProcessor.Input frameTensor(PrePostProcessor ppp, FrameLayout frames) {
        return ppp.input(input.name()).tensorElementType(ElementType.U8).tensorLayout("NHWC")
                .tensorColorFormat(colorFormat(frames.format()))
                .tensorSpatialStaticShape(frames.height(), frames.width());
    }

    private PrePostProcessor.Input normalize(PrePostProcessor.Input steps) {
        Normalization normalization = settings.normalization();
        if (normalization.changesValues()) {
            steps.mean(normalization.meanValues()).scale(normalization.scaleValues());
        }
        return steps;
    }

    private ColorFormat modelColorFormat() {
        return settings.modelColor() == ModelColor.RGB ? ColorFormat.RGB : ColorFormat.BGR;
    }

    /** Float outputs of other widths become f32, which is what results are read as. */
    private static void convertFloatOutputs(PrePostProcessor ppp, Model model) {
        for (PortInfo output : model.outputs()) {
            ElementType type = output.elementType();
            if (type == ElementType.F16 || type == ElementType.BF16 || type == ElementType.F64) {
                ppp.output(output.index()).tensorElementType(ElementType.F32);
            }
        }
    }

    private Model build(PrePostProcessor ppp, FrameLayout frames) {
        try {
            return ppp.build();
        } catch (OpenVinoException e) {
            throw new InferenceException("cannot set up the pre-processing of " + modelName + " for " + frames
                    + " frames: " + e.getMessage(), e);
        }
    }

    private static ColorFormat colorFormat(PixelFormat format) {
        return switch (format) {
            case BGR -> ColorFormat.BGR;
            case RGB -> ColorFormat.RGB;
            case BGRX -> ColorFormat.BGRX;
            case RGBX -> ColorFormat.RGBX;
            case I420 -> ColorFormat.I420_SINGLE_PLANE;
            case NV12 -> ColorFormat.NV12_SINGLE_PLANE;
            case GRAY8 -> ColorFormat.GRAY;
        };
    }

    private CompiledModel compile(Model built) {
        try (built) {
            Map<String, String> properties = new LinkedHashMap<>(settings.config());
            properties.putIfAbsent("PERFORMANCE_HINT", settings.async() ? "THROUGHPUT" : "LATENCY");
            try {
                return core.compile(built, settings.device(), properties);
            } catch (OpenVinoException e) {
                if ("NOT_FOUND".equals(e.status()) && e.getMessage().contains("unknown device")) {
                    throw new InferenceException("device '" + settings.device() + "' is not available for "
                            + modelName + ": " + e.getMessage() + ". Set device to one of them", e);
                }
                throw new InferenceException("cannot compile " + modelName + " for device " + settings.device()
                        + " with " + properties + " (config): " + firstLine(e.getMessage())
                        + ". Check the device and the config properties", e);
            }
        }
    }

    /** OpenVINO's messages end with the failed check; keep the first and the last meaningful line. */
    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String[] lines = message.strip().split("\n");
        String last = "";
        for (int i = lines.length - 1; i > 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i].strip();
                break;
            }
        }
        return last.isEmpty() || lines.length == 1 ? lines[0].strip() : lines[0].strip() + " ... " + last;
    }
}
