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
 * yolo-v5 on a {@code [batch, 126, 5+2]} output through the real engine: 126 = 3 anchors on the
 * 4x8 + 2x4 + 1x2 cells of the 64x32 input, so the matcher takes the model as read. A box's x values
 * are divided by 64 and its y values by 32; every expected value is worked out by hand, with scores
 * whose products are exact in binary.
 */
@Timeout(120)
class YoloV5ConverterTest {
    private static final LabelMap LABELS = LabelMap.of(List.of("person", "car"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);
    private static final int VALUES = 5 + 2;
    private static final int ANCHORS = 3 * (4 * 8 + 2 * 4 + 1 * 2);

    @TempDir
    Path dir;

    /** Frame {@code frame} of {@code output}: cx, cy, w, h, objectness, then person and car probabilities. */
    private static Output scene(Output output, int frame) {
        return output
                // A: person 1 x 0.875, x 8..24, y 8..24.
                .candidate(frame, 0, 16, 16, 16, 16, 1, 0.875, 0.125)
                // B: person 0.75, x 10..26: IoU with A = 14*16 / (2*256 - 14*16) = 0.78, suppressed.
                .candidate(frame, 1, 18, 16, 16, 16, 1, 0.75, 0)
                // C: car 0.75 x 1 on A's box: another class, kept.
                .candidate(frame, 2, 16, 16, 16, 16, 0.75, 0, 1)
                // D: person 0.5 x 1 = the threshold, x 52..68 and y 26..34, beyond the right and bottom edges.
                .candidate(frame, 3, 60, 30, 16, 8, 0.5, 1, 0)
                // E: objectness passes, 0.5 x 0.99 = 0.495 does not.
                .candidate(frame, 4, 32, 16, 8, 8, 0.5, 0.99, 0)
                // F: objectness 0.25 is below the threshold whatever the classes say.
                .candidate(frame, 5, 32, 16, 8, 8, 0.25, 1, 1)
                // G: 1 x 0.375 (car) is below it.
                .candidate(frame, 6, 32, 16, 8, 8, 1, 0.25, 0.375)
                // H: car 0.75 x 0.875 = 0.65625, x 36..44, y 4..12.
                .candidate(frame, 7, 40, 8, 8, 8, 0.75, 0.5, 0.875)
                // I: person 0.875 x 1 ties A, comes after it; x -2..6 and y -2..6, beyond the left and top.
                .candidate(frame, 8, 2, 2, 8, 8, 0.875, 1, 0)
                // J: person and car tie at 1 x 0.625: the lower class wins; x 52..60, y 4..12.
                .candidate(frame, 9, 56, 8, 8, 8, 1, 0.625, 0.625);
    }

    private static final Detection[] SCENE = {
        new Detection(0, "person", 0.875f, 8 / 64f, 8 / 32f, 24 / 64f, 24 / 32f),
        new Detection(0, "person", 0.875f, 0, 0, 6 / 64f, 6 / 32f),
        new Detection(1, "car", 0.75f, 8 / 64f, 8 / 32f, 24 / 64f, 24 / 32f),
        new Detection(1, "car", 0.65625f, 36 / 64f, 4 / 32f, 44 / 64f, 12 / 32f),
        new Detection(0, "person", 0.625f, 52 / 64f, 4 / 32f, 60 / 64f, 12 / 32f),
        new Detection(0, "person", 0.5f, 52 / 64f, 26 / 32f, 1, 1),
    };

    @Test
    void confidenceIsObjectnessTimesTheBestClassAndSameClassOverlapsAreSuppressed() {
        Path model = scene(Output.rows(1, ANCHORS, VALUES), 0).write(dir, "v5-scene");
        DetectionConverter converter = converter(YoloV5Converter.FAMILY, model, LABELS);

        assertEquals(2, converter.classCount());
        assertDetections(detections(model, 1, converter, HALF).getFirst(), SCENE);
    }

    @Test
    void nothingComesOutWhenEveryConfidenceIsBelowTheThreshold() {
        Path model = scene(Output.rows(1, ANCHORS, VALUES), 0).write(dir, "v5-scene");
        DetectionConverter converter = converter(YoloV5Converter.FAMILY, model, LABELS);

        assertDetections(detections(model, 1, converter, new Thresholds(0.9f, 0.5f)).getFirst());
    }

    @Test
    void eachFrameOfABatchReadsItsOwnPart() {
        Output output = scene(Output.rows(2, ANCHORS, VALUES), 0)
                // Frame 1: car 1 x 0.625, x 16..48, y 8..24, where frame 0 has E; at the last anchor, person 0.5.
                .candidate(1, 4, 32, 16, 32, 16, 1, 0, 0.625)
                .candidate(1, ANCHORS - 1, 8, 8, 16, 16, 0.5, 1, 0);
        Path model = output.write(dir, "v5-batch");
        DetectionConverter converter = converter(YoloV5Converter.FAMILY, model, LABELS);

        List<List<Detection>> frames = detections(model, 2, converter, HALF);

        assertDetections(frames.get(0), SCENE);
        assertDetections(frames.get(1),
                new Detection(1, "car", 0.625f, 16 / 64f, 8 / 32f, 48 / 64f, 24 / 32f),
                new Detection(0, "person", 0.5f, 0, 0, 16 / 64f, 16 / 32f));
    }

    @Test
    void anOutputWithOtherClassesThanMatchedIsRefusedWithItsShape() {
        Path twoClasses = scene(Output.rows(1, ANCHORS, VALUES), 0).write(dir, "v5-scene");
        Path threeClasses = Output.rows(1, ANCHORS, VALUES + 1).write(dir, "v5-three-classes");
        DetectionConverter converter = converter(YoloV5Converter.FAMILY, twoClasses, LABELS);

        var error = assertThrows(IllegalArgumentException.class, () -> detections(threeClasses, 1, converter, HALF));

        assertTrue(error.getMessage().startsWith("output 'output0' has shape [1, 126, 8], but yolo-v5 decodes"
                + " [1, N, 7] here: a batch of 1, N candidates of 4 box values, objectness and 2 class probabilities"),
                error.getMessage());
    }
}
