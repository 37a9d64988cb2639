package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;
import org.ovgst.testing.DetectionAssertions;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.TestModelPorts;

/** The anchor-ssd family: which models it takes, as which preset, and how its converter uses the thresholds. */
class AnchorSsdConverterTest {
    private static final AnchorSsdConfig FACE = AnchorSsdConfig.BLAZEFACE_SHORT_RANGE;
    /** BlazeFace anchor 728: the 6 anchors of the stride-16 cell (4, 4) start here, centered at 0.5625. */
    private static final int FACE_ANCHOR = 512 + (4 * 8 + 4) * 6;
    private static final LabelMap FACES = LabelMap.of(List.of("face"));

    @Test
    void theFamilyIsTriedFirst() {
        assertSame(AnchorSsdConverter.FAMILY, DetectionConverters.FAMILIES.getFirst());
        assertEquals("anchor-ssd", AnchorSsdConverter.FAMILY.name());
        assertTrue(DetectionConverters.names().contains("anchor-ssd"), DetectionConverters.names().toString());
    }

    @Test
    void eachModelFileGetsItsPreset() {
        assertPreset("face_detection_short_range.tflite", FACE);
        assertPreset("palm_detection_full.tflite", AnchorSsdConfig.PALM_DETECTION_FULL);
        assertPreset("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite",
                AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2);
        // The IR conversion: other tensor names, NCHW, and a real batch axis ([?, 3, 128, 128] in, [?, ?, 16] out).
        assertPreset("face_detection.xml",
                FACE.withTensors("input", "output", "525", AnchorSsdConfig.BatchLayout.FRAME_MAJOR));
    }

    @Test
    void outputsNamedInAnotherOrderAreTakenByTheirShapes() {
        ModelPorts ir = TestModelPorts.read(TestAssets.model("face_detection.xml"));
        ModelPorts reversed = new ModelPorts(ir.input(), ir.layout(), ir.outputs().reversed());
        AnchorSsdConverter converter = converter(reversed, 128, 128);
        assertEquals("output", converter.config().boxes().name());
        assertEquals("525", converter.config().scores().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hand_landmark_full.tflite", "pose_landmark_full.tflite"})
    void modelsThatAreNoAnchorSsdAreRefused(String file) {
        ModelPorts ports = TestModelPorts.read(TestAssets.model(file));
        assertEquals(Optional.empty(), AnchorSsdConverter.FAMILY.match(ports));
        InferenceException e = assertThrows(InferenceException.class,
                () -> DetectionConverters.select("anchor-ssd", ports, file));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("'Identity' f32 [1,"), e.getMessage());
        assertTrue(e.getMessage().contains(AnchorSsdConverter.FAMILY.expects()), e.getMessage());
    }

    @Test
    void portsOfNoKnownShapeAreRefusedWithoutAnError() {
        PortInfo anything = new PortInfo(0, "x", ElementType.F32, PartialShape.DYNAMIC_RANK);
        PortInfo vector = new PortInfo(1, "y", ElementType.F32, PartialShape.of(1, 16));
        assertEquals(Optional.empty(),
                AnchorSsdConverter.FAMILY.match(new ModelPorts(anything, "NHWC", List.of(anything, vector))));
        PortInfo image = new PortInfo(0, "input", ElementType.F32, PartialShape.of(1, 128, 128, 3));
        assertEquals(Optional.empty(), AnchorSsdConverter.FAMILY.match(new ModelPorts(image, "NHWC", List.of())));
        // BlazeFace's outputs behind an input of another size are not BlazeFace.
        ModelPorts face = TestModelPorts.read(TestAssets.model("face_detection_short_range.tflite"));
        PortInfo bigger = new PortInfo(0, "input", ElementType.F32, PartialShape.of(1, 256, 256, 3));
        assertEquals(Optional.empty(), AnchorSsdConverter.FAMILY.match(new ModelPorts(bigger, "NHWC", face.outputs())));
    }

    @Test
    void expectsNamesEveryPresetWithItsAnchorCount() {
        String expects = AnchorSsdConverter.FAMILY.expects();
        assertTrue(expects.contains("BlazeFace short range (input 128x128, 896 anchors, 16 box values, 1 class)"),
                expects);
        assertTrue(expects.contains("MediaPipe palm detection full (input 192x192, 2016 anchors, 18 box values,"
                + " 1 class)"), expects);
        assertTrue(expects.contains("SSD MobileNetV2 Open Images (input 300x300, 1917 anchors, 4 box values,"
                + " 24 classes)"), expects);
        assertTrue(expects.endsWith("iou-threshold does not apply, each preset suppresses overlaps as its MediaPipe"
                + " graph does"), expects);
    }

    @Test
    void theConverterIsMadeForThePresetsInputSizeOnly() {
        ModelPorts palm = TestModelPorts.read(TestAssets.model("palm_detection_full.tflite"));
        ConverterFamily.Match match = AnchorSsdConverter.FAMILY.match(palm).orElseThrow();
        assertEquals(1, match.factory().create(192, 192, LabelMap.NONE).classCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> match.factory().create(256, 192, LabelMap.NONE));
        assertEquals("the anchor-ssd preset MediaPipe palm detection full decodes a 192x192 input (its anchors and"
                + " box scales are made for that size), but the model input is 256x192: leave reshape-width and"
                + " reshape-height unset, or use a model whose input is 192x192", e.getMessage());
    }

    /**
     * Two faces 0.2 wide on the same anchor center, one moved right by 0.05: IoU 0.6, above BlazeFace's
     * 0.3, so they merge into their score-weighted mean whatever iou-threshold says.
     */
    @ParameterizedTest
    @ValueSource(floats = {0.0f, 0.3f, 0.7f, 1.0f})
    void theIouThresholdDoesNotApply(float iou) {
        AnchorSsdConverter converter = converter(TestModelPorts.read(TestAssets.model(
                "face_detection_short_range.tflite")), 128, 128);
        List<Detection> found = converter.convert(twoOverlappingFaces(), new Thresholds(0.5f, iou));
        float shift = 0.05f * sigmoid(1) / (sigmoid(2) + sigmoid(1));
        assertDetections(found, new Detection(0, "face", sigmoid(2), 0.4625f + shift, 0.4625f, 0.6625f + shift,
                0.6625f));
    }

    @Test
    void theConfidenceThresholdIsReadOnEveryCall() {
        AnchorSsdConverter converter = converter(TestModelPorts.read(TestAssets.model(
                "face_detection_short_range.tflite")), 128, 128);
        InferenceResults faces = twoOverlappingFaces();
        assertEquals(1, converter.convert(faces, new Thresholds(0.5f, 0.5f)).size());
        // sigmoid(1) = 0.73 is below 0.8, sigmoid(2) = 0.88 is not: the better face alone, not averaged.
        assertDetections(converter.convert(faces, new Thresholds(0.8f, 0.5f)),
                new Detection(0, "face", sigmoid(2), 0.4625f, 0.4625f, 0.6625f, 0.6625f));
        assertEquals(List.of(), converter.convert(faces, new Thresholds(0.9f, 0.5f)));
    }

    @Test
    void outputsOfAnotherBatchLayoutAreRefused() {
        AnchorSsdConverter converter = converter(TestModelPorts.read(TestAssets.model(
                "face_detection_short_range.tflite")), 128, 128);
        // The TFLite file folds the batch into the anchor axis; [3, 896, ...] is some other model.
        var frameMajor = new Results(Map.of("regressors", new float[3 * 896 * 16], "classificators",
                new float[3 * 896]), Map.of("regressors", new long[] {3, 896, 16}, "classificators",
                new long[] {3, 896, 1}), 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> converter.convert(frameMajor, new Thresholds(0.5f, 0.5f)));
        assertEquals("the output regressors has shape [3, 896, 16], but a FEATURE_MAP_MAJOR batch of 3 with 896"
                + " anchors per frame needs [1, 2688, 16]", e.getMessage());
    }

    /** The face model's outputs at batch 1 with the two faces of {@link #theIouThresholdDoesNotApply}. */
    private static InferenceResults twoOverlappingFaces() {
        float[] boxes = new float[896 * 16];
        float[] logits = new float[896];
        Arrays.fill(logits, -20);
        // x, y, w, h in input pixels around the anchor center 0.5625: 25.6 px = 0.2.
        System.arraycopy(new float[] {0, 0, 25.6f, 25.6f}, 0, boxes, FACE_ANCHOR * 16, 4);
        System.arraycopy(new float[] {6.4f, 0, 25.6f, 25.6f}, 0, boxes, (FACE_ANCHOR + 1) * 16, 4);
        logits[FACE_ANCHOR] = 2;
        logits[FACE_ANCHOR + 1] = 1;
        return new Results(Map.of("regressors", boxes, "classificators", logits),
                Map.of("regressors", new long[] {1, 896, 16}, "classificators", new long[] {1, 896, 1}), 1, 0);
    }

    private static void assertPreset(String file, AnchorSsdConfig expected) {
        ModelPorts ports = TestModelPorts.read(TestAssets.model(file));
        DetectionConverters.Selected selected = DetectionConverters.select(DetectionConverters.AUTO, ports, file);
        assertSame(AnchorSsdConverter.FAMILY, selected.family());
        assertEquals(expected.preparation(), selected.match().input(), file);
        DetectionConverter converter = selected.match().factory().create(expected.input().width(),
                expected.input().height(), LabelMap.NONE);
        assertEquals(expected, ((AnchorSsdConverter) converter).config(), file);
        assertEquals(expected.scores().classes(), converter.classCount(), file);
    }

    private static AnchorSsdConverter converter(ModelPorts ports, int width, int height) {
        return (AnchorSsdConverter) AnchorSsdConverter.FAMILY.match(ports).orElseThrow().factory().create(width,
                height, FACES);
    }

    private static float sigmoid(double logit) {
        return (float) (1 / (1 + Math.exp(-logit)));
    }

    private static void assertDetections(List<Detection> actual, Detection... expected) {
        DetectionAssertions.assertDetections(actual, 1e-5f, expected);
    }

    /** Outputs held in arrays, as the engine's results would hold them. */
    private record Results(Map<String, float[]> data, Map<String, long[]> shapes, int batchSize, int slot)
            implements InferenceResults {
        @Override
        public MemorySegment output(String name) {
            return MemorySegment.ofArray(data.get(name));
        }

        @Override
        public MemorySegment output(int index) {
            throw new UnsupportedOperationException("outputs are read by name");
        }

        @Override
        public long[] shape(String name) {
            return shapes.get(name).clone();
        }

        @Override
        public ElementType elementType(String name) {
            return ElementType.F32;
        }

        @Override
        public InputGeometry geometry() {
            throw new UnsupportedOperationException("converters do not map boxes to the frame");
        }
    }
}
