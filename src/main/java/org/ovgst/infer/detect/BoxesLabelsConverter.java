package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/**
 * {@code boxes-labels}: Open Model Zoo's newer detectors (person-detection-0200 and its kin; DL
 * Streamer's {@code boxes_labels} converter). Two outputs: {@code boxes [N, 5]} or
 * {@code [B, N, 5]}, each row {@code x_min, y_min, x_max, y_max, confidence} in model-input pixels,
 * and {@code labels [N]} or {@code [B, N]}, the class id of each box (i64, i32, or floating point).
 * The model has done non-maximum suppression; unused rows score 0.
 *
 * <p><b>Batches.</b> With {@code [B, N, 5]} and {@code [B, N]} frame {@code b} owns row block
 * {@code b}. Outputs without a batch axis hold one frame, so they decode only at batch-size 1.
 *
 * <p><b>Matching.</b> When the model has an output named {@code boxes} or {@code labels}, it is this
 * family's if it has both and they fit (other outputs are ignored, as DL Streamer does). Otherwise
 * it must have exactly two outputs that fit, in either order. They fit when the boxes are floating
 * point of rank 2 or 3 with a static last dimension of 5, the labels are i64, i32 or floating point
 * with one dimension less, and every dimension but the 5 can equal the labels' (same size, or
 * either dynamic).
 */
public final class BoxesLabelsConverter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("boxes-labels",
            "boxes Nx5 (pixels + confidence) + labels N (Open Model Zoo person-detection-0200 and kin)", List.of(),
            "outputs boxes [N,5] or [B,N,5] (x_min, y_min, x_max, y_max, confidence in input pixels) and labels [N]"
                    + " or [B,N] (class ids, i64, i32 or f32), by those names or as the model's only two outputs"
                    + " (Open Model Zoo's person-detection-0200 and its kin)",
            BoxesLabelsConverter::match);

    private static final String BOXES = "boxes";
    private static final String LABELS = "labels";
    private static final int BOX_VALUES = 5;
    private static final int CONFIDENCE = 4;

    private final String boxes;
    private final String labels;
    private final float inputWidth;
    private final float inputHeight;
    private final LabelMap labelMap;

    private BoxesLabelsConverter(String boxes, String labels, int inputWidth, int inputHeight, LabelMap labelMap) {
        this.boxes = boxes;
        this.labels = labels;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.labelMap = labelMap;
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        Optional<PortInfo> namedBoxes = named(ports, BOXES);
        Optional<PortInfo> namedLabels = named(ports, LABELS);
        if (namedBoxes.isPresent() || namedLabels.isPresent()) {
            return namedBoxes.isPresent() && namedLabels.isPresent()
                    ? matchPair(namedBoxes.get(), namedLabels.get()) : Optional.empty();
        }
        if (ports.outputs().size() != 2) {
            return Optional.empty();
        }
        PortInfo first = ports.outputs().get(0);
        PortInfo second = ports.outputs().get(1);
        return matchPair(first, second).or(() -> matchPair(second, first));
    }

    private static Optional<PortInfo> named(ModelPorts ports, String name) {
        return ports.outputs().stream().filter(port -> name.equals(port.name())).findFirst();
    }

    private static Optional<ConverterFamily.Match> matchPair(PortInfo boxes, PortInfo labels) {
        if (!fit(boxes, labels)) {
            return Optional.empty();
        }
        String boxesName = boxes.name();
        String labelsName = labels.name();
        return Optional.of(new ConverterFamily.Match(ConverterSupport.OPEN_MODEL_ZOO_INPUT,
                (inputWidth, inputHeight, labelMap) -> new BoxesLabelsConverter(boxesName, labelsName, inputWidth,
                        inputHeight, labelMap)));
    }

    private static boolean fit(PortInfo boxes, PortInfo labels) {
        if (!ConverterSupport.isFloatingPoint(boxes.elementType()) || !isLabelType(labels.elementType())
                || !(ConverterSupport.hasRank(boxes, 2) || ConverterSupport.hasRank(boxes, 3))
                || !ConverterSupport.hasRank(labels, boxes.shape().rank() - 1)) {
            return false;
        }
        int labelAxes = labels.shape().rank();
        if (!ConverterSupport.isSize(boxes.shape().get(labelAxes), BOX_VALUES)) {
            return false;
        }
        for (int axis = 0; axis < labelAxes; axis++) {
            if (!ConverterSupport.canBeEqual(boxes.shape().get(axis), labels.shape().get(axis))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLabelType(ElementType type) {
        return type == ElementType.I64 || type == ElementType.I32 || ConverterSupport.isFloatingPoint(type);
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        int batch = results.batchSize();
        long[] boxesShape = results.shape(boxes);
        boolean batched = boxesShape.length == 3;
        boolean holdsTheBatch = batched ? boxesShape[0] == batch : boxesShape.length == 2 && batch == 1;
        if (!holdsTheBatch || boxesShape[boxesShape.length - 1] != BOX_VALUES) {
            throw ConverterSupport.wrongShape(FAMILY.name(), boxes, boxesShape, "at batch-size " + batch
                    + " it reads " + (batch == 1 ? "[N,5] or [1,N,5]" : "[" + batch + ",N,5]")
                    + (batched || batch == 1 ? "" : ": an output without a batch axis holds one frame, so use"
                            + " batch-size=1"));
        }
        long count = boxesShape[boxesShape.length - 2];
        long[] labelsShape = results.shape(labels);
        if (!Arrays.equals(labelsShape, 0, labelsShape.length, boxesShape, 0, boxesShape.length - 1)) {
            throw ConverterSupport.wrongShape(FAMILY.name(), labels, labelsShape, "with boxes "
                    + PartialShape.of(boxesShape) + " it reads "
                    + PartialShape.of(Arrays.copyOf(boxesShape, boxesShape.length - 1)) + ", one label per box");
        }
        MemorySegment boxValues = results.output(boxes);
        MemorySegment labelValues = results.output(labels);
        ElementType labelType = results.elementType(labels);
        long first = results.slot() * count;
        List<Detection> found = new ArrayList<>();
        for (long box = first; box < first + count; box++) {
            long at = box * BOX_VALUES;
            float confidence = boxValues.getAtIndex(JAVA_FLOAT, at + CONFIDENCE);
            if (!ConverterSupport.passes(confidence, thresholds)) {
                continue;
            }
            ConverterSupport.addBestFirst(found, ConverterSupport.detection(labelMap,
                    label(labelValues, labelType, box), confidence,
                    boxValues.getAtIndex(JAVA_FLOAT, at) / inputWidth,
                    boxValues.getAtIndex(JAVA_FLOAT, at + 1) / inputHeight,
                    boxValues.getAtIndex(JAVA_FLOAT, at + 2) / inputWidth,
                    boxValues.getAtIndex(JAVA_FLOAT, at + 3) / inputHeight));
        }
        return found;
    }

    private int label(MemorySegment values, ElementType type, long index) {
        return switch (type) {
            case I64 -> (int) values.getAtIndex(JAVA_LONG, index);
            case I32 -> values.getAtIndex(JAVA_INT, index);
            // The engine delivers every floating-point output as f32.
            case F32 -> (int) values.getAtIndex(JAVA_FLOAT, index);
            default -> throw new IllegalArgumentException(FAMILY.name() + ": output '" + labels + "' holds " + type
                    + " labels, but " + FAMILY.name() + " reads i64, i32 or f32 labels");
        };
    }

    @Override
    public int classCount() {
        return -1;
    }
}
