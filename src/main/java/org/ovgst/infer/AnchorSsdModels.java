package org.ovgst.infer;

import java.util.List;
import java.util.Optional;
import org.ovgst.openvino.Dimension;
import org.ovgst.openvino.PartialShape;
import org.ovgst.openvino.PortInfo;

/**
 * Tells which known anchor-SSD model a model file is, from its inputs and outputs, so that
 * {@code model-type=auto} works for the models ovgst knows in any of their forms (TFLite, IR).
 */
public final class AnchorSsdModels {
    /** The models this decoder knows, in the order they are tried. */
    public static final List<AnchorSsdConfig> KNOWN = List.of(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE,
            AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2);

    private AnchorSsdModels() {}

    /**
     * The known model whose outputs these are: by its own tensor names when they are present, else by
     * the shape of the outputs ({@code [batch, anchors, box values]} and {@code [batch, anchors, classes]}),
     * adapted to this file's tensor names. {@code boxesName}/{@code scoresName} may pin the outputs.
     */
    public static Optional<AnchorSsdConfig> match(List<PortInfo> inputs, List<PortInfo> outputs, String boxesName,
            String scoresName) {
        for (AnchorSsdConfig known : KNOWN) {
            int anchors = SsdAnchors.generate(known.anchors(), known.input().width(), known.input().height()).count();
            Optional<PortInfo> boxes = find(outputs, boxesName, known.boxes().name(), known.boxes().valuesPerAnchor(),
                    anchors);
            Optional<PortInfo> scores = find(outputs, scoresName, known.scores().name(), known.scores().classes(),
                    anchors);
            if (boxes.isEmpty() || scores.isEmpty() || boxes.get().equals(scores.get())) {
                continue;
            }
            boolean sameFile = boxes.get().name().equals(known.boxes().name())
                    && scores.get().name().equals(known.scores().name());
            if (sameFile) {
                return Optional.of(known);
            }
            String input = inputs.size() == 1 ? inputs.getFirst().name() : known.input().name();
            // Another conversion keeps a real batch axis, as the IR form of BlazeFace does.
            return Optional.of(known.withTensors(input, boxes.get().name(), scores.get().name(),
                    AnchorSsdConfig.BatchLayout.FRAME_MAJOR));
        }
        return Optional.empty();
    }

    /**
     * The labels of a known model that ships no label file: BlazeFace finds one class, faces.
     * Empty for anything else.
     */
    public static List<String> builtInLabels(AnchorSsdConfig config) {
        return config.anchors().equals(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE.anchors()) ? List.of("face") : List.of();
    }

    /** The output named {@code pinned}, else one named {@code usual}, else one of the right shape. */
    private static Optional<PortInfo> find(List<PortInfo> outputs, String pinned, String usual, int values,
            int anchors) {
        if (pinned != null) {
            return outputs.stream().filter(p -> p.name().equals(pinned) && fits(p.shape(), values, anchors)).findFirst();
        }
        Optional<PortInfo> named = outputs.stream().filter(p -> p.name().equals(usual) && fits(p.shape(), values,
                anchors)).findFirst();
        return named.isPresent() ? named
                : outputs.stream().filter(p -> fits(p.shape(), values, anchors)).findFirst();
    }

    /** {@code [?, anchors or ?, values]}. */
    private static boolean fits(PartialShape shape, int values, int anchors) {
        if (!shape.isRankStatic() || shape.rank() != 3) {
            return false;
        }
        Dimension last = shape.get(2);
        Dimension middle = shape.get(1);
        return last.isStatic() && last.size() == values && (!middle.isStatic() || middle.size() == anchors);
    }
}
