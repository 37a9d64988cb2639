package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.engine.EngineFrames;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.InferenceEngine;
import org.ovgst.infer.engine.InferenceResults;
import org.ovgst.infer.engine.ResultSink;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.LabelMap;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.DetectionAssertions;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.TestModelPorts;

/**
 * The anchor-ssd presets on the real models and photographs, run as ovdetect runs them: the family
 * picks the preset from the model file ({@code model-type=auto}), the real {@link InferenceEngine}
 * prepares u8 BGR frames of the photograph's own size as the preset says (resize, RGB, normalization),
 * and the family's converter decodes the outputs.
 */
class AnchorSsdModelsTest {
    private static final String FACE_MODEL = "face_detection_short_range.tflite";
    private static final String SSD_MODEL = "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite";
    private static final String PALM_MODEL = "palm_detection_full.tflite";
    /** The element's defaults; the IoU threshold does not apply to anchor-ssd presets. */
    private static final Thresholds DEFAULTS = new Thresholds(0.5f, 0.5f);
    /** The face in astronaut.png, labelled by hand: left, top, right, bottom in pixels. */
    private static final double[] ASTRONAUT_FACE = {175, 75, 275, 180};
    /**
     * The palm in hand.jpg (640x480), labelled by hand on a 10-pixel grid drawn over the photograph:
     * left, top, right, bottom in pixels. The palm is the hand without its fingers: left, the image's
     * edge, which cuts off the heel of the hand; top, the web between thumb and index finger
     * (y 135 at x 175); right, the bases of the fingers, where the webs between index, middle and
     * ring finger are (x 315 to 325 at y 205 and 285); bottom, the hand's lower edge below the
     * little finger's base (y 395 at x 250).
     */
    private static final double[] HAND_PALM = {0, 135, 315, 395};

    @Test
    void blazeFaceFindsTheAstronautsFace() {
        BgrImage image = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        List<Detection> faces = detect(FACE_MODEL, AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, List.of(image),
                LabelMap.of(List.of("face")), DEFAULTS).getFirst();
        report("face", "astronaut.png", faces);
        assertEquals(1, faces.size(), "faces: " + faces);
        Detection face = faces.getFirst();
        assertEquals("face", face.label());
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

    /**
     * MediaPipe letterboxes the palm detector's input (black bars keep the aspect ratio); the engine
     * stretches, so the test letterboxes the photograph itself: 640x480 padded to 640x640 with 80
     * black rows above and below, which the engine then only scales.
     */
    @Test
    void palmDetectorFindsTheOpenPalm() {
        BgrImage photo = TestAssets.readBgr(TestAssets.image("hand.jpg"));
        int border = (photo.width() - photo.height()) / 2;
        BgrImage square = padVertically(photo, border);
        List<Detection> palms = detect(PALM_MODEL, AnchorSsdConfig.PALM_DETECTION_FULL, List.of(square),
                LabelMap.of(List.of("palm")), DEFAULTS).getFirst();
        report("palm", "hand.jpg", palms);
        assertEquals(1, palms.size(), "palms: " + palms);
        Detection palm = palms.getFirst();
        assertEquals("palm", palm.label());
        // 0.989 with OpenVINO 2026.4.1 on CPU.
        assertTrue(palm.confidence() > 0.95, "palm confidence " + palm.confidence());
        double[] found = {palm.xMin() * square.width(), palm.yMin() * square.height() - border,
                palm.xMax() * square.width(), palm.yMax() * square.height() - border};
        double iou = iou(HAND_PALM, found);
        System.out.println("palm box " + Arrays.toString(found) + " vs hand label " + Arrays.toString(HAND_PALM)
                + ": IoU " + iou);
        assertTrue(iou > 0.5, "palm box " + Arrays.toString(found) + " vs " + Arrays.toString(HAND_PALM)
                + ": IoU " + iou);
    }

    /** Batch 3 of the face model, whose outputs hold the frames feature map by feature map. */
    @Test
    void eachFrameOfABatchDecodesLikeThatFrameAlone() {
        String[] files = {"astronaut.png", "camera.png", "chelsea.png"};
        // A low threshold, so that every frame has several detections to compare.
        Thresholds low = new Thresholds(0.05f, 0.5f);
        List<BgrImage> frames = new ArrayList<>();
        List<List<Detection>> alone = new ArrayList<>();
        for (String file : files) {
            BgrImage frame = EngineFrames.photo(file, 320, 240);
            frames.add(frame);
            alone.add(detect(FACE_MODEL, AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, List.of(frame), LabelMap.NONE, low)
                    .getFirst());
        }
        assertTrue(alone.stream().noneMatch(List::isEmpty), "every frame has detections: " + alone);
        assertTrue(alone.getFirst().getFirst().confidence() > 0.8, "the astronaut's face: " + alone.getFirst());

        List<List<Detection>> batched = detect(FACE_MODEL, AnchorSsdConfig.BLAZEFACE_SHORT_RANGE, frames,
                LabelMap.NONE, low);
        for (int i = 0; i < frames.size(); i++) {
            List<Detection> inBatch = batched.get(i);
            System.out.println("face batch frame " + i + " on " + files[i] + ": " + inBatch.size()
                    + " detections above 0.05, the best " + inBatch.getFirst());
            assertEquals(alone.get(i).size(), inBatch.size(), files[i] + ": " + inBatch + " vs " + alone.get(i));
            for (int d = 0; d < inBatch.size(); d++) {
                DetectionAssertions.assertClose(alone.get(i).get(d), inBatch.get(d), 1e-4f);
            }
        }
    }

    /** The detections on {@code file} are exactly one of each label, best first. */
    private static void assertSsdFinds(String file, String... labels) {
        LabelMap openImages = TestAssets.openImagesLabels();
        List<Detection> found = detect(SSD_MODEL, AnchorSsdConfig.OPEN_IMAGES_SSD_MOBILENET_V2,
                List.of(TestAssets.readBgr(TestAssets.image(file))), openImages, DEFAULTS).getFirst();
        report("ssd", file, found);
        assertEquals(List.of(labels), found.stream().map(Detection::label).toList(), file + ": " + found);
    }

    /**
     * Runs the frames (all of one size) as one batch through the engine with the input preparation
     * of the preset that {@code model-type=auto} picks, which must be {@code expected}, and decodes
     * each frame with the family's converter.
     */
    private static List<List<Detection>> detect(String modelFile, AnchorSsdConfig expected, List<BgrImage> frames,
            LabelMap labels, Thresholds thresholds) {
        Path model = TestAssets.model(modelFile);
        ModelPorts ports = TestModelPorts.read(model);
        DetectionConverters.Selected selected = DetectionConverters.select(DetectionConverters.AUTO, ports,
                modelFile);
        assertSame(AnchorSsdConverter.FAMILY, selected.family());
        InputPreparation input = selected.match().input();
        assertEquals(expected.preparation(), input);
        DetectionConverter converter = selected.match().factory().create(expected.input().width(),
                expected.input().height(), labels);
        assertEquals(expected.scores().classes(), converter.classCount());

        int width = frames.getFirst().width();
        int height = frames.getFirst().height();
        List<List<Detection>> found = new ArrayList<>();
        // The engine logs what its sink throws and goes on: keep it for the test to throw.
        List<Throwable> errors = new ArrayList<>();
        var sink = new ResultSink<Integer>() {
            @Override
            public void deliver(Integer frame, InferenceResults results) {
                try {
                    found.add(converter.convert(results, thresholds));
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }

            @Override
            public void discard(Integer frame) {
                errors.add(new AssertionError("frame " + frame + " was discarded"));
            }

            @Override
            public void fail(Integer frame, RuntimeException error) {
                errors.add(error);
            }
        };
        EngineSettings settings = EngineSettings.of(model).withAsync(false).withBatchSize(frames.size())
                .withInputName(ports.input().name()).withModelColor(input.color())
                .withNormalization(input.mean(), input.scale());
        try (Arena arena = Arena.ofConfined();
                var engine = InferenceEngine.open(settings, FrameLayout.tight(PixelFormat.BGR, width, height),
                        sink)) {
            for (int i = 0; i < frames.size(); i++) {
                MemorySegment frame = EngineFrames.convert(frames.get(i), PixelFormat.BGR, arena);
                assertTrue(engine.submit(i, frame));
            }
            assertTrue(engine.drain());
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(modelFile + " failed on the engine or in its converter", errors.getFirst());
        }
        assertEquals(frames.size(), found.size());
        return found;
    }

    /** The image with {@code rows} black rows added above and below. */
    private static BgrImage padVertically(BgrImage image, int rows) {
        int rowBytes = image.width() * 3;
        byte[] padded = new byte[rowBytes * (image.height() + 2 * rows)];
        System.arraycopy(image.pixels(), 0, padded, rowBytes * rows, image.pixels().length);
        return new BgrImage(image.width(), image.height() + 2 * rows, padded);
    }

    /** Intersection over union of two boxes given as left, top, right, bottom. */
    private static double iou(double[] a, double[] b) {
        double width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double intersection = width * height;
        return intersection / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection);
    }

    private static void report(String model, String image, List<Detection> detections) {
        System.out.println(model + " on " + image + ": " + detections);
    }
}
