package org.ovgst.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ovgst.openvino.ColorFormat;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.ElementType;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.PartialShape;
import org.ovgst.openvino.PrePostProcessor;
import org.ovgst.openvino.ResizeAlgorithm;
import org.ovgst.openvino.Tensor;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.BgrImage;

/**
 * The presets on the real models and photographs, through the binding: u8 BGR frames of the image's
 * own size, resized, converted and normalized by OpenVINO's pre-processing, decoded by the decoder.
 */
class AnchorSsdModelsTest {
    private static final String FACE_MODEL = "face_detection_short_range.tflite";
    private static final String SSD_MODEL = "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite";
    /** The face in astronaut.png, labelled by hand: left, top, right, bottom in pixels. */
    private static final double[] ASTRONAUT_FACE = {175, 75, 275, 180};

    private static Core core;

    @BeforeAll
    static void startOpenVino() {
        core = new Core();
    }

    @AfterAll
    static void stopOpenVino() {
        core.close();
    }

    @Test
    void blazeFaceFindsTheAstronautsFace() {
        BgrImage image = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        List<Detection> faces = detect(AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, FACE_MODEL, image);
        report("face", "astronaut.png", faces);
        assertEquals(1, faces.size(), "faces: " + faces);
        Detection face = faces.getFirst();
        assertTrue(face.confidence() > 0.8, "face confidence " + face.confidence());
        double[] found = {face.xMin() * image.width(), face.yMin() * image.height(), face.xMax() * image.width(),
                face.yMax() * image.height()};
        double[] tolerance = {0.1 * image.width(), 0.1 * image.height()};
        for (int i = 0; i < 4; i++) {
            assertEquals(ASTRONAUT_FACE[i], found[i], tolerance[i % 2],
                    "face box " + Arrays.toString(found) + ", edge " + i);
        }
    }

    @Test
    void openImagesSsdFindsThePersonTheCatAndTheDog() {
        assertSsdFinds("astronaut.png", "Person");
        assertSsdFinds("chelsea.png", "Cat");
        // The truck is labelled Car; Open Images' 24 classes have no truck.
        assertSsdFinds("dog.jpg", "Dog", "Bicycle", "Car");
        // The horse is not among the 24 classes.
        assertSsdFinds("person.jpg", "Dog", "Person");
    }

    /** The detections on {@code file} are exactly one of each label, best first. */
    private static void assertSsdFinds(String file, String... labels) {
        List<Detection> found = detect(AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2, SSD_MODEL,
                TestAssets.readBgr(TestAssets.image(file)));
        report("ssd", file, found);
        assertEquals(List.of(labels), found.stream().map(Detection::label).toList(), file + ": " + found);
    }

    @Test
    void eachFrameOfABatchDecodesLikeThatFrameAlone() {
        String[] files = {"astronaut.png", "camera.png", "chelsea.png"};
        // A low threshold, so that every frame has several detections to compare.
        AnchorSsdConfig config = AnchorSsdConfig.BLAZEFACE_SHORT_RANGE.withMinScore(0.05f);
        var decoder = new AnchorSsdDecoder(config, List.of());
        // One batch tensor holds frames of one size.
        int width = 320;
        int height = 240;
        long frameBytes = width * height * 3L;
        List<BgrImage> frames = new ArrayList<>();
        List<List<Detection>> alone = new ArrayList<>();
        for (String file : files) {
            BgrImage frame = EngineFrames.photo(file, width, height);
            frames.add(frame);
            alone.add(detect(config, FACE_MODEL, frame));
        }
        assertTrue(alone.stream().noneMatch(List::isEmpty), "every frame has detections: " + alone);
        assertTrue(alone.getFirst().getFirst().confidence() > 0.8, "the astronaut's face: " + alone.getFirst());

        try (Arena arena = Arena.ofConfined();
                Model model = core.readModel(TestAssets.model(FACE_MODEL))) {
            model.reshape(config.input().name(), PartialShape.of(frames.size(), 128, 128, 3));
            MemorySegment batch = arena.allocate(frames.size() * frameBytes);
            for (int i = 0; i < frames.size(); i++) {
                MemorySegment.copy(frames.get(i).copyTo(arena), 0, batch, i * frameBytes, frameBytes);
            }
            try (CompiledModel compiled = compile(model, config, width, height);
                    InferRequest request = compiled.createInferRequest();
                    Tensor input = Tensor.wrap(ElementType.U8, new long[] {frames.size(), height, width, 3}, batch)) {
                request.setTensor(config.input().name(), input);
                request.infer();
                try (Tensor boxes = request.tensor(config.boxes().name());
                        Tensor scores = request.tensor(config.scores().name())) {
                    // The TFLite model folds the batch into the anchor axis, feature map by feature map.
                    assertArrayEquals(new long[] {1, 3 * 896, 16}, boxes.shape());
                    decoder.checkOutputShapes(boxes.shape(), scores.shape(), frames.size());
                    for (int i = 0; i < frames.size(); i++) {
                        List<Detection> inBatch = decoder.decode(boxes.data(), scores.data(), frames.size(), i);
                        System.out.println("face batch frame " + i + " on " + files[i] + ": " + inBatch.size()
                                + " detections above 0.05, the best " + inBatch.getFirst());
                        assertEquals(alone.get(i).size(), inBatch.size(), files[i] + ": " + inBatch + " vs " + alone.get(i));
                        for (int d = 0; d < inBatch.size(); d++) {
                            AnchorSsdDecoderTest.assertClose(alone.get(i).get(d), inBatch.get(d), 1e-4f);
                        }
                    }
                }
            }
        }
    }

    /** Runs one frame through the model with the preset's pre-processing and decodes it. */
    private static List<Detection> detect(AnchorSsdConfig config, String modelFile, BgrImage image) {
        List<String> labels = config.labelFile() == null ? List.of()
                : Labels.load(TestAssets.model(config.labelFile()));
        try (Arena arena = Arena.ofConfined();
                Model model = core.readModel(TestAssets.model(modelFile));
                CompiledModel compiled = compile(model, config, image.width(), image.height());
                InferRequest request = compiled.createInferRequest();
                Tensor frame = Tensor.wrap(ElementType.U8, new long[] {1, image.height(), image.width(), 3},
                        image.copyTo(arena))) {
            request.setTensor(config.input().name(), frame);
            request.infer();
            try (Tensor boxes = request.tensor(config.boxes().name());
                    Tensor scores = request.tensor(config.scores().name())) {
                var decoder = new AnchorSsdDecoder(config, labels);
                decoder.checkOutputShapes(boxes.shape(), scores.shape(), 1);
                return decoder.decode(boxes.data(), scores.data());
            }
        }
    }

    /** The model with pre-processing from u8 BGR NHWC frames of {@code width x height}, compiled for CPU. */
    private static CompiledModel compile(Model model, AnchorSsdConfig config, int width, int height) {
        AnchorSsdConfig.Input input = config.input();
        try (PrePostProcessor ppp = new PrePostProcessor(model)) {
            ppp.input(input.name()).tensorElementType(ElementType.U8).tensorLayout("NHWC")
                    .tensorColorFormat(ColorFormat.BGR).tensorSpatialStaticShape(height, width)
                    .convertElementType(ElementType.F32).convertColor(ColorFormat.RGB)
                    .resize(ResizeAlgorithm.LINEAR).mean(input.mean()).scale(input.scale()).modelLayout("NHWC");
            try (Model withPreprocessing = ppp.build()) {
                return core.compile(withPreprocessing, "CPU", Map.of("PERFORMANCE_HINT", "LATENCY"));
            }
        }
    }

    private static void report(String model, String image, List<Detection> detections) {
        System.out.println(model + " on " + image + ": " + detections);
    }
}
