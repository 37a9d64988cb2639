package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.PartialShape;

/**
 * {@code yolo-v10}: Ultralytics YOLOv10, whose one-to-one head needs no non-maximum suppression,
 * and any Ultralytics model exported with NMS in the graph. One output {@code [batch, N, 6]}: per
 * detection {@code x_min, y_min, x_max, y_max} (input pixels), score and class id; N is the export's
 * maximum number of detections (300 by default). Detections below the threshold are dropped; the
 * rest come out best first, equal scores in output order.
 *
 * <p><b>Matching.</b> The model has exactly one output, of a floating-point type and rank 3, with
 * dimension 2 of 6 and a static dimension 1 that is no YOLO grid count for the model's input
 * (neither YOLOv5's 3 anchors per cell nor YOLOv8's one box per cell; see {@link YoloMatching}, also
 * for inputs of dynamic size): {@code [1,25200,6]} at 640x640 is a one-class YOLOv5, and
 * {@code [1,8400,6]} (a transposed two-class YOLOv8) is neither family's. A dynamic N is left to
 * yolo-v5: YOLOv10's N is fixed at export.
 *
 * <p>The outputs do not say how many classes there are: {@link #classCount()} is -1.
 */
public final class YoloV10Converter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("yolo-v10",
            "YOLOv10 or NMS in the model: 1xNx6 (box, score, class), no NMS here", List.of(),
            "one output [batch, N, 6] with a static N that is no YOLOv5/YOLOv8 grid count of the input, 300 by"
                    + " default (YOLOv10, or NMS exported in the model): per detection x_min, y_min, x_max, y_max in"
                    + " input pixels, score, class id",
            YoloV10Converter::match);

    private static final int VALUES = 6;
    private static final int SCORE = 4;
    private static final int CLASS_ID = 5;
    private static final String VALUE_NAMES = "4 box corners, score and class id";
    private static final Comparator<Detection> BEST_FIRST =
            Comparator.comparingDouble(Detection::confidence).reversed();

    private final String output;
    private final YoloDecoding decoding;

    YoloV10Converter(String output, int inputWidth, int inputHeight, LabelMap labels) {
        this.output = output;
        this.decoding = new YoloDecoding(inputWidth, inputHeight, labels, -1);
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        return YoloMatching.onlyOutput(ports).flatMap(output -> {
            PartialShape shape = output.shape();
            long detections = YoloMatching.size(shape, 1);
            boolean matches = YoloMatching.size(shape, 2) == VALUES && detections > 0
                    && !YoloMatching.isGridCount(detections, YoloMatching.YOLO_V5_BOXES_PER_CELL, ports)
                    && !YoloMatching.isGridCount(detections, YoloMatching.YOLO_V8_BOXES_PER_CELL, ports);
            return matches
                    ? Optional.of(new ConverterFamily.Match(YoloMatching.INPUT,
                            (inputWidth, inputHeight, labels) -> new YoloV10Converter(output.name(), inputWidth,
                                    inputHeight, labels)))
                    : Optional.empty();
        });
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        int count = YoloDecoding.candidateCount(results.shape(output), output, results.batchSize(), 2, VALUES,
                FAMILY.name(), VALUE_NAMES);
        MemorySegment data = results.output(output);
        long frame = (long) results.slot() * count * VALUES;

        float threshold = thresholds.confidence();
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long row = frame + (long) i * VALUES;
            float score = data.getAtIndex(JAVA_FLOAT, row + SCORE);
            if (score >= threshold) {
                detections.add(decoding.corners(classId(data.getAtIndex(JAVA_FLOAT, row + CLASS_ID), i, results),
                        score, data.getAtIndex(JAVA_FLOAT, row), data.getAtIndex(JAVA_FLOAT, row + 1),
                        data.getAtIndex(JAVA_FLOAT, row + 2), data.getAtIndex(JAVA_FLOAT, row + 3)));
            }
        }
        detections.sort(BEST_FIRST);
        return detections;
    }

    /** The class id a detection holds as a float, checked to be one. */
    private int classId(float value, int detection, InferenceResults results) {
        if (!(value >= 0 && value <= Integer.MAX_VALUE && value == Math.rint(value))) {
            throw new IllegalArgumentException("output '" + output + "' holds " + value + " as the class id of"
                    + " detection " + detection + " of frame " + results.slot() + ", but " + FAMILY.name()
                    + " expects whole class indices there: the model is not a " + FAMILY.name() + " model; use the"
                    + " model-type of its head");
        }
        return (int) value;
    }

    /** -1: the outputs hold class ids, not a score per class. */
    @Override
    public int classCount() {
        return -1;
    }
}
