package org.ovgst.infer.detect;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * The {@code anchor-ssd} family: MediaPipe's anchor-based SSD detectors, decoded by
 * {@link AnchorSsdDecoder} with one of the {@link #PRESETS}. A model is one of the presets when it has
 * a box output {@code [batch, anchors, box values]} and a score output {@code [batch, anchors, classes]}
 * of the preset's sizes: found by the preset's own tensor names, else by shape alone, so that other
 * conversions of the same model (the IR form of BlazeFace, with other names and a real batch axis)
 * are recognized too.
 *
 * <p><b>Thresholds.</b> {@link Thresholds#confidence()} is the score threshold, read on every call.
 * {@link Thresholds#iou()} ({@code iou-threshold}) does <em>not</em> apply: each preset suppresses
 * overlapping detections as its MediaPipe graph does, with that graph's threshold and algorithm
 * (weighted averaging at 0.3 for BlazeFace and the palm detector, whose many neighbouring anchors
 * fire on one object and average into a better box; hard suppression at 0.5 for the SSD). A
 * threshold made for other families would change what these models were tuned to give.
 */
public final class AnchorSsdConverter implements DetectionConverter {
    /** The models this family knows, in the order they are tried. */
    public static final List<AnchorSsdConfig> PRESETS = List.of(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE,
            AnchorSsdConfig.PALM_DETECTION_FULL, AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2);

    public static final ConverterFamily FAMILY = new ConverterFamily("anchor-ssd",
            "MediaPipe SSD with anchors: box regressions 1xAx(4+2K) + class logits 1xAxC (BlazeFace, palm, SSD"
                    + " MobileNetV2 Open Images)", List.of("mediapipe", "blazeface"), expects(),
            AnchorSsdConverter::match);

    private final AnchorSsdDecoder decoder;
    /**
     * Whether the output shapes were checked: once is enough, a model lays out its batches the same
     * way in every inference (and the decoder checks each output's size on every call).
     */
    private boolean shapesChecked;

    private AnchorSsdConverter(AnchorSsdConfig config, LabelMap labels) {
        this.decoder = new AnchorSsdDecoder(config, labels);
    }

    /**
     * @throws IllegalArgumentException when an output's shape does not hold this batch in the
     *     preset's layout (the message names the output, its shape and the expected one)
     */
    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        AnchorSsdConfig config = decoder.config();
        String boxes = config.boxes().name();
        String scores = config.scores().name();
        if (!shapesChecked) {
            decoder.checkOutputShapes(results.shape(boxes), results.shape(scores), results.batchSize());
            shapesChecked = true;
        }
        return decoder.decode(results.output(boxes), results.output(scores), results.batchSize(), results.slot(),
                thresholds.confidence());
    }

    /** The preset this converter decodes with, adapted to the model's tensor names and batch layout. */
    public AnchorSsdConfig config() {
        return decoder.config();
    }

    /** The preset's classes, a background class included (the Open Images SSD has 24). */
    @Override
    public int classCount() {
        return decoder.config().scores().classes();
    }

    /** The preset that decodes {@code ports}' outputs, adapted to their names, with its input preparation. */
    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        for (AnchorSsdConfig preset : PRESETS) {
            Optional<AnchorSsdConfig> config = adapt(preset, ports);
            if (config.isPresent()) {
                AnchorSsdConfig found = config.get();
                return Optional.of(new ConverterFamily.Match(found.preparation(),
                        (width, height, labels) -> create(found, width, height, labels)));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code preset} for this model: as it is when the outputs have the preset's names, adapted to the
     * outputs that have its shapes otherwise; empty when the outputs or the input size are not the
     * preset's.
     */
    private static Optional<AnchorSsdConfig> adapt(AnchorSsdConfig preset, ModelPorts ports) {
        if (!fitsInput(ports, preset.input())) {
            return Optional.empty();
        }
        int anchors = preset.anchorCount();
        Optional<PortInfo> boxes = find(ports, preset.boxes().name(), preset.boxes().valuesPerAnchor(), anchors);
        Optional<PortInfo> scores = find(ports, preset.scores().name(), preset.scores().classes(), anchors);
        if (boxes.isEmpty() || scores.isEmpty() || boxes.get().equals(scores.get())) {
            return Optional.empty();
        }
        boolean presetsOwnFile = boxes.get().name().equals(preset.boxes().name())
                && scores.get().name().equals(preset.scores().name());
        if (presetsOwnFile) {
            return Optional.of(preset);
        }
        // Another conversion keeps a real batch axis, as the IR form of BlazeFace does.
        return Optional.of(preset.withTensors(ports.input().name(), boxes.get().name(), scores.get().name(),
                AnchorSsdConfig.BatchLayout.FRAME_MAJOR));
    }

    /** The output named {@code usual} if it has the right shape, else the first one that has. */
    private static Optional<PortInfo> find(ModelPorts ports, String usual, int values, int anchors) {
        Optional<PortInfo> named = ports.output(usual).filter(port -> fits(port.shape(), values, anchors));
        return named.isPresent() ? named
                : ports.outputs().stream().filter(port -> fits(port.shape(), values, anchors)).findFirst();
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

    /** Whether the image input's height and width are the preset's where the file fixes them. */
    private static boolean fitsInput(ModelPorts ports, AnchorSsdConfig.Input input) {
        PartialShape shape = ports.input().shape();
        if (!shape.isRankStatic() || shape.rank() != 4) {
            return false;
        }
        int heightAxis = ports.layout().equals("NCHW") ? 2 : 1;
        return sizeAllows(shape.get(heightAxis), input.height()) && sizeAllows(shape.get(heightAxis + 1),
                input.width());
    }

    private static boolean sizeAllows(Dimension dimension, int size) {
        return !dimension.isStatic() || dimension.size() == size;
    }

    /** The converter, for the size the preset's anchors and box scales are made for only. */
    private static AnchorSsdConverter create(AnchorSsdConfig config, int width, int height, LabelMap labels) {
        AnchorSsdConfig.Input input = config.input();
        if (width != input.width() || height != input.height()) {
            String size = input.width() + "x" + input.height();
            throw new IllegalArgumentException("the anchor-ssd preset " + config.name() + " decodes a " + size
                    + " input (its anchors and box scales are made for that size), but the model input is " + width
                    + "x" + height + ": leave reshape-width and reshape-height unset, or use a model whose input is "
                    + size);
        }
        return new AnchorSsdConverter(config, labels);
    }

    private static String expects() {
        return "a box output [batch, anchors, box values] and a class-logit output [batch, anchors, classes]"
                + " (or the batch folded into the anchor axis) of one of MediaPipe's anchor SSDs: "
                + PRESETS.stream().map(preset -> preset.name() + " (input " + preset.input().width() + "x"
                        + preset.input().height() + ", " + preset.anchorCount() + " anchors, "
                        + preset.boxes().valuesPerAnchor() + " box values, " + classes(preset.scores().classes()) + ")")
                        .collect(Collectors.joining(", "))
                + "; iou-threshold does not apply, each preset suppresses overlaps as its MediaPipe graph does";
    }

    private static String classes(int count) {
        return count == 1 ? "1 class" : count + " classes";
    }
}
