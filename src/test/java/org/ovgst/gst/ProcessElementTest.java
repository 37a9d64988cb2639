package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;
import static org.ovgst.testing.IrModels.DYNAMIC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.tensor.ElementType;
import org.ovgst.testing.IrModels;
import org.ovgst.testing.TestAssets;

/**
 * ovprocess on models written here, whose outputs are known exactly: an identity and a 2x
 * nearest-neighbour upscale. Frames are raw BGR with a different value in every byte; the output
 * bytes are compared one by one.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessElementTest {
    @TempDir
    static Path dir;
    private static Path identity;
    private static Path upscaleDynamic;
    private static Path upscaleFixed;
    private static Path upscaleLuma;

    @BeforeAll
    static void writeModels() {
        identity = IrModels.identity(dir, ElementType.F32, 1, 3, DYNAMIC, DYNAMIC);
        upscaleDynamic = IrModels.upscale2x(dir, 3, DYNAMIC, DYNAMIC);
        upscaleFixed = IrModels.upscale2x(dir, 3, 16, 24);
        upscaleLuma = IrModels.upscale2x(dir, 1, DYNAMIC, DYNAMIC);
    }

    /** {@code frames} BGR frames of {@code width x height}; byte i of frame f is {@code (7 f + 31 i) % 256}. */
    static byte[] frames(int frames, int width, int height) {
        byte[] bytes = new byte[frames * width * height * 3];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < width * height * 3; i++) {
                bytes[f * width * height * 3 + i] = (byte) ((7 * f + 31 * i + (i / 3) * (i / 3)) % 256);
            }
        }
        return bytes;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String source(Path raw, int width, int height) {
        return "filesrc location=" + raw + " ! rawvideoparse format=bgr width=" + width + " height=" + height
                + " framerate=30/1";
    }

    private static byte[] run(String description) throws IOException {
        Path out = dir.resolve("out-" + System.nanoTime() + ".raw");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(description + " ! filesink location=" + out,
                Duration.ofSeconds(60), p -> { });
        assertTrue(outcome.ok(), description + " -> " + outcome);
        return Files.readAllBytes(out);
    }

    private static int at(byte[] bytes, long offset) {
        return bytes[Math.toIntExact(offset)] & 0xff;
    }

    @Test
    void theIdentityModelGivesEveryByteBackInEachColorOrder() throws IOException {
        int width = 24;
        int height = 16;
        byte[] in = frames(3, width, height);
        Path raw = write("identity.bgr", in);
        String base = source(raw, width, height) + " ! ovprocess model=" + identity;
        assertArrayEquals(in, run(base + " ! video/x-raw,format=BGR"), "BGR out");

        byte[] rgb = run(base + " ! video/x-raw,format=RGB");
        byte[] rgbx = run(base + " ! video/x-raw,format=RGBx");
        assertEquals(in.length, rgb.length);
        assertEquals(in.length / 3 * 4, rgbx.length);
        for (int pixel = 0; pixel < in.length / 3; pixel++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(at(in, pixel * 3L + 2 - c), at(rgb, pixel * 3L + c), "RGB pixel " + pixel);
                assertEquals(at(in, pixel * 3L + 2 - c), at(rgbx, pixel * 4L + c), "RGBx pixel " + pixel);
            }
            assertEquals(255, at(rgbx, pixel * 4L + 3), "x of pixel " + pixel);
        }
    }

    /**
     * No caps filter after ovprocess: downstream negotiates the model's 2x size, and the model's color
     * order (RGB) comes first; every output pixel is its input pixel at half the coordinates.
     */
    @Test
    void aTwiceUpscaleGivesTwiceTheSizeDownstreamWithoutACapsFilter() throws IOException {
        int width = 24;
        int height = 16;
        int frames = 3;
        byte[] in = frames(frames, width, height);
        byte[] out = run(source(write("up.bgr", in), width, height) + " ! ovprocess model=" + upscaleDynamic);
        assertUpscaled(in, width * 3, out, (2 * width * 3 + 3) / 4 * 4, frames, width, height);
    }

    /** Rows of an odd width are padded to 4 bytes, in and out: the element reads and writes by the strides. */
    @Test
    void oddWidthsAreReadAndWrittenByTheirStrides() throws IOException {
        int width = 13;
        int height = 7;
        int inStride = 40;
        byte[] tight = frames(2, width, height);
        byte[] in = new byte[2 * height * inStride];
        for (int row = 0; row < 2 * height; row++) {
            System.arraycopy(tight, row * width * 3, in, row * inStride, width * 3);
        }
        byte[] out = run(source(write("odd.bgr", in), width, height) + " ! ovprocess model=" + upscaleDynamic
                + " ! video/x-raw,format=RGB");
        assertUpscaled(in, inStride, out, 80, 2, width, height);
    }

    /** Each RGB output pixel (x, y) of each frame equals BGR input pixel (x / 2, y / 2). */
    private static void assertUpscaled(byte[] in, int inStride, byte[] out, int stride, int frames, int width,
            int height) {
        int outWidth = 2 * width;
        int outHeight = 2 * height;
        assertEquals((long) frames * stride * outHeight, out.length, "bytes of " + frames + " frames of "
                + outWidth + "x" + outHeight + " RGB");
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    long source = ((long) f * height + y / 2) * inStride + (x / 2) * 3L;
                    long target = ((long) f * outHeight + y) * stride + x * 3L;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(at(in, source + 2 - c), at(out, target + c),
                                "frame " + f + " pixel " + x + "," + y + " channel " + c);
                    }
                }
            }
        }
    }

    /**
     * Two sizes one after the other (concat): with input-resizable the fixed-size model is reshaped
     * to each, and each frame leaves at twice its own size.
     */
    @Test
    void aStreamThatChangesSizeIsReshapedAndRenegotiated() throws IOException {
        byte[] small = frames(2, 24, 16);
        byte[] large = frames(3, 40, 30);
        byte[] out = run(source(write("small.bgr", small), 24, 16) + " ! c. " + source(write("large.bgr", large), 40,
                30) + " ! c. concat name=c ! ovprocess model=" + upscaleFixed + " input-resizable=true"
                + " ! video/x-raw,format=RGB");
        assertEquals(2 * 48 * 32 * 3 + 3 * 80 * 60 * 3, out.length);
        assertUpscaled(small, 24 * 3, Arrays.copyOfRange(out, 0, 2 * 48 * 32 * 3), 48 * 3, 2, 24, 16);
        assertUpscaled(large, 40 * 3, Arrays.copyOfRange(out, 2 * 48 * 32 * 3, out.length), 80 * 3, 3, 40, 30);
    }

    /** Without input-resizable, a fixed-size model's input is the frame resized, and its output size is its own. */
    @Test
    void aFixedSizeModelGivesItsOwnOutputSizeForAnyFrameSize() throws IOException {
        byte[] in = frames(2, 40, 30);
        byte[] out = run(source(write("fixed.bgr", in), 40, 30) + " ! ovprocess model=" + upscaleFixed
                + " ! video/x-raw,format=BGR");
        assertEquals(2 * 48 * 32 * 3, out.length);
    }

    /**
     * A one-channel model on I420 and NV12 frames makes their luma plane (2x nearest, exactly) and the
     * chroma planes are scaled to match (bilinear, pixel centers aligned); on GRAY8 frames, a GRAY8 frame.
     */
    @Test
    void aOneChannelModelProcessesTheLumaPlaneAndTheChromaFollows() throws IOException {
        int width = 24;
        int height = 16;
        int frames = 2;
        for (String format : List.of("I420", "NV12")) {
            byte[] in = yuvFrames(format, frames, width, height);
            byte[] out = run("filesrc location=" + write(format + ".yuv", in) + " ! rawvideoparse format="
                    + format.toLowerCase(java.util.Locale.ROOT) + " width=" + width + " height=" + height
                    + " framerate=30/1 ! ovprocess model=" + upscaleLuma);
            int inFrame = width * height * 3 / 2;
            int outFrame = 4 * inFrame;
            assertEquals(frames * outFrame, out.length, format + ": " + frames + " frames of 48x32");
            for (int f = 0; f < frames; f++) {
                for (int y = 0; y < 2 * height; y++) {
                    for (int x = 0; x < 2 * width; x++) {
                        assertEquals(at(in, f * inFrame + (y / 2) * width + x / 2),
                                at(out, f * outFrame + y * 2L * width + x), format + " luma " + x + "," + y);
                    }
                }
                // Chroma: rows of width/2 samples (I420: U then V planes; NV12: UV pairs), here bilinear 2x.
                int samples = width / 2;
                for (int plane = 0; plane < 2; plane++) {
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            long target = f * (long) outFrame + 4L * width * height
                                    + (format.equals("I420") ? plane * (long) width * height + (long) y * width + x
                                            : (long) y * 2 * width + 2L * x + plane);
                            assertEquals(chromaUpscaled(in, format, f * inFrame + width * height, samples, height / 2,
                                    plane, x, y), at(out, target), format + " chroma " + plane + " at " + x + "," + y);
                        }
                    }
                }
            }
        }
        byte[] grey = new byte[frames * width * height];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 7);
        }
        byte[] out = run("filesrc location=" + write("grey.raw", grey) + " ! rawvideoparse format=gray8 width=" + width
                + " height=" + height + " framerate=30/1 ! ovprocess model=" + upscaleLuma);
        assertEquals(frames * 4 * width * height, out.length);
        for (int i = 0; i < out.length; i++) {
            int f = i / (4 * width * height);
            int y = i % (4 * width * height) / (2 * width);
            int x = i % (2 * width);
            assertEquals(at(grey, f * width * height + (y / 2) * width + x / 2), at(out, i), "grey " + x + "," + y);
        }
    }

    /**
     * YUV frames: a luma pattern, and chroma with a horizontal and a vertical gradient that differs
     * per frame and plane (rawvideoparse's strides: 24 luma, 12 per I420 chroma plane, 24 for NV12's).
     */
    private static byte[] yuvFrames(String format, int frames, int width, int height) {
        int frame = width * height * 3 / 2;
        byte[] bytes = new byte[frames * frame];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < width * height; i++) {
                bytes[f * frame + i] = (byte) (13 * i + 5 * f);
            }
            for (int plane = 0; plane < 2; plane++) {
                for (int y = 0; y < height / 2; y++) {
                    for (int x = 0; x < width / 2; x++) {
                        int at = f * frame + width * height + (format.equals("I420")
                                ? plane * (width / 2) * (height / 2) + y * (width / 2) + x : y * width + 2 * x + plane);
                        bytes[at] = (byte) (40 + 60 * plane + 11 * x + 9 * y + 3 * f);
                    }
                }
            }
        }
        return bytes;
    }

    /** The chroma sample at (x, y) of plane 0 (U) or 1 (V) scaled 2x bilinearly from the source samples. */
    private static int chromaUpscaled(byte[] in, String format, int chromaStart, int width, int height, int plane, int x,
            int y) {
        double sx = Math.clamp((x + 0.5) / 2 - 0.5, 0, width - 1);
        double sy = Math.clamp((y + 0.5) / 2 - 0.5, 0, height - 1);
        int x0 = (int) sx;
        int y0 = (int) sy;
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        java.util.function.IntBinaryOperator sample = (cx, cy) -> at(in, chromaStart + (format.equals("I420")
                ? plane * width * height + cy * width + cx : cy * 2 * width + 2 * cx + plane));
        double top = sample.applyAsInt(x0, y0) + (sample.applyAsInt(x1, y0) - sample.applyAsInt(x0, y0)) * (sx - x0);
        double bottom = sample.applyAsInt(x0, y1) + (sample.applyAsInt(x1, y1) - sample.applyAsInt(x0, y1)) * (sx - x0);
        return (int) Math.floor(top + (bottom - top) * (sy - y0) + 0.5);
    }

    /** Frames leave in order whatever the requests and batches: each frame's own bytes come back. */
    @Test
    void framesLeaveInOrderWithBatchesAndRequests() throws IOException {
        byte[] in = frames(23, 24, 16);
        Path raw = write("order.bgr", in);
        for (String settings : List.of("batch-size=3 nireq=2", "batch-size=1 nireq=4", "batch-size=4 nireq=1")) {
            assertArrayEquals(in, run(source(raw, 24, 16) + " ! ovprocess model=" + identity + " " + settings
                    + " ! video/x-raw,format=BGR"), settings);
        }
    }

    /** Two branches on one model-instance-id (batches mix their frames): each gets its own frames back, in order. */
    @Test
    void twoBranchesOnOneModelInstanceEachGetTheirOwnFrames() throws IOException {
        byte[] in = frames(9, 24, 16);
        Path raw = write("shared.bgr", in);
        Path first = dir.resolve("first.raw");
        Path second = dir.resolve("second.raw");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(source(raw, 24, 16) + " ! tee name=t"
                + " t. ! queue ! ovprocess model=" + identity + " model-instance-id=shared batch-size=2 nireq=2"
                + " ! video/x-raw,format=BGR ! filesink location=" + first
                + " t. ! queue ! ovprocess model=" + identity + " model-instance-id=shared batch-size=2 nireq=2"
                + " ! video/x-raw,format=BGR ! filesink location=" + second, Duration.ofSeconds(60), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        assertArrayEquals(in, Files.readAllBytes(first));
        assertArrayEquals(in, Files.readAllBytes(second));
    }

    /** Frames not inferred repeat the last frame made: the stream keeps the model's size. */
    @Test
    void framesNotInferredRepeatTheLastOutput() throws IOException {
        int width = 24;
        int height = 16;
        byte[] in = frames(5, width, height);
        byte[] out = run(source(write("interval.bgr", in), width, height) + " ! ovprocess model=" + upscaleDynamic
                + " inference-interval=2 ! video/x-raw,format=RGB");
        int frameBytes = 48 * 32 * 3;
        assertEquals(5 * frameBytes, out.length);
        for (int f = 1; f < 5; f += 2) {
            assertArrayEquals(Arrays.copyOfRange(out, (f - 1) * frameBytes, f * frameBytes),
                    Arrays.copyOfRange(out, f * frameBytes, (f + 1) * frameBytes), "frame " + f + " repeats frame "
                            + (f - 1));
        }
        byte[] upscaled = run(source(write("interval-all.bgr", in), width, height) + " ! ovprocess model="
                + upscaleDynamic + " ! video/x-raw,format=RGB");
        for (int f = 0; f < 5; f += 2) {
            assertArrayEquals(Arrays.copyOfRange(upscaled, f * frameBytes, (f + 1) * frameBytes),
                    Arrays.copyOfRange(out, f * frameBytes, (f + 1) * frameBytes), "frame " + f + " is inferred");
        }
    }

    /** Regions of interest found before ovprocess are scaled with the frame; timestamps stay. */
    @Test
    void regionsOfInterestAreScaledAndTimestampsKept() throws IOException {
        byte[] astronaut = TestAssets.readBgr(TestAssets.image("astronaut.png")).scaled(256, 256).pixels();
        byte[] twice = Arrays.copyOf(astronaut, 2 * astronaut.length);
        System.arraycopy(astronaut, 0, twice, astronaut.length, astronaut.length);
        Path photo = write("astronaut-256.bgr", twice);
        Path before = dir.resolve("before.jsonl");
        Path after = dir.resolve("after.jsonl");
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(source(photo, 256, 256) + " ! ovdetect model="
                + FACE_MODEL + " ! ovmetapublish location=" + before + " ! ovprocess model=" + upscaleDynamic
                + " ! ovmetapublish location=" + after + " ! fakesink", Duration.ofSeconds(60), p -> { });
        assertTrue(outcome.ok(), outcome.toString());
        List<GstTestSupport.Frame> in = GstTestSupport.readFrames(before);
        List<GstTestSupport.Frame> out = GstTestSupport.readFrames(after);
        assertEquals(2, out.size());
        for (int f = 0; f < 2; f++) {
            assertEquals(in.get(f).timestamp(), out.get(f).timestamp());
            assertEquals(512, out.get(f).width());
            assertEquals(1, in.get(f).objects().size());
            GstTestSupport.Box face = in.get(f).objects().getFirst();
            GstTestSupport.Box scaled = out.get(f).objects().getFirst();
            assertEquals(List.of(2 * face.x(), 2 * face.y(), 2 * face.w(), 2 * face.h()),
                    List.of(scaled.x(), scaled.y(), scaled.w(), scaled.h()));
            assertEquals(face.label(), scaled.label());
            assertEquals(face.confidence(), scaled.confidence());
        }
    }

    @Test
    void aModelWithoutAnImageOutputIsRefusedWithWhatToUse() {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! ovprocess model="
                + FACE_MODEL + " ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("has no image-shaped output")
                && outcome.errorMessage().contains("use ovdetect for detectors"), outcome.toString());
    }

    @Test
    void aModelThatCannotTakeTheFrameSizeNamesInputResizable() {
        Path fixedWeights = IrModels.dynamicBatch(dir, 3, 16, 24);
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,width=40,"
                + "height=30 ! ovprocess model=" + fixedWeights + " input-resizable=true ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("input-resizable=true")
                && outcome.errorMessage().contains("set input-resizable=false"), outcome.toString());
    }

    /**
     * A one-channel model takes grey or YUV frames: upstream that offers only BGR is told to convert,
     * by an ERROR when its caps fix the frames before the start, else by a WARNING while it
     * negotiates, before its own not-negotiated error.
     */
    @Test
    void framesAOneChannelModelCannotTakeAreRefusedWithWhatToDo() {
        Pipeline.Outcome fixed = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,format=BGR,"
                + "width=24,height=16 ! ovprocess model=" + upscaleLuma + " ! fakesink");
        assertFalse(fixed.ok());
        assertTrue(fixed.errorMessage().contains("takes one channel: give it GRAY8 frames, or I420 or NV12 frames")
                && fixed.errorMessage().contains("not BGR (put videoconvert before the element)"), fixed.toString());

        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipeline.Outcome negotiated = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,format=BGR"
                + " ! ovprocess model=" + upscaleLuma + " ! fakesink", Duration.ofSeconds(30), p -> { }, warnings::add);
        assertFalse(negotiated.ok());
        assertTrue(negotiated.errorDebug().contains("not-negotiated"), negotiated.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("ovprocess takes video/x-raw, format=(string){ I420, NV12,"
                + " GRAY8 } for a one-channel model, and upstream offers only video/x-raw") && w.contains("BGR")
                && w.contains("put videoconvert before ovprocess")), warnings.toString());
    }

    @Test
    void perChannelValuesMustFitTheModelsChannels() {
        Pipeline.Outcome grey = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,"
                + "width=24,height=16 ! ovprocess model=" + upscaleLuma + " mean-values=0,0,0 ! fakesink");
        assertEquals("property 'mean-values' has 3 values (0,0,0); the model's input 'x' has 1 channel: give one value",
                grey.errorMessage(), grey.toString());
        GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=24,height=16"
                + " ! ovprocess model=" + upscaleLuma + " mean-values=0 scale-values=255 ! fakesink");
        Pipeline.Outcome color = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,width=24,"
                + "height=16 ! ovprocess model=" + upscaleDynamic + " scale-values=255,255 ! fakesink");
        assertEquals("property 'scale-values' has 2 values (255,255); the model's input 'x' has 3 channels: give one"
                + " value or 3", color.errorMessage(), color.toString());
    }

    @Test
    void downstreamThatTakesNoOutputFormatIsToldToConvert() {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=2 ! video/x-raw,width=24,"
                + "height=16 ! ovprocess model=" + upscaleDynamic + " ! video/x-raw,format=GRAY8 ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("downstream takes none of")
                && outcome.errorMessage().contains("put videoconvert"), outcome.toString());
    }
}
