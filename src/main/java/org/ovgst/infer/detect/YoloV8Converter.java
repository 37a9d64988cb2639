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
 * {@code yolo-v8}: the anchor-free head of Ultralytics YOLOv8, which YOLOv9 and YOLO11 share. One
 * output {@code [batch, 4+C, N]}: row by row {@code cx, cy, w, h} of every candidate (input pixels),
 * then one row of scores per class (already probabilities; there is no objectness). A candidate's
 * confidence is its best class score, its label that class (the lowest id among equal scores);
 * candidates below the threshold are dropped and the rest go through per-class non-maximum
 * suppression, as Ultralytics' {@code non_max_suppression} does by default.
 *
 * <p><b>Matching.</b> The model has exactly one output, of a floating-point type and rank 3; its
 * dimension 1 is static and at least 5 (4 box values + C ≥ 1 classes), and its dimension 2 is
 * dynamic or larger than dimension 1 (N candidates, 8 400 at 640x640, outnumber the values). The
 * batch axis may be anything. The NudeNet detector, {@code output0 [?,22,?]}, is one (18 classes).
 * Not told apart: a pose or oriented-box head of the same shape ({@code [1,56,8400]}) would be read
 * as a detector whose extra values are classes; a segmentation model has a second output and is not
 * matched. A YOLOv5 or YOLOv10 output can pass this test only when its candidates are fewer than its
 * values (a YOLOv5 at 32x32 with more than 58 classes, a YOLOv10 keeping at most 5 detections):
 * {@link DetectionConverters#FAMILIES} tries those two families first.
 *
 * <p><b>Decoding.</b> First every candidate's best score: the class rows, copied one at a time into
 * a reused array, are folded with a plain maximum, which the JIT vectorizes (about 0.15 ms a frame
 * for {@code [1,84,8400]} on the shared 2-core development machine, 3 to 4 times faster than reading the
 * segment element by element and recording the class as it goes). Only the candidates that pass the
 * threshold then look up their class and box.
 */
public final class YoloV8Converter implements DetectionConverter {
    public static final ConverterFamily FAMILY = new ConverterFamily("yolo-v8",
            "Ultralytics YOLOv8, v9, YOLO11, YOLO12, YOLOv5u: 1x(4+C)xN (box, C classes)",
            List.of("yolov9", "yolo11", "yolov11", "yolo12", "yolov12", "yolov5u"),
            "one output [batch, 4+C, N] with C >= 1 classes and N dynamic or larger than 4+C (YOLOv8, YOLOv9,"
                    + " YOLO11): per candidate cx, cy, w, h in input pixels, then C class scores, no objectness",
            YoloV8Converter::match);

    private static final int BOX_VALUES = 4;

    private final String output;
    private final int classes;
    private final String valueNames;
    private final YoloDecoding decoding;
    /** Scratch reused from frame to frame: each candidate's best class score, and one class row. */
    private float[] bestScores = new float[0];
    private float[] rowBuffer = new float[0];
    private final List<Detection> candidates = new ArrayList<>();

    YoloV8Converter(String output, int classes, int inputWidth, int inputHeight, LabelMap labels) {
        this.output = output;
        this.classes = classes;
        this.valueNames = BOX_VALUES + " box values and " + classes + " class scores";
        this.decoding = new YoloDecoding(inputWidth, inputHeight, labels, classes);
    }

    private static Optional<ConverterFamily.Match> match(ModelPorts ports) {
        return YoloMatching.onlyOutput(ports).flatMap(output -> {
            PartialShape shape = output.shape();
            long values = YoloMatching.size(shape, 1);
            long candidates = YoloMatching.size(shape, 2);
            boolean matches = values > BOX_VALUES && values <= Integer.MAX_VALUE
                    && (candidates == YoloMatching.DYNAMIC || candidates > values);
            if (!matches) {
                return Optional.empty();
            }
            int classes = (int) values - BOX_VALUES;
            return Optional.of(new ConverterFamily.Match(YoloMatching.INPUT,
                    (inputWidth, inputHeight, labels) -> new YoloV8Converter(output.name(), classes, inputWidth,
                            inputHeight, labels)));
        });
    }

    @Override
    public List<Detection> convert(InferenceResults results, Thresholds thresholds) {
        int count = YoloDecoding.candidateCount(results.shape(output), output, results.batchSize(), 1,
                BOX_VALUES + classes, FAMILY.name(), valueNames);
        MemorySegment data = results.output(output);
        long frame = (long) results.slot() * (BOX_VALUES + classes) * count;
        long firstClassRow = frame + (long) BOX_VALUES * count;
        findBestScores(data, firstClassRow, count);

        float threshold = thresholds.confidence();
        candidates.clear();
        for (int i = 0; i < count; i++) {
            float score = bestScores[i];
            if (score >= threshold) {
                long box = frame + i;
                candidates.add(decoding.centered(classOf(data, firstClassRow + i, count, score), score,
                        data.getAtIndex(JAVA_FLOAT, box), data.getAtIndex(JAVA_FLOAT, box + count),
                        data.getAtIndex(JAVA_FLOAT, box + 2L * count), data.getAtIndex(JAVA_FLOAT, box + 3L * count)));
            }
        }
        return NonMaxSuppression.apply(candidates, thresholds.iou(), true);
    }

    /**
     * Fills {@link #bestScores} with each candidate's best class score, reading the class rows from
     * {@code firstRow} in memory order (a plain maximum, which the JIT can vectorize).
     */
    private void findBestScores(MemorySegment data, long firstRow, int count) {
        if (bestScores.length < count) {
            bestScores = new float[count];
            rowBuffer = new float[count];
        }
        float[] best = bestScores;
        MemorySegment.copy(data, JAVA_FLOAT, firstRow * Float.BYTES, best, 0, count);
        float[] row = rowBuffer;
        for (int c = 1; c < classes; c++) {
            MemorySegment.copy(data, JAVA_FLOAT, (firstRow + (long) c * count) * Float.BYTES, row, 0, count);
            for (int i = 0; i < count; i++) {
                best[i] = Math.max(best[i], row[i]);
            }
        }
    }

    /**
     * The lowest class whose score is {@code best}, for the candidate whose first class score is at
     * {@code index}: {@code best} is one of its scores, so the last class holds it if no other does.
     */
    private int classOf(MemorySegment data, long index, int count, float best) {
        for (int c = 0; c < classes - 1; c++) {
            if (data.getAtIndex(JAVA_FLOAT, index + (long) c * count) == best) {
                return c;
            }
        }
        return classes - 1;
    }

    @Override
    public int classCount() {
        return classes;
    }
}
