package org.ovgst.infer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ovgst.infer.InferenceException;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.Normalization;
import org.ovgst.openvino.OpenVino;
import org.ovgst.testing.TestAssets;

/** Every way to get the settings wrong ends in a message that names the model, the setting and the fix. */
class InferenceEngineErrorsTest {
    private static final FrameLayout BGR = FrameLayout.tight(PixelFormat.BGR, 160, 120);
    private static final ResultSink<Integer> SINK = new InferenceEngineTest.Recorder();

    @AfterEach
    void noNativeHandlesLeft() {
        assertEquals(Map.of(), OpenVino.liveHandles(), "native handles after a failed open");
    }

    @Test
    void theOpenImagesSsdRefusesBatchSize3() {
        Path ssd = TestAssets.model("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite");
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineSettings.of(ssd).withBatchSize(3), BGR, SINK));
        assertContains(message, "batch-size 3 is not possible with " + ssd, "use batch-size=1",
                "normalized_input_image_tensor", "[1,300,300,3]", "[3,300,300,3]");
        // At batch 1 the same model opens.
        InferenceEngine.open(EngineSettings.of(ssd), BGR, SINK).close();
    }

    @Test
    void nireqBelowZero() {
        String message = fails(IllegalArgumentException.class, () -> EngineFrames.faceSettings().withNireq(-1));
        assertContains(message, "nireq -1 is not valid for ", EngineFrames.FACE_MODEL, "use 0 (",
                "or a positive number");
    }

    @Test
    void batchSizeZero() {
        String message = fails(IllegalArgumentException.class, () -> EngineFrames.faceSettings().withBatchSize(0));
        assertContains(message, "batch-size 0 is not valid for ", EngineFrames.FACE_MODEL, "use 1 (");
    }

    @Test
    void wrongInputName() {
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineFrames.faceSettings().withInputName("image"), BGR, SINK));
        assertContains(message, EngineFrames.FACE_MODEL, "has no input named 'image' (input-name)",
                "its inputs are: 'input' f32 [1,128,128,3]", "Set input-name to one of them");
    }

    @Test
    void unknownDevice() {
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineFrames.faceSettings().withDevice("NPU7"), BGR, SINK));
        assertContains(message, "device 'NPU7' is not available for ", EngineFrames.FACE_MODEL,
                "available devices: CPU", "Set device to one of them");
    }

    @Test
    void missingModel() {
        Path missing = TestAssets.home().resolve("models/no_such_model.tflite");
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineSettings.of(missing), BGR, SINK));
        assertContains(message, missing.toAbsolutePath() + ": model file does not exist");
        String folder = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineSettings.of(TestAssets.home().resolve("models")), BGR, SINK));
        assertContains(folder, "models: model file is a directory: give the model file in it");
        String none = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineSettings.DEFAULTS, BGR, SINK));
        assertContains(none, "no model set");
    }

    @Test
    void notAModel() {
        Path labels = TestAssets.model("oidv4_labels.txt");
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineSettings.of(labels), BGR, SINK));
        assertContains(message, "cannot read model " + labels);
    }

    @Test
    void badCompileProperty() {
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineFrames.faceSettings().withConfig(Map.of("NUM_STREAMS", "many")), BGR, SINK));
        assertContains(message, "cannot compile ", EngineFrames.FACE_MODEL, "NUM_STREAMS=many", "(config)");
    }

    @Test
    void wrongModelLayout() {
        String message = fails(InferenceException.class, () -> InferenceEngine.open(
                EngineFrames.faceSettings().withModelLayout("NCHW"), BGR, SINK));
        assertContains(message, "has 128 channels in layout NCHW", "check model-layout");
        assertContains(fails(IllegalArgumentException.class, () -> EngineFrames.faceSettings().withModelLayout("CHW")),
                "model-layout 'CHW' is not valid", "use NCHW, NHWC");
    }

    @Test
    void oddSizedYuv() {
        FrameLayout odd = new FrameLayout(PixelFormat.I420, 161, 121, new int[] {164, 84, 84},
                new long[] {0, 164 * 121, 164 * 121 + 84 * 61}, 164 * 121 + 2 * 84 * 61);
        String message = fails(IllegalArgumentException.class, () -> InferenceEngine.open(
                EngineFrames.faceSettings(), odd, SINK));
        assertContains(message, "I420 frames of odd size 161x121", "even size");
    }

    @Test
    void badNormalization() {
        assertContains(fails(IllegalArgumentException.class, () -> EngineFrames.faceSettings().withNormalization(0, 0)),
                "scale 0.0 is not valid", "other than 0");
    }

    @Test
    void perChannelValuesOfAnotherCount() {
        EngineSettings settings = EngineFrames.faceSettings().withNormalization(
                new Normalization(java.util.List.of(1f, 2f), java.util.List.of(1f)));
        String message = fails(InferenceException.class, () -> InferenceEngine.open(settings, BGR, SINK));
        assertEquals("the normalization (mean [1.0, 2.0], scale [1.0]) gives values for 2 channels; input 'input' of "
                + settings.model() + " has 3: give one value or 3", message);
    }

    private static String fails(Class<? extends Throwable> type, Executable action) {
        String message = assertThrows(type, action).getMessage();
        System.out.println(type.getSimpleName() + ": " + message);
        return message;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
        }
    }
}
