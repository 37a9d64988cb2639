package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/**
 * The palm detector → hand landmark model's handedness output on hand.jpg, against OpenVINO's
 * Python API run on the same crop (cut and resized here in NumPy, bilinear with pixel centers
 * aligned, as ovclassify does).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealClassifyTest {
    /** argv: model, frame .bgr, width, height, box x y w h, size; prints the handedness score. */
    private static final String REFERENCE = """
            import sys, numpy as np, openvino as ov
            model, frame, width, height, x, y, w, h, size = sys.argv[1:]
            width, height, x, y, w, h, size = map(int, (width, height, x, y, w, h, size))
            image = np.fromfile(frame, np.uint8).reshape(height, width, 3).astype(np.float64)
            left, top = min(max(x, 0), width - 1), min(max(y, 0), height - 1)
            right, bottom = min(max(x + w, left + 1), width), min(max(y + h, top + 1), height)
            crop = image[top:bottom, left:right]
            def axis(source, target):
                s = np.clip((np.arange(target) + 0.5) * source / target - 0.5, 0, source - 1)
                first = np.floor(s).astype(int)
                return first, np.minimum(first + 1, source - 1), s - first
            r0, r1, dy = axis(crop.shape[0], size)
            c0, c1, dx = axis(crop.shape[1], size)
            upper = crop[r0][:, c0] + (crop[r0][:, c1] - crop[r0][:, c0]) * dx[None, :, None]
            lower = crop[r1][:, c0] + (crop[r1][:, c1] - crop[r1][:, c0]) * dx[None, :, None]
            pixels = np.floor(upper + (lower - upper) * dy[:, None, None] + 0.5).astype(np.uint8)
            x = (pixels[:, :, ::-1].astype(np.float32) / 255)[None]
            compiled = ov.Core().compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
            print(float(compiled(x)[compiled.output('Identity_2')].ravel()[0]))
            """;

    @TempDir
    Path dir;

    @Test
    void handednessOfThePalmAgreesWithOpenVinosPythonApi() throws IOException, InterruptedException {
        BgrImage photo = TestAssets.readBgr(TestAssets.image("hand.jpg"));
        Path frame = Files.write(dir.resolve("hand.bgr"), photo.pixels());
        Path json = dir.resolve("hand.jsonl");
        Path landmarks = TestAssets.model("hand_landmark_full.tflite");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=" + photo.width() + " height=" + photo.height()
                + " framerate=1/1 ! ovdetect model=" + TestAssets.model("palm_detection_full.tflite")
                + " ! ovclassify model=" + landmarks + " output-name=Identity_2 attribute-name=handedness"
                + " config=INFERENCE_PRECISION_HINT=f32 labels-file=" + TestAssets.model("handedness_labels.txt")
                + " ! ovmetapublish location=" + json + " ! fakesink", Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        Map<?, ?> record = (Map<?, ?>) new GstTestSupport.Json(Files.readAllLines(json, StandardCharsets.UTF_8)
                .getFirst()).parseComplete();
        List<?> objects = (List<?>) record.get("objects");
        assertEquals(1, objects.size(), record.toString());
        Map<?, ?> palm = (Map<?, ?>) objects.getFirst();
        Map<?, ?> handedness = (Map<?, ?>) palm.get("handedness");

        double score = Double.parseDouble(VenvPython.run(REFERENCE, landmarks.toString(), frame.toString(),
                String.valueOf(photo.width()), String.valueOf(photo.height()), number(palm, "x"), number(palm, "y"),
                number(palm, "w"), number(palm, "h"), "224").strip());
        String label = score >= 0.5 ? "Right" : "Left";
        System.out.printf("hand.jpg palm %s: handedness %s %.4f (reference score %.4f)%n", palm, handedness.get("label"),
                ((Number) handedness.get("confidence")).doubleValue(), score);
        assertEquals(label, handedness.get("label"));
        assertEquals(Math.max(score, 1 - score), ((Number) handedness.get("confidence")).doubleValue(), 0.01);
    }

    private static String number(Map<?, ?> object, String key) {
        return String.valueOf(((Number) object.get(key)).intValue());
    }
}
