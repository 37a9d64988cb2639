package org.ovgst.infer.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ovgst.infer.InferenceException;
import org.ovgst.openvino.PortInfo;

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
            throw new InferenceException("model " + model + " is not a detector any converter knows: its outputs are "
                    + PortInfo.describe(ports.outputs()) + ". model-type=auto tried " + expectations() + notADetector(ports));
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
