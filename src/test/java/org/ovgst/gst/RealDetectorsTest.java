package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/**
 * Every real detector ovgst ships, with no property but the model: the family is found from the
 * outputs, the labels and the input size from the model file or ovgst's table. Each finds the
 * hand-labelled object, and its boxes and scores match an independent reference computed with
 * OpenVINO's Python API on the same frame ({@code src/test/python/reference_detect.py}, which
 * follows each family's own definition: Ultralytics, deface, MediaPipe's graphs). Non-square crops
 * make the letterbox and the stretch to multiples of 32 matter.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealDetectorsTest {
    /** Hand labels, left, top, right, bottom in pixels: the face in astronaut.png, the palm in hand.jpg. */
    private static final int[] ASTRONAUT_FACE = {175, 75, 275, 180};
    private static final int[] HAND_PALM = {0, 135, 315, 395};

    @TempDir
    static Path dir;

    /**
     * @param family the reference's name for the model's family
     * @param crop left, top, width, height of the photograph fed as the frame (rows a multiple of 4
     *     bytes, GStreamer's default stride for BGR, since the file holds tight rows)
     * @param labelled the hand label in the crop's pixels, or null
     * @param label the label the model file or ovgst's table gives the object
     */
    record Case(String model, String family, String image, int[] crop, int[] labelled, String label,
            double minIou) {
        @Override
        public String toString() {
            return model + " on " + image + " " + crop[2] + "x" + crop[3];
        }
    }

    static Stream<Arguments> cases() {
        int[] square = {0, 0, 512, 512};
        int[] wide = {0, 0, 512, 300};
        int[] tall = {100, 0, 300, 512};
        int[] faceWide = ASTRONAUT_FACE;
        int[] faceTall = {ASTRONAUT_FACE[0] - 100, ASTRONAUT_FACE[1], ASTRONAUT_FACE[2] - 100, ASTRONAUT_FACE[3]};
        return Stream.of(
                new Case("320n.onnx", "yolo-v8", "astronaut.png", square, ASTRONAUT_FACE, "FACE_FEMALE", 0.7),
                new Case("320n.onnx", "yolo-v8", "astronaut.png", wide, faceWide, "FACE_FEMALE", 0.7),
                new Case("320n.onnx", "yolo-v8", "astronaut.png", tall, faceTall, "FACE_FEMALE", 0.7),
                new Case("centerface.onnx", "centerface", "astronaut.png", square, ASTRONAUT_FACE, "face", 0.6),
                new Case("centerface.onnx", "centerface", "astronaut.png", wide, faceWide, "face", 0.6),
                new Case("face_detection_short_range.tflite", "anchor-ssd-face", "astronaut.png", square,
                        ASTRONAUT_FACE, "face", 0.7),
                new Case("face_detection_short_range.tflite", "anchor-ssd-face", "astronaut.png", tall, faceTall,
                        "face", 0.7),
                new Case("palm_detection_full.tflite", "anchor-ssd-palm", "hand.jpg", new int[] {0, 0, 640, 480},
                        HAND_PALM, "palm", 0.7),
                new Case("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite", "anchor-ssd-oid", "chelsea.png",
                        new int[] {0, 0, 448, 300}, null, "Cat", 0)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsTheLabelledObjectAndAgreesWithTheReference(Case c) throws Exception {
        BgrImage photo = crop(TestAssets.readBgr(TestAssets.image(c.image())), c.crop());
        String name = c.model() + "-" + c.image() + "-" + photo.width() + "x" + photo.height();
        Path frame = Files.write(dir.resolve(name + ".bgr"), photo.pixels());
        Path json = dir.resolve(name + ".jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=" + photo.width() + " height=" + photo.height()
                + " framerate=1/1 ! ovdetect model=" + TestAssets.model(c.model())
                // f32 as the reference: a CPU's default may be bf16, which moves scores by up to 0.02.
                + " config=INFERENCE_PRECISION_HINT=f32 ! ovmetapublish location="
                + json + " ! fakesink", Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        List<GstTestSupport.Box> found = GstTestSupport.readFrames(json).get(0).objects();
        List<double[]> reference = reference(c, frame, photo);

        assertEquals(reference.size(), found.size(), "count vs the reference " + found);
        for (int i = 0; i < found.size(); i++) {
            GstTestSupport.Box box = found.get(i);
            double[] expected = reference.get(i);
            assertEquals((int) expected[0], box.labelId(), "class of " + box);
            assertEquals(expected[1], box.confidence(), 0.01, "score of " + box + " vs the reference");
            double[] edges = {box.x(), box.y(), box.x() + box.w(), box.y() + box.h()};
            for (int e = 0; e < 4; e++) {
                // Whole pixels here, and a reference resize that rounds differently: 2 px, about 1 % of a face.
                assertEquals(expected[2 + e], edges[e], 2.0, "edge " + e + " of " + box + " vs the reference "
                        + java.util.Arrays.toString(expected));
            }
        }
        GstTestSupport.Box best = found.get(0);
        assertEquals(c.label(), best.label());
        if (c.labelled() != null) {
            double iou = iou(c.labelled(), best);
            assertTrue(iou >= c.minIou(), "IoU " + iou + " of " + best + " with the hand label");
        }
    }

    /** The reference's detections: label id, confidence, x min, y min, x max, y max. */
    private static List<double[]> reference(Case c, Path frame, BgrImage photo) throws Exception {
        String output = VenvPython.runFile("reference_detect.py", "--family", c.family(), "--model", TestAssets.model(c.model()).toString(), "--raw",
                Integer.toString(photo.width()), Integer.toString(photo.height()), frame.toString(),
                "--threshold", "0.5", "--iou", "0.5");
        Map<?, ?> parsed = (Map<?, ?>) new GstTestSupport.Json(output.strip()).parseComplete();
        List<double[]> detections = new ArrayList<>();
        for (Object entry : (List<?>) parsed.get("detections")) {
            Map<?, ?> d = (Map<?, ?>) entry;
            detections.add(new double[] {number(d, "label_id"), number(d, "confidence"), number(d, "x_min"),
                    number(d, "y_min"), number(d, "x_max"), number(d, "y_max")});
        }
        return detections;
    }

    private static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    private static BgrImage crop(BgrImage image, int[] crop) {
        byte[] pixels = new byte[crop[2] * crop[3] * 3];
        for (int y = 0; y < crop[3]; y++) {
            System.arraycopy(image.pixels(), ((crop[1] + y) * image.width() + crop[0]) * 3, pixels, y * crop[2] * 3,
                    crop[2] * 3);
        }
        return new BgrImage(crop[2], crop[3], pixels);
    }

    private static double iou(int[] labelled, GstTestSupport.Box box) {
        double width = Math.min(labelled[2], box.x() + box.w()) - Math.max(labelled[0], box.x());
        double height = Math.min(labelled[3], box.y() + box.h()) - Math.max(labelled[1], box.y());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double intersection = width * height;
        return intersection / ((labelled[2] - labelled[0]) * (labelled[3] - labelled[1]) + box.w() * box.h()
                - intersection);
    }
}
