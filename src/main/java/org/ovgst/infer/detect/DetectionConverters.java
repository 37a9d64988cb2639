package org.ovgst.infer.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ovgst.infer.InferenceException;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * The converter families ovdetect knows, and how {@code model-type} picks one: by name, or with
 * {@code auto} the first family, in {@link #FAMILIES} order, that recognizes the model's outputs.
 */
public final class DetectionConverters {
    /** {@code model-type=auto}. */
    public static final String AUTO = "auto";

    /**
     * Every family, in the order {@code auto} tries them: the most specific shapes first, so that a
     * family whose outputs could pass for another's (a one-class YOLOv5 and YOLOv10 both end in 6
     * values) is decided by its own stricter test. The YOLO families: yolo-v10 and yolo-v5 test exact
     * counts and exclude each other, yolo-v8 only compares two dimensions, so it comes after them.
     */
    public static final List<ConverterFamily> FAMILIES = List.of(
            AnchorSsdConverter.FAMILY,
            DetectionOutputConverter.FAMILY,
            BoxesLabelsConverter.FAMILY,
            CenterFaceConverter.FAMILY,
            YoloV10Converter.FAMILY,
            YoloV5Converter.FAMILY,
            YoloV8Converter.FAMILY);

    private DetectionConverters() {}

    /** {@code auto} and every family's name: the values of {@code model-type}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(AUTO);
        FAMILIES.forEach(family -> names.add(family.name()));
        return List.copyOf(names);
    }

    /** A family and what it made of the model. */
    public record Selected(ConverterFamily family, ConverterFamily.Match match) {}

    /**
     * The family for {@code modelType} ({@code auto} or a name) and this model.
     *
     * @throws InferenceException when the named family does not recognize the model, or no family
     *     does: the message lists the model's outputs and what each family expects
     */
    public static Selected select(String modelType, ModelPorts ports, String model) {
        if (AUTO.equals(modelType)) {
            for (ConverterFamily family : FAMILIES) {
                Optional<ConverterFamily.Match> match = family.match(ports);
                if (match.isPresent()) {
                    return new Selected(family, match.get());
                }
            }
            throw new NotADetector("model " + model + " is not a detector ovdetect knows: " + looksLike(ports)
                    + " (the outputs each model-type decodes: GST_DEBUG=ovdetect:4)",
                    "model " + model + ": no model-type fits its outputs " + PortInfo.describe(ports.outputs())
                            + ". model-type=auto tried " + expectations() + notADetector(ports));
        }
        ConverterFamily family = FAMILIES.stream().filter(f -> f.name().equals(modelType)).findFirst()
                .orElseThrow(() -> new InferenceException("model-type '" + modelType + "' is not known; use "
                        + String.join(", ", names())));
        return family.match(ports).map(match -> new Selected(family, match))
                .orElseThrow(() -> new InferenceException("model " + model + " is not a " + family.name()
                        + " model: its outputs are " + PortInfo.describe(ports.outputs()) + ", and " + family.name()
                        + " expects " + family.expects() + ". Leave model-type at auto to find the family from the"
                        + " outputs"));
    }

    private static String expectations() {
        return FAMILIES.stream().map(f -> f.name() + " (" + f.expects() + ")").collect(Collectors.joining("; "));
    }

    /**
     * A model no family knows: the message says in one line what it looks like and what fits it;
     * {@link #analysis} is the whole story (its outputs, what each family expects), which ovdetect
     * logs at INFO, as the message says.
     */
    public static final class NotADetector extends InferenceException {
        private final String analysis;

        NotADetector(String message, String analysis) {
            super(message);
            this.analysis = analysis;
        }

        public String analysis() {
            return analysis;
        }
    }

    /** What a model no family knows looks like from its outputs, and which element or setting fits it. */
    static String looksLike(ModelPorts ports) {
        List<PortInfo> outputs = ports.outputs();
        String shapes = outputs.stream().map(p -> "'" + p.name() + "' " + p.shape()).collect(Collectors.joining(", "));
        // Ultralytics' -seg exports: the detect head with 32 mask coefficients, beside the mask prototypes.
        boolean prototypes = outputs.stream().anyMatch(p -> size(p, 1) == 32 && p.shape().isRankStatic()
                && p.shape().rank() == 4);
        if (prototypes && outputs.size() == 2) {
            return "it looks like a segmentation export (" + shapes + ", mask prototypes): use the detection export"
                    + " of the same model (yolo export model=yolov8n.pt format=onnx)";
        }
        boolean image = outputs.stream().anyMatch(p -> p.shape().isRankStatic() && p.shape().rank() == 4
                && size(p, 2) != 1 && size(p, 3) != 1);
        if (image) {
            return "it looks like a frame-processing model (an image or map output: " + shapes + "): use ovprocess";
        }
        boolean vectors = outputs.stream().allMatch(p -> p.shape().isRankStatic() && p.shape().rank() <= 2);
        if (vectors) {
            return outputs.size() == 1
                    ? "it looks like a classifier (one output " + shapes + "): use ovclassify"
                    : "it looks like a classifier or landmark model (one vector per image: " + shapes + "): use"
                            + " ovclassify, with output-name for the output to read";
        }
        return "its outputs (" + shapes + ") fit no family; if you know the family, name it with model-type"
                + " (gst-inspect-1.0 ovdetect lists them)";
    }

    /** The static size of an output's axis, or -1 (dynamic, or no such axis). */
    private static long size(PortInfo port, int axis) {
        PartialShape shape = port.shape();
        return shape.isRankStatic() && axis < shape.rank() && shape.get(axis).isStatic() ? shape.get(axis).size() : -1;
    }

    /** Where a model that is not a detector belongs, judged from its outputs. */
    private static String notADetector(ModelPorts ports) {
        boolean imageOutput = ports.outputs().stream().anyMatch(p -> p.shape().isRankStatic() && p.shape().rank() == 4);
        return imageOutput
                ? ". An output of rank 4 is an image or a map (super-resolution, segmentation, heat maps): that is a"
                        + " frame-processing model, not a detector"
                : ". Outputs that are one vector per image (landmarks, scores, class probabilities) describe a"
                        + " region instead of finding one: that is a classification model, not a detector";
    }
}
