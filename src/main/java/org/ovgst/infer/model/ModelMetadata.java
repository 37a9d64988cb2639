package org.ovgst.infer.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.ovgst.files.UserFiles;

/**
 * What a model file says about itself: its class labels, the input size it was trained at, its type.
 * Read from the file directly, as OpenVINO's C API gives no access to a model's rt_info.
 *
 * <ul>
 * <li><b>ONNX</b> ({@code .onnx}): {@code ModelProto.metadata_props}. Ultralytics writes {@code names}
 *     (a Python dict literal, {@code {0: 'person', ...}}), {@code imgsz} ({@code [height, width]}) and
 *     {@code task}; OpenVINO's Model API writes {@code model_info labels} (space-separated) and
 *     {@code model_info model_type}; RapidAI's and PaddleOCR's classifiers write {@code character} (one
 *     label a line). The file is streamed: the graph and its weights are skipped by
 *     their length, never read.
 * <li><b>OpenVINO IR</b> ({@code .xml}): the model's {@code <rt_info>}. {@code model_info/labels}
 *     (space-separated) and {@code model_info/model_type} are the Model API's, which Ultralytics'
 *     OpenVINO export also writes (names with spaces turned into {@code _}); {@code framework/names},
 *     {@code framework/imgsz} and {@code framework/task} are an ONNX file's metadata_props, which
 *     OpenVINO's converter keeps there.
 * <li><b>Any other format</b> (TFLite, PaddlePaddle, ...): {@link #NONE}; the file is not opened.
 *     TFLite files can carry metadata of their own, but ovgst does not read it.
 * </ul>
 *
 * Where a file has several, {@code model_info labels} wins over {@code names}, which wins over
 * {@code character}: the first is the form written
 * for inference, and the one other OpenVINO tools show.
 *
 * @param labels the class names, class {@code i} at index {@code i} (empty where a class has no name);
 *     empty when the file has none
 * @param inputSize the input size the model was trained at, when the file says
 * @param modelType the Model API's {@code model_type} ({@code YOLO}, {@code ssd}, ...), or {@code null}
 * @param task Ultralytics' {@code task} ({@code detect}, {@code segment}, {@code classify}, {@code pose},
 *     {@code obb}), or {@code null}
 * @param source where the values were found, for messages (for example
 *     {@code ONNX metadata_props 'names', 'imgsz'}); empty when nothing was
 */
public record ModelMetadata(List<String> labels, Optional<ImageSize> inputSize, String modelType, String task,
        String source) {

    /** A file that says nothing about itself. */
    public static final ModelMetadata NONE = new ModelMetadata(List.of(), Optional.empty(), null, null, "");

    // Keys as an ONNX file spells them; the IR reader maps its rt_info paths to these.
    static final String MODEL_API_LABELS = "model_info labels";
    static final String MODEL_API_TYPE = "model_info model_type";
    static final String NAMES = "names";
    static final String CHARACTER = "character";
    static final String IMAGE_SIZE = "imgsz";
    static final String TASK = "task";

    public ModelMetadata {
        labels = List.copyOf(labels);
    }

    /** A model input's width and height, in pixels. */
    public record ImageSize(int width, int height) {
        public ImageSize {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("input size " + width + "x" + height + " is not positive");
            }
        }

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /** A metadata value and where in the file it was, for messages ({@code 'names'}, {@code framework/names}). */
    record Found(String value, String where) {
    }

    /**
     * The metadata of {@code model}, by its file name extension.
     *
     * @throws IOException if the file cannot be read, or is not a well-formed file of its format, or
     *     its metadata cannot be parsed; the message names the file and what is wrong
     */
    public static ModelMetadata read(Path model) throws IOException {
        UserFiles.requireReadableFile(model, "model file");
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return interpret(model, "ONNX metadata_props", OnnxMetadata.read(model));
        }
        if (name.endsWith(".xml")) {
            return interpret(model, "IR rt_info", IrRtInfo.read(model));
        }
        return NONE;
    }

    public boolean isEmpty() {
        return labels.isEmpty() && inputSize.isEmpty() && modelType == null && task == null;
    }

    private static ModelMetadata interpret(Path model, String format, Map<String, Found> entries) throws IOException {
        List<String> used = new ArrayList<>();
        List<String> labels = List.of();
        Found modelApiLabels = entries.get(MODEL_API_LABELS);
        if (modelApiLabels != null && !modelApiLabels.value().isBlank()) {
            used.add(modelApiLabels.where());
            labels = Arrays.asList(modelApiLabels.value().strip().split("\\s+"));
        } else if (entries.containsKey(NAMES)) {
            labels = parse(model, format, entries.get(NAMES), PythonLiterals::classNames,
                    "a Python dict or list of class names", used);
        } else if (entries.containsKey(CHARACTER) && !entries.get(CHARACTER).value().isBlank()) {
            used.add(entries.get(CHARACTER).where());
            labels = entries.get(CHARACTER).value().strip().lines().map(String::strip).toList();
        }
        Optional<ImageSize> inputSize = entries.containsKey(IMAGE_SIZE)
                ? Optional.of(parse(model, format, entries.get(IMAGE_SIZE), PythonLiterals::imageSize,
                        "an image size ([height, width])", used))
                : Optional.empty();
        String modelType = text(entries.get(MODEL_API_TYPE), used);
        String task = text(entries.get(TASK), used);
        String source = used.isEmpty() ? "" : format + " " + String.join(", ", used);
        return new ModelMetadata(labels, inputSize, modelType, task, source);
    }

    private static <T> T parse(Path model, String format, Found found, Function<String, T> parser, String expected,
            List<String> used) throws IOException {
        try {
            T value = parser.apply(found.value());
            used.add(found.where());
            return value;
        } catch (IllegalArgumentException e) {
            throw new IOException(model + ": " + format + " " + found.where() + " is not " + expected + ": "
                    + e.getMessage(), e);
        }
    }

    /** The stripped value, or {@code null} if there is none. */
    private static String text(Found found, List<String> used) {
        if (found == null || found.value().isBlank()) {
            return null;
        }
        used.add(found.where());
        return found.value().strip();
    }
}
