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
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/**
 * yolo-v8 on a {@code [batch, 4+3, 10]} output through the real engine. The input is 64 wide and 32
 * high, so a box's x values are divided by 64 and its y values by 32; every expected value below is
 * worked out by hand from the candidates.
 */
@Timeout(120)
class YoloV8ConverterTest {
    private static final LabelMap LABELS = LabelMap.of(List.of("person", "car"));
    private static final Thresholds HALF = new Thresholds(0.5f, 0.5f);
    private static final int VALUES = 4 + 3;
    private static final int CANDIDATES = 10;

    @TempDir
    Path dir;

    /** Frame {@code frame} of {@code output}: candidates cx, cy, w, h, then scores of person, car, class 2. */
    private static Output scene(Output output, int frame) {
        return output
                // A: person 0.9, x 8..24, y 8..24.
                .candidate(frame, 0, 16, 16, 16, 16, 0.9, 0.1, 0)
                // B: person 0.8, x 10..26: IoU with A = 14*16 / (2*256 - 14*16) = 0.78, suppressed.
                .candidate(frame, 1, 18, 16, 16, 16, 0.8, 0, 0)
                // C: car 0.7 on A's box: another class, kept.
                .candidate(frame, 2, 16, 16, 16, 16, 0, 0.7, 0)
                // D: person 0.6, x 40..56, y 8..24.
                .candidate(frame, 3, 48, 16, 16, 16, 0.6, 0, 0)
                // E: class 2 at exactly the threshold, x 52..68 and y -2..6, beyond the input's right and top.
                .candidate(frame, 4, 60, 2, 16, 8, 0, 0, 0.5)
                // F: just below the threshold, dropped.
                .candidate(frame, 5, 32, 16, 8, 8, Math.nextDown(0.5f), 0, 0)
                // 6 stays all zeros.
                // H: car 0.65 is its best class, x 36..44, y 20..28.
                .candidate(frame, 7, 40, 24, 8, 8, 0.2, 0.65, 0.1)
                // I: person 0.55, x 40..48, y 8..24: IoU with D = 128 / (256 + 128 - 128) = 0.5, not above, kept.
                .candidate(frame, 8, 44, 16, 8, 16, 0.55, 0, 0)
                // J: person and car tie at 0.75: the lower class wins; x 6..10, y 26..30.
                .candidate(frame, 9, 8, 28, 4, 4, 0.75, 0.75, 0);
    }

    private static final Detection[] SCENE = {
        new Detection(0, "person", 0.9f, 8 / 64f, 8 / 32f, 24 / 64f, 24 / 32f),
        new Detection(0, "person", 0.75f, 6 / 64f, 26 / 32f, 10 / 64f, 30 / 32f),
        new Detection(1, "car", 0.7f, 8 / 64f, 8 / 32f, 24 / 64f, 24 / 32f),
        new Detection(1, "car", 0.65f, 36 / 64f, 20 / 32f, 44 / 64f, 28 / 32f),
        new Detection(0, "person", 0.6f, 40 / 64f, 8 / 32f, 56 / 64f, 24 / 32f),
        new Detection(0, "person", 0.55f, 40 / 64f, 8 / 32f, 48 / 64f, 24 / 32f),
        new Detection(2, "class 2", 0.5f, 52 / 64f, 0, 1, 6 / 32f),
    };

    @Test
    void decodesBoxesKeepsTheThresholdAndSuppressesWithinAClass() {
        Path model = scene(Output.columns(1, VALUES, CANDIDATES), 0).write(dir, "v8-scene");
        DetectionConverter converter = converter(YoloV8Converter.FAMILY, model, LABELS);

        assertEquals(3, converter.classCount());
        assertDetections(detections(model, 1, converter, HALF).getFirst(), SCENE);
    }

    @Test
    void nothingComesOutWhenEveryScoreIsBelowTheThreshold() {
        Path model = scene(Output.columns(1, VALUES, CANDIDATES), 0).write(dir, "v8-scene");
        DetectionConverter converter = converter(YoloV8Converter.FAMILY, model, LABELS);

        assertDetections(detections(model, 1, converter, new Thresholds(0.95f, 0.5f)).getFirst());
    }

    @Test
    void eachFrameOfABatchReadsItsOwnPart() {
        Output output = scene(Output.columns(2, VALUES, CANDIDATES), 0)
                // Frame 1: car 0.8, x 16..48, y 8..24, where frame 0 has F; class 2 0.6, x 0..16, y 0..16.
                .candidate(1, 5, 32, 16, 32, 16, 0, 0.8, 0)
                .candidate(1, 6, 8, 8, 16, 16, 0.1, 0.2, 0.6);
        Path model = output.write(dir, "v8-batch");
        DetectionConverter converter = converter(YoloV8Converter.FAMILY, model, LABELS);

        List<List<Detection>> frames = detections(model, 2, converter, HALF);

        assertDetections(frames.get(0), SCENE);
        assertDetections(frames.get(1),
                new Detection(1, "car", 0.8f, 16 / 64f, 8 / 32f, 48 / 64f, 24 / 32f),
                new Detection(2, "class 2", 0.6f, 0, 0, 16 / 64f, 16 / 32f));
    }

    @Test
    void anOutputWithOtherClassesThanMatchedIsRefusedWithItsShape() {
        Path threeClasses = scene(Output.columns(1, VALUES, CANDIDATES), 0).write(dir, "v8-scene");
        Path fourClasses = Output.columns(1, VALUES + 1, CANDIDATES).write(dir, "v8-four-classes");
        DetectionConverter converter = converter(YoloV8Converter.FAMILY, threeClasses, LABELS);

        var error = assertThrows(IllegalArgumentException.class, () -> detections(fourClasses, 1, converter, HALF));

        assertTrue(error.getMessage().startsWith("output 'output0' has shape [1, 8, 10], but yolo-v8 decodes"
                + " [1, 7, N] here"), error.getMessage());
    }

    @Test
    void anOutputThatDoesNotBatchAlongItsFirstAxisIsRefused() {
        // The input batches, the output stays [1, 7, 10]: frame 1 has no part of its own.
        Path model = IrModels.constantOutputs(dir, "v8-unbatched", "images",
                new long[] {2, 3, ConstantDetector.INPUT_HEIGHT, ConstantDetector.INPUT_WIDTH},
                List.of(new IrModels.Constant(ConstantDetector.OUTPUT, ElementType.F32,
                        new long[] {1, VALUES, CANDIDATES}, new double[VALUES * CANDIDATES])));
        DetectionConverter converter = converter(YoloV8Converter.FAMILY, model, LABELS);

        var error = assertThrows(IllegalArgumentException.class, () -> detections(model, 2, converter, HALF));

        assertTrue(error.getMessage().startsWith("output 'output0' has shape [1, 7, 10], but yolo-v8 decodes"
                + " [2, 7, N] here: a batch of 2"), error.getMessage());
    }
}
