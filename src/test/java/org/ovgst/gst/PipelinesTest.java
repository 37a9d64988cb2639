package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * The ready-made pipelines in pipelines/ run as users run them (each script starts gst-launch-1.0
 * with ovgst's plugin path), on a clip made here and on RTSP test cameras on 127.0.0.1.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelinesTest {
    private static final Path PIPELINES = TestAssets.home().resolve("pipelines");
    /** Hand-labelled face in astronaut.png, normalized: left, top, right, bottom. */
    private static final double[] FACE = {175 / 512.0, 75 / 512.0, 275 / 512.0, 180 / 512.0};
    private static final int CLIP_FRAMES = 30;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRtspServerAndFallbackSrc() throws Exception {
        RtspTestCamera.checkPrerequisites();
        GstTestSupport.fallbackSwitchPluginDir();
    }

    @Test
    void fileFindsTheFaceInEveryFrameAndWritesTheDrawnVideo() throws Exception {
        Path clip = clip();
        GstTestSupport.Result result = GstTestSupport.run(List.of(PIPELINES.resolve("file.sh").toString(),
                clip.toString(), dir.resolve("out/clip").toString()), dir, 60, Map.of("OVGST_NO_BUILD", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(dir.resolve("out/clip.jsonl"));
        assertEquals(CLIP_FRAMES, frames.size());
        frames.forEach(PipelinesTest::assertFace);
        frames.forEach(frame -> assertEquals(1, frame.objects().getFirst().id(), "track id in frame " + frame.frame()));
        assertEquals(CLIP_FRAMES, decodedFrames(dir.resolve("out/clip.mp4")), "frames in the drawn video");
    }

    /**
     * hands.sh on a clip of hand.jpg: the palm in every frame, with track id 1 and its handedness
     * (classified on frames 0 and 10 of the track, carried between), and every frame in the MP4.
     */
    @Test
    void handsDetectsTracksAndClassifiesThePalm() throws Exception {
        Path clip = dir.resolve("hand.mp4");
        GstTestSupport.Result made = GstTestSupport.gstLaunch("filesrc location=" + TestAssets.image("hand.jpg")
                + " ! jpegdec ! imagefreeze num-buffers=15 ! videoconvert ! video/x-raw,format=I420,framerate=15/1"
                + " ! openh264enc ! h264parse ! mp4mux ! filesink location=" + clip, dir, 60);
        assertEquals(0, made.exitCode(), made::describe);
        GstTestSupport.Result result = GstTestSupport.run(List.of(PIPELINES.resolve("hands.sh").toString(),
                clip.toString(), dir.resolve("out/hand").toString()), dir, 90, Map.of("OVGST_NO_BUILD", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        List<String> lines = Files.readAllLines(dir.resolve("out/hand.jsonl"), StandardCharsets.UTF_8);
        assertEquals(15, lines.size());
        for (String line : lines) {
            Map<?, ?> frame = (Map<?, ?>) new GstTestSupport.Json(line).parseComplete();
            List<?> objects = (List<?>) frame.get("objects");
            assertEquals(1, objects.size(), line);
            Map<?, ?> palm = (Map<?, ?>) objects.getFirst();
            assertEquals("palm", palm.get("roi_type"), line);
            assertEquals(1, ((Number) palm.get("id")).intValue(), line);
            Object handedness = ((Map<?, ?>) palm.get("handedness")).get("label");
            assertTrue("Left".equals(handedness) || "Right".equals(handedness), line);
        }
        assertEquals(15, decodedFrames(dir.resolve("out/hand.mp4")), "frames in the drawn video");
    }

    /** upscale.sh doubles a clip's frames with waifu2x: every frame, at twice the size, in the MP4. */
    @Test
    void upscaleDoublesEveryFrame() throws Exception {
        Path clip = dir.resolve("small.mp4");
        GstTestSupport.Result made = GstTestSupport.gstLaunch("videotestsrc num-buffers=6 ! video/x-raw,format=I420,"
                + "width=96,height=64,framerate=15/1 ! openh264enc ! h264parse ! mp4mux ! filesink location=" + clip,
                dir, 60);
        assertEquals(0, made.exitCode(), made::describe);
        GstTestSupport.Result result = GstTestSupport.run(List.of(PIPELINES.resolve("upscale.sh").toString(),
                clip.toString(), dir.resolve("out/small-2x").toString()), dir, 90, Map.of("OVGST_NO_BUILD", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        Path upscaled = dir.resolve("out/small-2x.mp4");
        assertEquals(6, decodedFrames(upscaled), "frames in the upscaled video");
        GstTestSupport.Result described = GstTestSupport.gstLaunch("-v filesrc location=" + upscaled
                + " ! qtdemux ! h264parse ! avdec_h264 ! fakesink", dir, 60);
        assertTrue(described.output().contains("width=(int)192, height=(int)128"), described::describe);
    }

    @Test
    void ovgstLaunchHasFallbackSrc() throws Exception {
        // fallbacksrc takes any URI; a file ends, so the pipeline does.
        Path json = dir.resolve("clip.jsonl");
        GstTestSupport.Result result = GstTestSupport.run(List.of(TestAssets.home().resolve("ovgst").toString(),
                "launch", "fallbacksrc", "uri=" + clip().toUri(), "enable-audio=false", "!", "videoconvert", "!",
                "ovdetect", "model=" + GstTestSupport.FACE_MODEL, "!", "ovmetapublish", "location=" + json, "!",
                "fakesink"), dir, 60, Map.of("OVGST_NO_BUILD", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json).stream().filter(f -> f.width() == 512)
                .toList();
        assertEquals(CLIP_FRAMES, frames.size(), result::describe);
        frames.forEach(PipelinesTest::assertFace);
    }

    @Test
    void rtspCameraWritesDetectionsUntilCtrlC() throws Exception {
        try (RtspTestCamera camera = RtspTestCamera.start(dir, "camera", "--width", "352", "--height", "288")) {
            runUntilInterrupted(List.of(PIPELINES.resolve("rtsp-camera.sh").toString(), camera.uri(),
                    dir.resolve("out/cam").toString()));
            List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(dir.resolve("out/cam.jsonl"));
            List<GstTestSupport.Frame> fromCamera = frames.stream().filter(f -> f.width() == 352 && f.height() == 288)
                    .toList();
            assertTrue(fromCamera.size() >= 15, "camera frames: " + fromCamera.size() + " of " + frames.size());
            fromCamera.forEach(PipelinesTest::assertFace);
        }
    }

    @Test
    void rtspCamerasWriteEachCamerasDetections() throws Exception {
        try (RtspTestCamera a = RtspTestCamera.start(dir, "a", "--width", "352", "--height", "288");
                RtspTestCamera b = RtspTestCamera.start(dir, "b", "--width", "256", "--height", "144")) {
            Path out = dir.resolve("out");
            runUntilInterrupted(List.of(PIPELINES.resolve("rtsp-cameras.sh").toString(), "-o", out.toString(),
                    a.uri(), b.uri()));
            for (int[] camera : new int[][] {{0, 352, 288}, {1, 256, 144}}) {
                List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(out.resolve("camera" + camera[0] + ".jsonl"));
                List<GstTestSupport.Frame> fromCamera = frames.stream()
                        .filter(f -> f.width() == camera[1] && f.height() == camera[2]).toList();
                assertTrue(fromCamera.size() >= 15, "camera " + camera[0] + ": " + fromCamera.size() + " frames");
                fromCamera.forEach(PipelinesTest::assertFace);
            }
        }
    }

    @Test
    void v4l2CameraNamesAMissingDevice() throws Exception {
        // No camera and no display here: the description parses and links, and only the missing device is refused.
        GstTestSupport.Result result = GstTestSupport.run(List.of(PIPELINES.resolve("v4l2-camera.sh").toString(),
                "/dev/video-none", dir.resolve("out/v4l2").toString()), dir, 60,
                Map.of("OVGST_NO_BUILD", "1", "SINK", "fakesink"));
        GstTestSupport.assertNoCrash(result, dir);
        assertTrue(result.exitCode() != 0, result::describe);
        assertTrue(result.output().contains("Cannot identify device '/dev/video-none'"), result::describe);
    }

    /** A 2-s H.264 MP4 of astronaut.png (512x512, 15 fps). */
    private Path clip() throws Exception {
        Path clip = dir.resolve("clip.mp4");
        GstTestSupport.Result made = GstTestSupport.gstLaunch("filesrc location=" + TestAssets.image("astronaut.png")
                + " ! pngdec ! imagefreeze num-buffers=" + CLIP_FRAMES + " ! videoconvert ! video/x-raw,format=I420,"
                + "framerate=15/1 ! openh264enc ! h264parse ! mp4mux ! filesink location=" + clip, dir, 60);
        assertEquals(0, made.exitCode(), made::describe);
        return clip;
    }

    /**
     * Starts a pipeline script (no window: SINK=fakesink), waits until it plays and a few seconds more,
     * then Ctrl-C: it must end cleanly.
     */
    private void runUntilInterrupted(List<String> command) throws Exception {
        Path log = dir.resolve("pipeline.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(GstTestSupport.gstEnvironment());
        builder.environment().putAll(Map.of("OVGST_NO_BUILD", "1", "SINK", "fakesink"));
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log, StandardCharsets.UTF_8).contains("Setting pipeline to PLAYING")) {
                assertTrue(process.isAlive() && System.nanoTime() < deadline, () -> "the pipeline did not start: "
                        + String.join(" ", command) + "\n" + read(log));
                Thread.sleep(100);
            }
            Thread.sleep(5000);
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> "no end after Ctrl-C:\n" + read(log));
            assertEquals(0, process.exitValue(), () -> read(log));
            assertTrue(read(log).contains("Got EOS from element"), () -> read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The face of astronaut.png, one per frame, where it lies in that frame's size. */
    private static void assertFace(GstTestSupport.Frame frame) {
        assertEquals(1, frame.objects().size(), "faces in frame " + frame.frame());
        GstTestSupport.Box box = frame.objects().getFirst();
        double[] got = {box.x(), box.y(), box.x() + box.w(), box.y() + box.h()};
        int[] size = {frame.width(), frame.height(), frame.width(), frame.height()};
        for (int k = 0; k < 4; k++) {
            assertEquals(FACE[k] * size[k], got[k], 0.1 * size[k], "box " + box + " in frame " + frame.frame());
        }
    }

    /** Frames of an MP4 file's H.264 stream, decoded by GStreamer. */
    private int decodedFrames(Path mp4) throws Exception {
        GstTestSupport.Result result = GstTestSupport.gstLaunch("-v filesrc location=" + mp4
                + " ! qtdemux ! h264parse ! avdec_h264 ! fakesink silent=false", dir, 60);
        assertEquals(0, result.exitCode(), result::describe);
        Matcher chain = Pattern.compile("last-message = chain").matcher(result.output());
        int frames = 0;
        while (chain.find()) {
            frames++;
        }
        return frames;
    }
}
