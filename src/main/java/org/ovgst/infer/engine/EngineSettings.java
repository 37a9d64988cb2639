package org.ovgst.infer.engine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.tensor.ResizeAlgorithm;

/**
 * How to run a model. Build from {@link #DEFAULTS} or {@link #of(Path)} with the {@code with...}
 * methods; the constructor refuses values that are out of range (never clamps). Error messages
 * name the settings by the element property names given below.
 *
 * @param model the model file ({@code model}): OpenVINO IR .xml (its .bin beside it), ONNX, TFLite
 *     or PaddlePaddle
 * @param device OpenVINO device ({@code device}): {@code CPU}, {@code GPU}, {@code AUTO}, ...
 * @param nireq infer requests in the pool ({@code nireq}); 0 asks the device
 *     ({@code OPTIMAL_NUMBER_OF_INFER_REQUESTS}); ignored (1) when not async
 * @param batchSize frames per inference ({@code batch-size}); above 1 the model is reshaped
 * @param async run inference on OpenVINO's threads ({@code async}); false runs it on the caller's
 * @param config compile properties ({@code config}), e.g. {@code NUM_STREAMS=2}; without a
 *     {@code PERFORMANCE_HINT}, THROUGHPUT is used when async and LATENCY otherwise
 * @param inputName the model input fed with frames ({@code input-name}); {@code null} for the
 *     model's only input
 * @param normalization {@code (value - mean) / scale} on the channel values (0-255); mean 127.5 and
 *     scale 127.5 give [-1, 1] ({@code input-scale}, {@code input-offset}, {@code mean-values},
 *     {@code scale-values})
 * @param modelColor the color order the model takes ({@code model-color})
 * @param modelLayout {@code NCHW} or {@code NHWC} ({@code model-layout}), or {@code null} to tell
 *     from the input shape (the axis of size 3 is the channel axis)
 * @param resize how frames are resized to the model's input ({@code resize})
 * @param letterbox keep the frame's aspect ratio in the model's input and pad the rest (centered);
 *     false stretches the frame over the whole input
 * @param padValue the padding's value in every channel, 0-255, before {@code mean} and {@code scale}
 * @param inputSize the size of the model's image input ({@code reshape-width}, {@code reshape-height})
 * @param inputPadding a border of {@code padValue} this many pixels wide around the frame in the
 *     model's input ({@code input-padding}): models whose valid convolutions eat the edges (waifu2x)
 * @param centerCrop the model sees only the middle square of each frame, its side this fraction of
 *     the frame's short side, cropped by OpenVINO ({@code center-crop} of a classifier on whole
 *     frames); 0 for the whole frame
 */
public record EngineSettings(Path model, String device, int nireq, int batchSize, boolean async,
        Map<String, String> config, String inputName, Normalization normalization, ModelColor modelColor,
        String modelLayout, ResizeAlgorithm resize, boolean letterbox, float padValue, InputSize inputSize,
        int inputPadding, double centerCrop) {

    /** The defaults, declared once: every setting but the model. */
    public static final EngineSettings DEFAULTS = new EngineSettings(null, "CPU", 0, 1, true, Map.of(), null, Normalization.NONE,
            ModelColor.RGB, null, ResizeAlgorithm.LINEAR, false, 0f, InputSize.DECLARED_OR_FRAME, 0, 0);

    public EngineSettings {
        config = Map.copyOf(config);
        Objects.requireNonNull(modelColor, "modelColor");
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(inputSize, "inputSize");
        if (!(padValue >= 0 && padValue <= 255)) {
            throw new IllegalArgumentException("pad value " + padValue + " is not valid for " + name(model)
                    + ": use a channel value from 0 to 255");
        }
        if (inputPadding < 0) {
            throw new IllegalArgumentException("input-padding " + inputPadding + " is not valid for " + name(model)
                    + ": use 0 (no border) or a number of pixels");
        }
        if (!(centerCrop >= 0 && centerCrop <= 1)) {
            throw new IllegalArgumentException("center crop " + centerCrop + " is not valid for " + name(model)
                    + ": use a fraction of the short side from 0 (no crop) to 1");
        }
        if (centerCrop > 0 && (letterbox || inputPadding > 0)) {
            throw new IllegalArgumentException("a center crop and a letterbox or input padding cannot go together for "
                    + name(model) + ": the crop is for classifiers, which stretch");
        }
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device is empty for " + name(model)
                    + ": set device to CPU, GPU, AUTO or another OpenVINO device");
        }
        if (nireq < 0) {
            throw new IllegalArgumentException("nireq " + nireq + " is not valid for " + name(model)
                    + ": use 0 (as many infer requests as the device finds optimal) or a positive number");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size " + batchSize + " is not valid for " + name(model)
                    + ": use 1 (one frame per inference) or more frames per inference");
        }
        Objects.requireNonNull(normalization, "normalization");
        if (modelLayout != null) {
            modelLayout = modelLayout.toUpperCase(Locale.ROOT);
            if (!modelLayout.equals("NCHW") && !modelLayout.equals("NHWC")) {
                throw new IllegalArgumentException("model-layout '" + modelLayout + "' is not valid for "
                        + name(model) + ": use NCHW, NHWC, or leave it unset to tell from the input shape");
            }
        }
    }

    /** The defaults with this model. */
    public static EngineSettings of(Path model) {
        return DEFAULTS.withModel(model);
    }

    public EngineSettings withModel(Path model) {
        return with(s -> s.model = model);
    }

    public EngineSettings withDevice(String device) {
        return with(s -> s.device = device);
    }

    public EngineSettings withNireq(int nireq) {
        return with(s -> s.nireq = nireq);
    }

    public EngineSettings withBatchSize(int batchSize) {
        return with(s -> s.batchSize = batchSize);
    }

    public EngineSettings withAsync(boolean async) {
        return with(s -> s.async = async);
    }

    public EngineSettings withConfig(Map<String, String> config) {
        return with(s -> s.config = config);
    }

    public EngineSettings withInputName(String inputName) {
        return with(s -> s.inputName = inputName);
    }

    /** {@code (value - mean) / scale} on every channel. */
    public EngineSettings withNormalization(float mean, float scale) {
        return withNormalization(Normalization.uniform(mean, scale));
    }

    public EngineSettings withNormalization(Normalization normalization) {
        return with(s -> s.normalization = normalization);
    }

    public EngineSettings withModelColor(ModelColor modelColor) {
        return with(s -> s.modelColor = modelColor);
    }

    public EngineSettings withModelLayout(String modelLayout) {
        return with(s -> s.modelLayout = modelLayout);
    }

    public EngineSettings withResize(ResizeAlgorithm resize) {
        return with(s -> s.resize = resize);
    }

    /** Letterboxed with padding of {@code padValue} (0-255), or stretched. */
    public EngineSettings withFit(boolean letterbox, float padValue) {
        return with(s -> {
            s.letterbox = letterbox;
            s.padValue = padValue;
        });
    }

    public EngineSettings withInputSize(InputSize inputSize) {
        return with(s -> s.inputSize = inputSize);
    }

    public EngineSettings withInputPadding(int inputPadding) {
        return with(s -> s.inputPadding = inputPadding);
    }

    public EngineSettings withCenterCrop(double centerCrop) {
        return with(s -> s.centerCrop = centerCrop);
    }

    /** A copy with some settings changed, checked again by the constructor. */
    private EngineSettings with(java.util.function.Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.settings();
    }

    /** The settings as mutable fields, for {@link #with}. */
    private static final class Draft {
        Path model;
        String device;
        int nireq;
        int batchSize;
        boolean async;
        Map<String, String> config;
        String inputName;
        Normalization normalization;
        ModelColor modelColor;
        String modelLayout;
        ResizeAlgorithm resize;
        boolean letterbox;
        float padValue;
        InputSize inputSize;
        int inputPadding;
        double centerCrop;

        Draft(EngineSettings from) {
            model = from.model;
            device = from.device;
            nireq = from.nireq;
            batchSize = from.batchSize;
            async = from.async;
            config = from.config;
            inputName = from.inputName;
            normalization = from.normalization;
            modelColor = from.modelColor;
            modelLayout = from.modelLayout;
            resize = from.resize;
            letterbox = from.letterbox;
            padValue = from.padValue;
            inputSize = from.inputSize;
            inputPadding = from.inputPadding;
            centerCrop = from.centerCrop;
        }

        EngineSettings settings() {
            return new EngineSettings(model, device, nireq, batchSize, async, config, inputName, normalization, modelColor,
                    modelLayout, resize, letterbox, padValue, inputSize, inputPadding,
                    centerCrop);
        }
    }

    private static String name(Path model) {
        return model == null ? "(no model set)" : model.toString();
    }
}
