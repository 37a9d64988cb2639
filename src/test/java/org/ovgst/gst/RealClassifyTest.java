package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/**
 * The hand landmark model's handedness output on the regions detectors find in photographs, against
 * OpenVINO's Python API run on the same crops (cut and resized in NumPy, bilinear with pixel centers
 * aligned, as ovclassify does: src/test/python/crops.py). No labels-file: ovgst knows the model's.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealClassifyTest {
    /** argv: model, frame .bgr, width, height, size, then x y w h of each box; prints one handedness score a line. */
    private static final String REFERENCE = """
            import sys, numpy as np, openvino as ov
            sys.path.insert(0, 'src/test/python')
            from crops import resize_box
            model, frame = sys.argv[1:3]
            width, height, size = map(int, sys.argv[3:6])
            boxes = [list(map(int, sys.argv[i:i + 4])) for i in range(6, len(sys.argv), 4)]
            image = np.fromfile(frame, np.uint8).reshape(height, width, 3)
            compiled = ov.Core().compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
            for x, y, w, h in boxes:
                pixels = resize_box(image, x, y, w, h, size, size)
                tensor = (pixels[:, :, ::-1].astype(np.float32) / 255)[None]
                print(float(compiled(tensor)[compiled.output('Identity_2')].ravel()[0]))
            """;

    @TempDir
    Path dir;

    /**
     * Each region's classification equals OpenVINO's Python API on the same crop: the palm of
     * hand.jpg, and every object the Open Images SSD finds on dog.jpg and person.jpg (the handedness
     * of a dog means nothing; that its crop and score are the reference's does).
     */
    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"hand.jpg, palm_detection_full.tflite, 1", "dog.jpg, object_detection_ssd_mobilenetv2_oidv4_fp16.tflite, 3",
            "person.jpg, object_detection_ssd_mobilenetv2_oidv4_fp16.tflite, 2"})
    void eachRegionsHandednessAgreesWithOpenVinosPythonApi(String image, String detector, int atLeast)
            throws IOException, InterruptedException {
        BgrImage photo = TestAssets.readBgr(TestAssets.image(image));
        Path frame = Files.write(dir.resolve(image + ".bgr"), photo.pixels());
        Path json = dir.resolve(image + ".jsonl");
        Path landmarks = TestAssets.model("hand_landmark_full.tflite");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=" + photo.width() + " height=" + photo.height()
                + " framerate=1/1 ! ovdetect model=" + TestAssets.model(detector) + " threshold=0.3"
                + " ! ovclassify model=" + landmarks + " output-name=Identity_2 attribute-name=handedness"
                + " config=INFERENCE_PRECISION_HINT=f32 batch-size=2 ! ovmetapublish location=" + json + " ! fakesink",
                Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        Map<?, ?> record = (Map<?, ?>) new GstTestSupport.Json(Files.readAllLines(json, StandardCharsets.UTF_8)
                .getFirst()).parseComplete();
        List<?> objects = (List<?>) record.get("objects");
        assertTrue(objects.size() >= atLeast, record.toString());

        List<String> arguments = new ArrayList<>(List.of(landmarks.toString(), frame.toString(),
                String.valueOf(photo.width()), String.valueOf(photo.height()), "224"));
        for (Object object : objects) {
            for (String key : List.of("x", "y", "w", "h")) {
                arguments.add(String.valueOf(((Number) ((Map<?, ?>) object).get(key)).intValue()));
            }
        }
        List<String> scores = VenvPython.run(REFERENCE, arguments.toArray(String[]::new)).strip().lines().toList();
        assertEquals(objects.size(), scores.size());
        for (int i = 0; i < objects.size(); i++) {
            Map<?, ?> object = (Map<?, ?>) objects.get(i);
            Map<?, ?> handedness = (Map<?, ?>) object.get("handedness");
            double score = Double.parseDouble(scores.get(i));
            System.out.printf("%s %s [%s,%s,%sx%s]: handedness %s %.4f (reference score %.4f)%n", image,
                    object.get("roi_type"), object.get("x"), object.get("y"), object.get("w"), object.get("h"),
                    handedness.get("label"), ((Number) handedness.get("confidence")).doubleValue(), score);
            assertEquals(score >= 0.5 ? "Right" : "Left", handedness.get("label"), object.toString());
            assertEquals(Math.max(score, 1 - score), ((Number) handedness.get("confidence")).doubleValue(), 0.01,
                    object.toString());
        }
    }
}
