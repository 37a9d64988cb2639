package org.ovgst.infer.detect;

import java.util.List;
import java.util.Optional;
import org.ovgst.infer.model.LabelMap;

/**
 * One family of detection models ({@code model-type}): how to recognize it from the model's ports,
 * how it wants frames prepared, and how to make its converter once the input size is known.
 *
 * @param name the {@code model-type} nick, e.g. {@code yolo-v8} (DL Streamer's converter name with dashes)
 * @param summary what the value means in one line, as gst-inspect-1.0 prints it beside the nick: the
 *     models and their output, e.g. {@code Ultralytics YOLOv8, v9, YOLO11 (1x(4+C)xN)}
 * @param aliases other names users write for the family (Ultralytics' {@code yolo11}); DL Streamer's
 *     {@code yolo_v8} and {@code YOLOv8} need none, as case, {@code -} and {@code _} do not count
 * @param expects what the family decodes, for error messages: its outputs, their shapes and meaning
 * @param matcher recognizes the family's models
 */
public record ConverterFamily(String name, String summary, List<String> aliases, String expects, Matcher matcher) {
    public ConverterFamily {
        aliases = List.copyOf(aliases);
    }

    /** Decides whether a model is of this family. */
    @FunctionalInterface
    public interface Matcher {
        /**
         * How to run and decode this model, or empty when its outputs are not this family's. Must
         * not throw for a model of another family.
         */
        Optional<Match> match(ModelPorts ports);
    }

    /** Makes the converter once the model input's size (after any reshape) is known. */
    @FunctionalInterface
    public interface Factory {
        DetectionConverter create(int inputWidth, int inputHeight, LabelMap labels);
    }

    /**
     * A model recognized as one of the family's.
     *
     * @param input how frames become its input
     * @param factory makes its converter
     */
    public record Match(InputPreparation input, Factory factory) {}

    public Optional<Match> match(ModelPorts ports) {
        return matcher.match(ports);
    }
}
