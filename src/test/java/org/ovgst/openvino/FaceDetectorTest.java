package org.ovgst.openvino;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovgst.tensor.ElementType;
import org.ovgst.tensor.ResizeAlgorithm;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/** The real BlazeFace detector on a real photograph, through Core, PrePostProcessor and InferRequest. */
class FaceDetectorTest {
    /** The face in astronaut.png, labelled by hand: left, top, right, bottom in pixels. */
    private static final double[] ASTRONAUT_FACE = {175, 75, 275, 180};

    @Test
    void highestScoringAnchorDecodesToTheFace() {
        BgrImage image = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        try (Arena arena = Arena.ofConfined();
                Core core = new Core();
                Model model = core.readModel(TestAssets.model("face_detection_short_range.tflite"));
                PrePostProcessor ppp = new PrePostProcessor(model)) {
            assertEquals("[input f32 [1,128,128,3]]", model.inputs().toString());
            ppp.input("input").tensorElementType(ElementType.U8).tensorLayout("NHWC")
                    .tensorColorFormat(ColorFormat.BGR).tensorSpatialStaticShape(image.height(), image.width())
                    .convertElementType(ElementType.F32).convertColor(ColorFormat.RGB)
                    .resize(ResizeAlgorithm.LINEAR).mean(127.5f).scale(127.5f).modelLayout("NHWC");
            try (Model withPreprocessing = ppp.build();
                    CompiledModel compiled = core.compile(withPreprocessing, "CPU", Map.of("PERFORMANCE_HINT", "LATENCY"));
                    InferRequest request = compiled.createInferRequest();
                    Tensor frame = Tensor.wrap(ElementType.U8, new long[] {1, image.height(), image.width(), 3},
                            image.copyTo(arena))) {
                request.setTensor("input", frame);
                request.infer();
                try (Tensor boxes = request.tensor("regressors"); Tensor scores = request.tensor("classificators")) {
                    assertArrayEquals(new long[] {1, 896, 16}, boxes.shape());
                    assertArrayEquals(new long[] {1, 896, 1}, scores.shape());
                    assertEquals(ElementType.F32, scores.elementType());
                    assertFace(boxes.data(), scores.data(), image.width(), image.height());
                }
            }
        }
    }

    private static void assertFace(MemorySegment boxes, MemorySegment scores, int width, int height) {
        float[] logits = scores.toArray(ValueLayout.JAVA_FLOAT);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        double score = 1 / (1 + Math.exp(-logits[best]));
        assertTrue(score > 0.8, "top face score " + score);
        // BlazeFace short-range anchors: 16x16 cells x 2 (stride 8), then 8x8 cells x 6 (stride 16).
        int cell = best < 512 ? best / 2 : (best - 512) / 6;
        int grid = best < 512 ? 16 : 8;
        double anchorX = (cell % grid + 0.5) / grid;
        double anchorY = (cell / grid + 0.5) / grid;
        float[] box = boxes.asSlice(best * 16L * Float.BYTES, 4L * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        double cx = (box[0] / 128 + anchorX) * width;
        double cy = (box[1] / 128 + anchorY) * height;
        double w = box[2] / 128 * width;
        double h = box[3] / 128 * height;
        double[] found = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
        double iou = iou(found, ASTRONAUT_FACE);
        assertTrue(iou > 0.6, "face box " + java.util.Arrays.toString(found) + " overlaps the true face by IoU " + iou);
    }

    static double iou(double[] a, double[] b) {
        double ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double intersection = ix * iy;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
        return intersection / union;
    }
}
