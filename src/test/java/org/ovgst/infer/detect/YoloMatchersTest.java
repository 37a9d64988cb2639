package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.tensor.Dimension;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.PortInfo;

/** Which YOLO family takes which model, from its ports as read (dimensions may be dynamic). */
class YoloMatchersTest {
    /** A dynamic dimension, {@code ?}. */
    private static final long Q = -1;
    private static final List<ConverterFamily> YOLO =
            List.of(YoloV10Converter.FAMILY, YoloV5Converter.FAMILY, YoloV8Converter.FAMILY);

    private static PartialShape shape(long... dims) {
        return new PartialShape(LongStream.of(dims).mapToObj(d -> d == Q ? Dimension.DYNAMIC : Dimension.of(d))
                .toList());
    }

    private static PortInfo port(int index, String name, ElementType type, PartialShape shape) {
        return new PortInfo(index, name, type, shape);
    }

    /** An NCHW image input {@code images} and one f32 output {@code output0}. */
    private static ModelPorts model(long[] input, long... output) {
        return model(input, ElementType.F32, output);
    }

    private static ModelPorts model(long[] input, ElementType outputType, long... output) {
        return new ModelPorts(port(0, "images", ElementType.F32, shape(input)), "NCHW",
                List.of(port(0, "output0", outputType, shape(output))));
    }

    private static long[] nchw(long height, long width) {
        return new long[] {1, 3, height, width};
    }

    private static final long[] DYNAMIC_INPUT = {Q, 3, Q, Q};

    /** The face detector: two outputs. */
    private static final ModelPorts FACE_DETECTOR = new ModelPorts(
            port(0, "input", ElementType.F32, shape(1, 128, 128, 3)), "NHWC",
            List.of(port(0, "regressors", ElementType.F32, shape(1, 896, 16)),
                    port(1, "classificators", ElementType.F32, shape(1, 896, 1))));

    /**
     * @param families every YOLO family that recognizes the model, in {@link DetectionConverters#FAMILIES}
     *     order: auto takes the first
     * @param classes what the converter reports
     */
    record Case(String description, ModelPorts ports, List<String> families, int classes) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static Case yoloV8(String description, ModelPorts ports, int classes) {
        return new Case(description, ports, List.of("yolo-v8"), classes);
    }

    private static Case yoloV5(String description, ModelPorts ports, int classes) {
        return new Case(description, ports, List.of("yolo-v5"), classes);
    }

    private static Case yoloV10(String description, ModelPorts ports) {
        return new Case(description, ports, List.of("yolo-v10"), -1);
    }

    private static Case none(String description, ModelPorts ports) {
        return new Case(description, ports, List.of(), 0);
    }

    static Stream<Case> models() {
        return Stream.of(
                yoloV8("YOLOv8 at 640x640", model(nchw(640, 640), 1, 84, 8400), 80),
                yoloV8("NudeNet's YOLOv8n, sizes dynamic", model(DYNAMIC_INPUT, Q, 22, Q), 18),
                yoloV8("YOLOv8 with a dynamic batch", model(new long[] {Q, 3, 640, 640}, Q, 84, 8400), 80),
                yoloV8("YOLOv8 with an f16 output", model(nchw(640, 640), ElementType.F16, 1, 84, 8400), 80),
                yoloV8("YOLOv8 one class at 320x320", model(nchw(320, 320), 1, 5, 2100), 1),
                yoloV5("YOLOv5 at 640x640", model(nchw(640, 640), 1, 25200, 85), 80),
                yoloV5("YOLOv5 one class at 640x640", model(nchw(640, 640), 1, 25200, 6), 1),
                yoloV5("YOLOv5, sizes dynamic", model(DYNAMIC_INPUT, Q, Q, 85), 80),
                yoloV5("YOLOv5 one class, sizes dynamic", model(DYNAMIC_INPUT, Q, Q, 6), 1),
                yoloV5("YOLOv5 one class, input dynamic, 25200 = 3 x 21 x 20^2",
                        model(DYNAMIC_INPUT, 1, 25200, 6), 1),
                yoloV5("YOLOv5 at 384x640: 3 x (48x80 + 24x40 + 12x20)", model(nchw(384, 640), 1, 15120, 85), 80),
                yoloV5("YOLOv5 P6 at 1280x1280: 3 x (160^2 + 80^2 + 40^2 + 20^2)",
                        model(nchw(1280, 1280), 1, 102000, 85), 80),
                yoloV5("YOLOv5 with an NHWC input", new ModelPorts(
                        port(0, "images", ElementType.F32, shape(1, 640, 640, 3)), "NHWC",
                        List.of(port(0, "output0", ElementType.F32, shape(1, 25200, 85)))), 80),
                yoloV10("YOLOv10 at 640x640", model(nchw(640, 640), 1, 300, 6)),
                yoloV10("YOLOv10, sizes dynamic", model(DYNAMIC_INPUT, Q, 300, 6)),
                yoloV10("YOLOv10 keeping 100 detections", model(nchw(640, 640), 1, 100, 6)),
                yoloV10("YOLOv10 with an input of dynamic rank", new ModelPorts(
                        port(0, "images", ElementType.F32, PartialShape.DYNAMIC_RANK), "NCHW",
                        List.of(port(0, "output0", ElementType.F32, shape(1, 300, 6))))),
                yoloV8("YOLOv8 with an input whose rank is not its layout's", new ModelPorts(
                        port(0, "images", ElementType.F32, shape(3, 640, 640)), "NCHW",
                        List.of(port(0, "output0", ElementType.F32, shape(1, 84, 8400)))), 80),
                none("a transposed two-class YOLOv8 [1,8400,6] at 640x640", model(nchw(640, 640), 1, 8400, 6)),
                none("a transposed two-class YOLOv8, input dynamic: 8400 = 21 x 20^2",
                        model(DYNAMIC_INPUT, 1, 8400, 6)),
                none("[1,N,85] whose N is no grid count", model(nchw(640, 640), 1, 25000, 85)),
                none("[1,126,85] with the input dynamic: 126 = 63 x 2, of no square input",
                        model(DYNAMIC_INPUT, 1, 126, 85)),
                none("YOLOv8 segmentation: a second output, the mask prototypes", new ModelPorts(
                        port(0, "images", ElementType.F32, shape(nchw(640, 640))), "NCHW",
                        List.of(port(0, "output0", ElementType.F32, shape(1, 116, 8400)),
                                port(1, "output1", ElementType.F32, shape(1, 32, 160, 160))))),
                none("YOLOv8 without classes [1,4,8400]", model(nchw(640, 640), 1, 4, 8400)),
                none("[1,300,5]: too few values for yolo-v5 and yolo-v10", model(nchw(640, 640), 1, 300, 5)),
                none("landmarks [1,63]", model(nchw(224, 224), 1, 63)),
                none("a mask [1,256,256,1]", model(nchw(256, 256), 1, 256, 256, 1)),
                none("an output of dynamic rank", new ModelPorts(
                        port(0, "images", ElementType.F32, shape(nchw(640, 640))), "NCHW",
                        List.of(port(0, "output0", ElementType.F32, PartialShape.DYNAMIC_RANK)))),
                none("an integer output [1,300,6]", model(nchw(640, 640), ElementType.I32, 1, 300, 6)),
                none("the face detector's two outputs", FACE_DETECTOR),
                new Case("the documented overlap: a YOLOv5 at 32x32 with 80 classes, [1,63,85], also fits yolo-v8",
                        model(nchw(32, 32), 1, 63, 85), List.of("yolo-v5", "yolo-v8"), 80),
                new Case("the documented overlap: a YOLOv10 keeping 5 detections, [1,5,6], also fits yolo-v8",
                        model(nchw(640, 640), 1, 5, 6), List.of("yolo-v10", "yolo-v8"), -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void eachModelIsRecognizedByTheExpectedFamiliesAndAutoTakesTheFirst(Case model) {
        List<String> recognizing = YOLO.stream().filter(family -> family.match(model.ports()).isPresent())
                .map(ConverterFamily::name).toList();
        assertEquals(model.families(), recognizing);

        if (model.families().isEmpty()) {
            // No YOLO family takes it: auto refuses it, or finds another family (the face detector: anchor-ssd).
            try {
                ConverterFamily other = DetectionConverters.select("auto", model.ports(), "m.xml").family();
                assertTrue(!YOLO.contains(other), other.name() + " took " + model);
            } catch (InferenceException refused) {
                assertTrue(refused.getMessage().contains("is not a detector"), refused.getMessage());
            }
        } else {
            DetectionConverters.Selected selected = DetectionConverters.select("auto", model.ports(), "m.xml");
            assertEquals(model.families().getFirst(), selected.family().name());
            DetectionConverter converter = selected.match().factory().create(640, 640, LabelMap.NONE);
            assertEquals(model.classes(), converter.classCount());
        }
    }

    @Test
    void everyYoloFamilyPreparesFramesAsUltralytics() {
        InputPreparation ultralytics = new InputPreparation(ModelColor.RGB, 0, 255, true, 114,
                InputSize.declaredOrSquare(640));
        assertEquals(ultralytics, inputOf(YoloV8Converter.FAMILY, model(nchw(640, 640), 1, 84, 8400)));
        assertEquals(ultralytics, inputOf(YoloV5Converter.FAMILY, model(nchw(640, 640), 1, 25200, 85)));
        assertEquals(ultralytics, inputOf(YoloV10Converter.FAMILY, model(nchw(640, 640), 1, 300, 6)));
    }

    private static InputPreparation inputOf(ConverterFamily family, ModelPorts ports) {
        return family.match(ports).orElseThrow().input();
    }

    @Test
    void theYoloFamiliesAreModelTypesInTheOrderAutoTriesThem() {
        List<String> names = DetectionConverters.names();
        assertTrue(names.containsAll(List.of("yolo-v10", "yolo-v5", "yolo-v8")), names.toString());
        List<ConverterFamily> families = DetectionConverters.FAMILIES;
        assertTrue(families.indexOf(YoloV10Converter.FAMILY) < families.indexOf(YoloV8Converter.FAMILY)
                && families.indexOf(YoloV5Converter.FAMILY) < families.indexOf(YoloV8Converter.FAMILY),
                "yolo-v8 must come after yolo-v10 and yolo-v5: " + names);
    }

    @Test
    void namingYoloV8ForAnotherDetectorSaysWhatItHasAndWhatYoloV8Expects() {
        var error = assertThrows(InferenceException.class,
                () -> DetectionConverters.select("yolo-v8", FACE_DETECTOR, "face.tflite"));

        assertEquals("model face.tflite is not a yolo-v8 model: its outputs are 'regressors' f32 [1,896,16],"
                + " 'classificators' f32 [1,896,1], and yolo-v8 expects " + YoloV8Converter.FAMILY.expects()
                + ". Leave model-type at auto to find the family from the outputs", error.getMessage());
        assertTrue(YoloV8Converter.FAMILY.expects().startsWith("one output [batch, 4+C, N]"));
    }

    @Test
    void autoOnANonDetectorSaysWhatEachYoloFamilyExpects() {
        var error = assertThrows(DetectionConverters.NotADetector.class,
                () -> DetectionConverters.select("auto", model(nchw(224, 224), 1, 63), "hand.tflite"));

        // The message says what fits in a line; the analysis, for the log, what each family expects.
        assertTrue(error.getMessage().contains("it looks like a classifier (one output"), error.getMessage());
        for (ConverterFamily family : YOLO) {
            assertTrue(error.analysis().contains(family.name() + " (" + family.expects() + ")"), error.analysis());
        }
    }
}
