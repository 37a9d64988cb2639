package org.ovgst.infer.detect;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.PartialShape;

/**
 * {@code yolo-v5}: Ultralytics YOLOv5 exported with its detect layer (anchors and sigmoids applied
 * in the model). One output {@code [batch, N, 5+C]}: per candidate {@code cx, cy, w, h} (input
 * pixels), objectness, then C class probabilities. A candidate's confidence is objectness × its best
 * class probability, its label that class (the lowest id among equal scores); candidates below the
 * threshold are dropped and the rest go through per-class non-maximum suppression, as YOLOv5's
 * {@code non_max_suppression} does by default.
 *
 * <p><b>Matching.</b> The model has exactly one output, of a floating-point type and rank 3; its
 * dimension 2 is static and at least 6 (5 values + C ≥ 1 classes), and its dimension 1 is either
 * dynamic (a model exported with {@code dynamic=True}) or the number of anchors YOLOv5 predicts on
 * the model's input: 3 per grid cell at strides 8, 16 and 32 (25 200 at 640x640), or 8 to 64 for P6
 * models (see {@link YoloMatching} for the counts and for inputs of dynamic size, where any square
 * side that is a multiple of the largest stride counts). This count is what tells a one-class YOLOv5,
 * {@code [1,25200,6]}, from YOLOv10's {@code [1,300,6]}: 300 is no grid count, so
 * {@link YoloV10Converter} takes it. A static N that is no grid count is not matched (neither is a
 * model whose raw heads still need the anchors: several outputs of rank 5).
 *
 * <p><b>Decoding.</b> Class probabilities are at most 1, so a candidate whose objectness is below
 * the threshold cannot reach it: its class scores are not read. Boxes are read only for the
 * candidates that pass.
 */
public final class YoloV5Converter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("yolo-v5",
            "YOLOv5, YOLOv7: 1xNx(5+C) (box, objectness, C classes)", List.of("yolov7"),
            "one output [batch, N, 5+C] with C >= 1 classes and N dynamic or 3 anchors per cell of the stride"
                    + " 8/16/32 (or 8..64) grids of the input, 25200 at 640x640 (YOLOv5): per candidate cx, cy, w, h"
                    + " in input pixels, objectness, then C class probabilities",
            YoloV5Converter::match);

    /** Box, then objectness. */
    private static final int LEADING_VALUES = 5;
    private static final int OBJECTNESS = 4;

    private final String output;
    private final int classes;
    private final String valueNames;
    private final YoloDecoding decoding;
    private final List<Detection> candidates = new ArrayList<>();

    YoloV5Converter(String output, int classes, int inputWidth, int inputHeight, LabelMap labels) {
        this.output = output;
        this.classes = classes;
        this.valueNames = "4 box values, objectness and " + classes + " class probabilities";
        this.decoding = new YoloDecoding(inputWidth, inputHeight, labels, classes);
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        return YoloMatching.onlyOutput(ports).flatMap(output -> {
            PartialShape shape = output.shape();
            long candidates = YoloMatching.size(shape, 1);
            long values = YoloMatching.size(shape, 2);
            boolean matches = values > LEADING_VALUES && values <= Integer.MAX_VALUE
                    && (candidates == YoloMatching.DYNAMIC
                            || YoloMatching.isGridCount(candidates, YoloMatching.YOLO_V5_BOXES_PER_CELL, ports));
            if (!matches) {
                return Optional.empty();
            }
            int classes = (int) values - LEADING_VALUES;
            return Optional.of(new ConverterFamily.Match(YoloMatching.INPUT,
                    (inputWidth, inputHeight, labels) -> new YoloV5Converter(output.name(), classes, inputWidth,
                            inputHeight, labels)));
        });
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        int values = LEADING_VALUES + classes;
        int count = YoloDecoding.candidateCount(results.shape(output), output, results.batchSize(), 2, values,
                FAMILY.name(), valueNames);
        MemorySegment data = results.output(output);
        long frame = (long) results.slot() * count * values;

        float threshold = thresholds.confidence();
        candidates.clear();
        for (int i = 0; i < count; i++) {
            long row = frame + (long) i * values;
            float objectness = data.getAtIndex(JAVA_FLOAT, row + OBJECTNESS);
            if (objectness < threshold) {
                continue;
            }
            int bestClass = 0;
            float bestScore = data.getAtIndex(JAVA_FLOAT, row + LEADING_VALUES);
            for (int c = 1; c < classes; c++) {
                float score = data.getAtIndex(JAVA_FLOAT, row + LEADING_VALUES + c);
                if (score > bestScore) {
                    bestScore = score;
                    bestClass = c;
                }
            }
            float confidence = objectness * bestScore;
            if (confidence >= threshold) {
                candidates.add(decoding.centered(bestClass, confidence, data.getAtIndex(JAVA_FLOAT, row),
                        data.getAtIndex(JAVA_FLOAT, row + 1), data.getAtIndex(JAVA_FLOAT, row + 2),
                        data.getAtIndex(JAVA_FLOAT, row + 3)));
            }
        }
        return NonMaxSuppression.apply(candidates, thresholds.iou(), true);
    }

    @Override
    public int classCount() {
        return classes;
    }
}
