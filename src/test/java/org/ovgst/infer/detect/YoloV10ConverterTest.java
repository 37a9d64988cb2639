package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.infer.detect.ConverterRun.assertDetections;
import static org.ovgst.infer.detect.ConverterRun.converter;
import static org.ovgst.infer.detect.ConverterRun.detections;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.detect.ConstantDetector.Output;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.model.LabelMap;

/**
 * yolo-v10 on a {@code [batch, 300, 6]} output through the real engine (300: Ultralytics' default
 * maximum of detections). A box's x values are divided by 64 and its y values by 32; every expected
 * value is worked out by hand.
 */
@Timeout(120)
class YoloV10ConverterTest {
    private static final LabelMap LABELS = LabelMap.of(List.of("person", "car"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);
    private static final int DETECTIONS = 300;

    @TempDir
    Path dir;

    /** Frame {@code frame} of {@code output}: x_min, y_min, x_max, y_max, score, class id; not sorted by score. */
    private static Output scene(Output output, int frame) {
        return output
                // A: person 0.6.
                .candidate(frame, 0, 8, 8, 24, 24, 0.6, 0)
                // B: person 0.8 overlapping A (IoU 0.78): the model suppressed already, both are kept.
                .candidate(frame, 1, 10, 8, 26, 24, 0.8, 0)
                // C: class 2 at exactly the threshold, beyond the right and top edges.
                .candidate(frame, 2, 52, -2, 68, 6, 0.5, 2)
                // D: just below the threshold, dropped.
                .candidate(frame, 3, 32, 8, 40, 16, Math.nextDown(0.5f), 1)
                // E: car 0.9.
                .candidate(frame, 4, 36, 20, 44, 28, 0.9, 1)
                // F: car 0.6 over the whole input, ties A and comes after it.
                .candidate(frame, 5, 0, 0, 64, 32, 0.6, 1);
    }

    private static final Detection[] SCENE = {
        new Detection(1, "car", 0.9f, 36 / 64f, 20 / 32f, 44 / 64f, 28 / 32f),
        new Detection(0, "person", 0.8f, 10 / 64f, 8 / 32f, 26 / 64f, 24 / 32f),
        new Detection(0, "person", 0.6f, 8 / 64f, 8 / 32f, 24 / 64f, 24 / 32f),
        new Detection(1, "car", 0.6f, 0, 0, 1, 1),
        new Detection(2, "class 2", 0.5f, 52 / 64f, 0, 1, 6 / 32f),
    };

    @Test
    void keepsDetectionsAtOrAboveTheThresholdBestFirstWithoutSuppression() {
        Path model = scene(Output.rows(1, DETECTIONS, 6), 0).write(dir, "v10-scene");
        DetectionConverter converter = converter(YoloV10Converter.FAMILY, model, LABELS);

        assertEquals(-1, converter.classCount());
        assertDetections(detections(model, 1, converter, HALF).getFirst(), SCENE);
    }

    @Test
    void nothingComesOutWhenEveryScoreIsBelowTheThreshold() {
        Path model = scene(Output.rows(1, DETECTIONS, 6), 0).write(dir, "v10-scene");
        DetectionConverter converter = converter(YoloV10Converter.FAMILY, model, LABELS);

        assertDetections(detections(model, 1, converter, new Thresholds(0.95f, 0.5f)).getFirst());
    }

    @Test
    void eachFrameOfABatchReadsItsOwnPart() {
        Output output = scene(Output.rows(2, DETECTIONS, 6), 0)
                // Frame 1: car 0.7 where frame 0 has D, and person 0.75 in the last row.
                .candidate(1, 3, 16, 0, 48, 16, 0.7, 1)
                .candidate(1, DETECTIONS - 1, 0, 16, 32, 32, 0.75, 0);
        Path model = output.write(dir, "v10-batch");
        DetectionConverter converter = converter(YoloV10Converter.FAMILY, model, LABELS);

        List<List<Detection>> frames = detections(model, 2, converter, HALF);

        assertDetections(frames.get(0), SCENE);
        assertDetections(frames.get(1),
                new Detection(0, "person", 0.75f, 0, 16 / 32f, 32 / 64f, 1),
                new Detection(1, "car", 0.7f, 16 / 64f, 0, 48 / 64f, 16 / 32f));
    }

    @Test
    void aClassIdThatIsNoWholeNumberIsRefused() {
        Path model = Output.rows(1, DETECTIONS, 6).candidate(0, 7, 8, 8, 24, 24, 0.9, 1.5).write(dir, "v10-half-class");
        DetectionConverter converter = converter(YoloV10Converter.FAMILY, model, LABELS);

        var error = assertThrows(IllegalArgumentException.class, () -> detections(model, 1, converter, HALF));

        assertTrue(error.getMessage().startsWith("output 'output0' holds 1.5 as the class id of detection 7 of"
                + " frame 0, but yolo-v10 expects whole class indices there"), error.getMessage());
    }
}
