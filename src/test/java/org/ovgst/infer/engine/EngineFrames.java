package org.ovgst.infer.engine;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.ovgst.infer.detect.AnchorSsdConfig;
import org.ovgst.infer.detect.AnchorSsdDecoder;
import org.ovgst.infer.detect.SsdAnchors;
import org.ovgst.infer.image.Detection;
import org.ovgst.infer.image.FrameLayout;
import org.ovgst.infer.image.PixelFormat;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;

/**
 * Frames for the engine tests: photographs and synthetic patterns as BGR, their conversions to the
 * other pixel formats (BT.601), padded copies, and the face model's per-frame outputs.
 * The anchor-SSD model tests in detect/ use its photographs and conversions too.
 */
public final class EngineFrames {
    static final String FACE_MODEL = "face_detection_short_range.tflite";
    static final AnchorSsdConfig FACE = AnchorSsdConfig.BLAZEFACE_SHORT_RANGE;
    /** The face model's score threshold: MediaPipe's and the element's default. */
    static final float FACE_THRESHOLD = 0.5f;
    /** Anchors per feature map of BlazeFace: where each frame of a batch lies in the outputs. */
    static final List<Integer> FACE_MAPS = SsdAnchors.generate(FACE.anchors(), 128, 128).anchorsPerFeatureMap();
    static final int FACE_ANCHORS = FACE_MAPS.stream().mapToInt(Integer::intValue).sum();

    private EngineFrames() {}

    /** The face model's settings: RGB, [-1, 1]. */
    static EngineSettings faceSettings() {
        return EngineSettings.of(TestAssets.model(FACE_MODEL))
                .withNormalization(FACE.preparation().mean(), FACE.preparation().scale());
    }

    public static BgrImage photo(String file, int width, int height) {
        return TestAssets.readBgr(TestAssets.image(file)).scaled(width, height);
    }

    /** {@code count} different BGR frames: two photographs (astronaut.png, person.jpg), then patterns. */
    static MemorySegment[] photosThenPatterns(int count, int width, int height, Arena arena) {
        MemorySegment[] frames = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            BgrImage image = i < 2 ? photo(i == 0 ? "astronaut.png" : "person.jpg", width, height)
                    : pattern(i - 2, width, height);
            frames[i] = convert(image, PixelFormat.BGR, arena);
        }
        return frames;
    }

    /** Synthetic pattern {@code kind} (0..7): gradients, checkerboards, noise, bars, rings, flat gray. */
    static BgrImage pattern(int kind, int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        Random random = new Random(kind * 7919L);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int b;
                int g;
                int r;
                switch (kind) {
                    case 0 -> { b = x * 255 / width; g = y * 255 / height; r = 128; }
                    case 1 -> { int v = ((x / 8 + y / 8) & 1) * 255; b = v; g = v; r = v; }
                    case 2 -> { int v = ((x / 20 + y / 20) & 1) * 200; b = v; g = 255 - v; r = 60; }
                    case 3 -> { b = random.nextInt(256); g = random.nextInt(256); r = random.nextInt(256); }
                    case 4 -> { int bar = x * 7 / width; b = (bar & 1) * 255; g = (bar & 2) * 127; r = (bar & 4) * 63; }
                    case 5 -> {
                        double d = Math.hypot(x - width / 2.0, y - height / 2.0);
                        int v = (int) (127 + 127 * Math.sin(d / 4));
                        b = v; g = v / 2; r = 255 - v;
                    }
                    case 6 -> { b = 255 - y * 255 / height; g = x * 255 / width; r = (x + y) & 255; }
                    default -> { b = 90; g = 90; r = 90; }
                }
                int at = (y * width + x) * 3;
                pixels[at] = (byte) b;
                pixels[at + 1] = (byte) g;
                pixels[at + 2] = (byte) r;
            }
        }
        return new BgrImage(width, height, pixels);
    }

    /** The frame in {@code format}, laid out as {@link FrameLayout#tight}. */
    public static MemorySegment convert(BgrImage image, PixelFormat format, Arena arena) {
        int w = image.width();
        int h = image.height();
        byte[] bgr = image.pixels();
        switch (format) {
            case BGR -> {
                return arena.allocateFrom(ValueLayout.JAVA_BYTE, bgr);
            }
            case RGB, BGRX, RGBX -> {
                int stride = format.pixelStride();
                boolean swap = format == PixelFormat.RGB || format == PixelFormat.RGBX;
                byte[] out = new byte[w * h * stride];
                for (int i = 0; i < w * h; i++) {
                    out[i * stride] = bgr[i * 3 + (swap ? 2 : 0)];
                    out[i * stride + 1] = bgr[i * 3 + 1];
                    out[i * stride + 2] = bgr[i * 3 + (swap ? 0 : 2)];
                    if (stride == 4) {
                        out[i * stride + 3] = (byte) 255;
                    }
                }
                return arena.allocateFrom(ValueLayout.JAVA_BYTE, out);
            }
            case I420, NV12 -> {
                byte[] out = new byte[w * h * 3 / 2];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int[] p = image.bgrAt(x, y);
                        out[y * w + x] = (byte) clamp(16 + 0.257 * p[2] + 0.504 * p[1] + 0.098 * p[0]);
                    }
                }
                int luma = w * h;
                for (int y = 0; y < h / 2; y++) {
                    for (int x = 0; x < w / 2; x++) {
                        double u = 0;
                        double v = 0;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int[] p = image.bgrAt(2 * x + dx, 2 * y + dy);
                                u += 128 - 0.148 * p[2] - 0.291 * p[1] + 0.439 * p[0];
                                v += 128 + 0.439 * p[2] - 0.368 * p[1] - 0.071 * p[0];
                            }
                        }
                        byte ub = (byte) clamp(u / 4);
                        byte vb = (byte) clamp(v / 4);
                        if (format == PixelFormat.I420) {
                            out[luma + y * (w / 2) + x] = ub;
                            out[luma + luma / 4 + y * (w / 2) + x] = vb;
                        } else {
                            out[luma + y * w + 2 * x] = ub;
                            out[luma + y * w + 2 * x + 1] = vb;
                        }
                    }
                }
                return arena.allocateFrom(ValueLayout.JAVA_BYTE, out);
            }
            default -> throw new IllegalArgumentException(format.toString());
        }
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    /** A layout whose rows carry {@code padding} extra bytes, with a gap before each chroma plane. */
    static FrameLayout padded(PixelFormat format, int width, int height, int padding) {
        if (format.isPacked()) {
            int stride = width * format.pixelStride() + padding;
            return new FrameLayout(format, width, height, new int[] {stride}, new long[] {0}, (long) stride * height);
        }
        int gap = padding == 0 ? 0 : 128;
        int lumaStride = width + padding;
        long lumaEnd = (long) lumaStride * height + gap;
        if (format == PixelFormat.NV12) {
            int chromaStride = width + padding;
            return new FrameLayout(format, width, height, new int[] {lumaStride, chromaStride},
                    new long[] {0, lumaEnd}, lumaEnd + (long) chromaStride * height / 2);
        }
        int chromaStride = width / 2 + padding / 2;
        long chromaSize = (long) chromaStride * height / 2 + gap;
        return new FrameLayout(format, width, height, new int[] {lumaStride, chromaStride, chromaStride},
                new long[] {0, lumaEnd, lumaEnd + chromaSize}, lumaEnd + 2 * chromaSize);
    }

    /** Copies a tight frame into {@code layout}, filling the padding with a value the model would notice. */
    static MemorySegment relayout(MemorySegment tightFrame, FrameLayout layout, Arena arena) {
        MemorySegment out = arena.allocate(layout.size());
        out.fill((byte) 0x5a);
        FrameLayout.tight(layout.format(), layout.width(), layout.height()).copy(tightFrame, layout, out, 0);
        return out;
    }

    /** One frame's raw face-model outputs, cut out of a batch laid out feature map by feature map. */
    record FaceOutputs(float[] boxes, float[] scores) {
        static FaceOutputs of(InferenceResults results) {
            return of(results.output(FACE.boxes().name()), results.output(FACE.scores().name()), results.batchSize(),
                    results.slot());
        }

        static FaceOutputs of(MemorySegment boxes, MemorySegment scores, int batch, int slot) {
            int boxValues = FACE.boxes().valuesPerAnchor();
            float[] frameBoxes = new float[FACE_ANCHORS * boxValues];
            float[] frameScores = new float[FACE_ANCHORS];
            int before = 0;
            for (int mapAnchors : FACE_MAPS) {
                long first = (long) batch * before + (long) slot * mapAnchors;
                MemorySegment.copy(boxes, JAVA_FLOAT, first * boxValues * 4, frameBoxes, before * boxValues,
                        mapAnchors * boxValues);
                MemorySegment.copy(scores, JAVA_FLOAT, first * 4, frameScores, before, mapAnchors);
                before += mapAnchors;
            }
            return new FaceOutputs(frameBoxes, frameScores);
        }

        /** The largest absolute difference of any value. */
        float maxDifference(FaceOutputs other) {
            float max = 0;
            for (int i = 0; i < boxes.length; i++) {
                max = Math.max(max, Math.abs(boxes[i] - other.boxes[i]));
            }
            for (int i = 0; i < scores.length; i++) {
                max = Math.max(max, Math.abs(scores[i] - other.scores[i]));
            }
            return max;
        }

        /** Decodes as a single frame, at the face model's threshold. */
        List<Detection> decode(AnchorSsdDecoder decoder) {
            return decoder.decode(MemorySegment.ofArray(boxes), MemorySegment.ofArray(scores), FACE_THRESHOLD);
        }
    }
}
