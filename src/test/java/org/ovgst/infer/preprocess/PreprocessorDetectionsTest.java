package org.ovgst.infer.preprocess;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovgst.infer.engine.Backend;
import org.ovgst.infer.engine.BackendModel;
import org.ovgst.infer.engine.EngineSettings;
import org.ovgst.infer.engine.PreparedModel;
import org.ovgst.infer.engine.Request;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.infer.model.InputSize;
import org.ovgst.infer.model.ModelColor;
import org.ovgst.infer.model.Normalization;
import org.ovgst.openvino.CompiledModel;
import org.ovgst.openvino.Core;
import org.ovgst.openvino.InferRequest;
import org.ovgst.openvino.Model;
import org.ovgst.openvino.Tensor;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.PartialShape;
import org.ovgst.tensor.ResizeAlgorithm;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/**
 * What the Java pre-processing does to detections: a real YOLOv8n (NudeNet's {@code 320n.onnx}) on a
 * real picture, run once with OpenVINO's pre-processing built in (the local path) and once as a bare
 * model fed by {@link Preprocessor} (what a remote server gets). The raw outputs of every candidate a
 * detector would keep (score above 0.25 either way) must agree: boxes within 2 input pixels, scores
 * within 0.01.
 */
class PreprocessorDetectionsTest {
    private static final int SIZE = 320;
    private static final int CANDIDATES = 2100;
    private static final int ROWS = 22;

    @ParameterizedTest
    @EnumSource(names = {"BGR", "BGRX", "NV12", "I420"})
    void detectionsMatchTheLocalOnes(PixelFormat format) throws Exception {
        Path file = TestAssets.model("320n.onnx");
        BgrImage image = BgrImage.read(TestAssets.image("astronaut.png")).scaled(640, 480);
        FrameLayout layout = FrameLayout.packed(format, image.width(), image.height());
        EngineSettings settings = EngineSettings.of(file).withAsync(false).withNormalization(0, 255)
                .withModelColor(ModelColor.RGB).withFit(true, 114).withInputSize(InputSize.exact(SIZE, SIZE));
        try (Arena arena = Arena.ofConfined();
                BackendModel local = Backend.local().read(settings);
                PreparedModel prepared = local.prepare(FrameLayout.tight(format, image.width(), image.height()));
                Request request = prepared.newRequest(() -> {});
                Core core = new Core();
                Model bare = core.readModel(file)) {
            MemorySegment frame = frame(arena, image, layout);
            layout.copy(frame, FrameLayout.tight(format, image.width(), image.height()), request.input(), 0);
            request.useOwnInput();
            request.infer();
            assertArrayEquals(new long[] {1, ROWS, CANDIDATES}, request.outputShape(0));
            float[] expected = floats(request.output(0));

            ModelInput input = new ModelInput(ElementType.F32, true, SIZE, SIZE, 3, ModelColor.RGB,
                    Normalization.uniform(0, 255));
            Preprocessor preprocessor = new Preprocessor(layout, input, prepared.geometry(), ResizeAlgorithm.LINEAR,
                    114, null);
            bare.reshape("images", PartialShape.of(1, 3, SIZE, SIZE));
            float[] actual;
            try (CompiledModel compiled = core.compile(bare, "CPU");
                    InferRequest remote = compiled.createInferRequest();
                    Tensor tensor = Tensor.allocate(ElementType.F32, 1, 3, SIZE, SIZE)) {
                preprocessor.write(frame, tensor.data(), 0);
                remote.setTensor("images", tensor);
                remote.infer();
                try (Tensor output = remote.tensor("output0")) {
                    actual = floats(output.data());
                }
            }

            float boxes = 0;
            float scores = 0;
            int kept = 0;
            for (int i = 0; i < CANDIDATES; i++) {
                float best = 0;
                for (int row = 4; row < ROWS; row++) {
                    best = Math.max(best, Math.max(expected[row * CANDIDATES + i], actual[row * CANDIDATES + i]));
                }
                if (best < 0.25f) {
                    continue;
                }
                kept++;
                for (int row = 0; row < ROWS; row++) {
                    float difference = Math.abs(expected[row * CANDIDATES + i] - actual[row * CANDIDATES + i]);
                    if (row < 4) {
                        boxes = Math.max(boxes, difference);
                    } else {
                        scores = Math.max(scores, difference);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "320n.onnx on astronaut.png as %s 640x480, letterboxed: %d candidates kept,"
                    + " boxes within %.3f px, scores within %.4f%n", format, kept, boxes, scores);
            assertTrue(kept > 0, "the model found nothing in astronaut.png");
            assertTrue(boxes <= 2, "boxes " + boxes + " px apart");
            assertTrue(scores <= 0.01f, "scores " + scores + " apart");
        }
    }

    /** The picture in {@code layout}; YUV by BT.601 limited range (what videoconvert makes of BGR). */
    private static MemorySegment frame(Arena arena, BgrImage image, FrameLayout layout) {
        MemorySegment frame = arena.allocate(layout.size(), 64);
        int width = image.width();
        byte[] bgr = image.pixels();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < width; x++) {
                int b = bgr[3 * (y * width + x)] & 0xff;
                int g = bgr[3 * (y * width + x) + 1] & 0xff;
                int r = bgr[3 * (y * width + x) + 2] & 0xff;
                switch (layout.format()) {
                    case BGR, BGRX -> {
                        long at = layout.offset(0) + (long) y * layout.stride(0) + (long) x * layout.format().pixelStride();
                        frame.set(JAVA_BYTE, at, (byte) b);
                        frame.set(JAVA_BYTE, at + 1, (byte) g);
                        frame.set(JAVA_BYTE, at + 2, (byte) r);
                    }
                    default -> {
                        frame.set(JAVA_BYTE, layout.offset(0) + (long) y * layout.stride(0) + x,
                                u8(16 + 0.257 * r + 0.504 * g + 0.098 * b));
                        if (y % 2 == 0 && x % 2 == 0) {
                            byte u = u8(128 - 0.148 * r - 0.291 * g + 0.439 * b);
                            byte v = u8(128 + 0.439 * r - 0.368 * g - 0.071 * b);
                            if (layout.format() == PixelFormat.NV12) {
                                long at = layout.offset(1) + (long) (y / 2) * layout.stride(1) + x;
                                frame.set(JAVA_BYTE, at, u);
                                frame.set(JAVA_BYTE, at + 1, v);
                            } else {
                                frame.set(JAVA_BYTE, layout.offset(1) + (long) (y / 2) * layout.stride(1) + x / 2, u);
                                frame.set(JAVA_BYTE, layout.offset(2) + (long) (y / 2) * layout.stride(2) + x / 2, v);
                            }
                        }
                    }
                }
            }
        }
        return frame;
    }

    private static byte u8(double value) {
        return (byte) Math.clamp(Math.round(value), 0, 255);
    }

    private static float[] floats(MemorySegment data) {
        return data.toArray(JAVA_FLOAT);
    }
}
