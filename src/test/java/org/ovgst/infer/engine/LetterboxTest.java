package org.ovgst.infer.engine;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.InputGeometry;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;

/** The letterbox: its geometry (as Ultralytics computes it) and the pixels OpenVINO's pre-processing makes. */
class LetterboxTest {
    @TempDir
    Path dir;

    @Test
    void geometryKeepsTheAspectRatioAndCentersTheFrame() {
        assertEquals(new InputGeometry(1280, 720, 640, 640, 0, 140, 640, 360),
                InputGeometry.letterbox(1280, 720, 640, 640));
        assertEquals(new InputGeometry(720, 1280, 320, 320, 70, 0, 180, 320),
                InputGeometry.letterbox(720, 1280, 320, 320));
        // Ultralytics: height round(45 * 0.64) = 29, padding 35 split as round(17.4) = 17 above, 18 below.
        assertEquals(new InputGeometry(100, 45, 64, 64, 0, 17, 64, 29), InputGeometry.letterbox(100, 45, 64, 64));
        assertTrue(InputGeometry.letterbox(512, 512, 320, 320).isStretch());
    }

    @Test
    void boxesMapBackToTheFrameAndClampAtItsEdges() {
        InputGeometry geometry = InputGeometry.letterbox(1280, 720, 640, 640);
        // The frame covers input rows 140..500: 140/640 = 0.21875, 500/640 = 0.78125.
        Detection covering = new Detection(3, "x", 0.9f, 0.25f, 0.21875f, 0.75f, 0.78125f);
        Detection mapped = geometry.toFrame(covering);
        assertEquals(0.25f, mapped.xMin(), 1e-6);
        assertEquals(0f, mapped.yMin(), 1e-6);
        assertEquals(0.75f, mapped.xMax(), 1e-6);
        assertEquals(1f, mapped.yMax(), 1e-6);
        assertEquals(3, mapped.labelId());
        assertEquals(0.9f, mapped.confidence());
        // Rows 300..400 of the input are frame rows (300-140)*2 = 320 .. 520 of 720.
        Detection middle = geometry.toFrame(new Detection(0, "y", 0.5f, 0f, 300 / 640f, 1f, 400 / 640f));
        assertEquals(320 / 720f, middle.yMin(), 1e-6);
        assertEquals(520 / 720f, middle.yMax(), 1e-6);
        // A box reaching into the padding is clamped to the frame.
        Detection intoPadding = geometry.toFrame(new Detection(0, "z", 0.5f, 0f, 0.1f, 0.5f, 0.3f));
        assertEquals(0f, intoPadding.yMin());
        assertEquals((0.3f * 640 - 140) / 360, intoPadding.yMax(), 1e-6);
    }

    /** An 8x4 BGR frame letterboxed into an 8x8 identity model: 2 rows of padding above and below, pixels exact. */
    @Test
    void preprocessingPadsAroundTheFrameInTheModelsColors() {
        Path model = IrModels.identity(dir, ElementType.F32, 1, 3, 8, 8);
        float[] out = run(model, EngineSettings.of(model).withFit(true, 114).withAsync(false), bgrRamp());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean padding = y < 2 || y >= 6;
                int row = y - 2;
                assertEquals(padding ? 114 : 200, at(out, 0, y, x), "R at " + x + "," + y);
                assertEquals(padding ? 114 : row * 10 + 1, at(out, 1, y, x), "G at " + x + "," + y);
                assertEquals(padding ? 114 : x * 10, at(out, 2, y, x), "B at " + x + "," + y);
            }
        }
    }

    /** The padding is normalized like the pixels: (114 - 127.5) / 127.5. */
    @Test
    void paddingIsNormalizedLikeThePixels() {
        Path model = IrModels.identity(dir, ElementType.F32, 1, 3, 8, 8);
        EngineSettings settings = EngineSettings.of(model).withFit(true, 114).withNormalization(127.5f, 127.5f)
                .withAsync(false);
        float[] out = run(model, settings, bgrRamp());
        assertEquals((114 - 127.5f) / 127.5f, at(out, 1, 0, 0), 1e-6);
        assertEquals((200 - 127.5f) / 127.5f, at(out, 0, 3, 5), 1e-6);
    }

    /** A uniform NV12 frame of 16x8 into 8x8: scaled by half, then padded. */
    @Test
    void yuvFramesAreConvertedThenScaledThenPadded() {
        Path model = IrModels.identity(dir, ElementType.F32, 1, 3, 8, 8);
        FrameLayout nv12 = FrameLayout.tight(PixelFormat.NV12, 16, 8);
        AtomicReference<float[]> seen = new AtomicReference<>();
        try (Arena arena = Arena.ofConfined();
                var engine = InferenceEngine.open(EngineSettings.of(model).withFit(true, 114).withAsync(false), nv12,
                        sink(seen))) {
            MemorySegment frame = arena.allocate(nv12.size());
            frame.fill((byte) 128);
            assertEquals(new InputGeometry(16, 8, 8, 8, 0, 2, 8, 4), engine.geometry());
            engine.submit(0, frame);
        }
        float[] out = seen.get();
        // BT.601 limited range: Y 128 with neutral chroma is (128 - 16) * 255 / 219 = 130.4 in every channel.
        for (int c = 0; c < 3; c++) {
            assertEquals(114, at(out, c, 1, 4), "padding of channel " + c);
            assertEquals(130.4, at(out, c, 4, 4), 1.5, "pixel of channel " + c);
        }
    }

    private static MemorySegment bgrRamp() {
        MemorySegment frame = Arena.ofAuto().allocate(8 * 4 * 3);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                long at = (y * 8L + x) * 3;
                frame.set(JAVA_BYTE, at, (byte) (x * 10));
                frame.set(JAVA_BYTE, at + 1, (byte) (y * 10 + 1));
                frame.set(JAVA_BYTE, at + 2, (byte) 200);
            }
        }
        return frame;
    }

    private static float[] run(Path model, EngineSettings settings, MemorySegment frame) {
        AtomicReference<float[]> seen = new AtomicReference<>();
        try (var engine = InferenceEngine.open(settings, FrameLayout.tight(PixelFormat.BGR, 8, 4), sink(seen))) {
            assertEquals(new InputGeometry(8, 4, 8, 8, 0, 2, 8, 4), engine.geometry());
            engine.submit(0, frame);
        }
        return seen.get();
    }

    private static ResultSink<Integer> sink(AtomicReference<float[]> seen) {
        return new ResultSink<>() {
            @Override
            public void deliver(Integer tag, InferenceResults results) {
                seen.set(results.output("y").toArray(JAVA_FLOAT));
            }

            @Override
            public void discard(Integer tag) {}

            @Override
            public void fail(Integer tag, RuntimeException error) {
                throw error;
            }
        };
    }

    /** Channel {@code c} at {@code x, y} of an NCHW [1, 3, 8, 8] output. */
    private static float at(float[] out, int c, int y, int x) {
        return out[(c * 8 + y) * 8 + x];
    }
}
