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
 * Every ready pipeline in pipelines/ runs as users run it ({@code ./ovgst launch --file
 * pipelines/X.pipeline NAME=value...}), on local stand-ins: a clip made here for files and for the
 * V4L2 camera, RTSP test cameras on 127.0.0.1, Debian's mosquitto with {@code mosquitto_sub}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelinesTest {
    private static final Path PIPELINES = TestAssets.home().resolve("pipelines");
    /** Hand-labelled face in astronaut.png, normalized: left, top, right, bottom. */
    private static final double[] FACE = {175 / 512.0, 75 / 512.0, 275 / 512.0, 180 / 512.0};
    private static final int CLIP_FRAMES = 30;
    /** The pipelines this class runs: a file in pipelines/ without a test here fails {@link #everyPipelineHasItsTest}. */
    private static final List<String> TESTED = List.of("file", "hands", "upscale", "image", "rtsp-camera",
            "rtsp-cameras", "v4l2-camera", "mqtt", "kafka", "remote");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRtspServerAndFallbackSrc() throws Exception {
        RtspTestCamera.checkPrerequisites();
        GstTestSupport.fallbackSwitchPluginDir();
    }

    /** {@code ./ovgst launch --file pipelines/NAME.pipeline VALUES...}, to its end. */
    private GstTestSupport.Result launch(String name, String... values) throws Exception {
        Files.createDirectories(dir.resolve("out"));
        return launchIn(dir, name, values);
    }

    /** {@code ./ovgst launch --file pipelines/NAME.pipeline VALUES...} run from {@code cwd}. */
    private GstTestSupport.Result launchIn(Path cwd, String name, String... values) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(TestAssets.home().resolve("ovgst").toString(),
                "launch", "--file", PIPELINES.resolve(name + ".pipeline").toString()));
        command.addAll(List.of(values));
        GstTestSupport.Result result = GstTestSupport.run(command, cwd, 90, Map.of("OVGST_NO_BUILD", "1"));
        GstTestSupport.assertNoCrash(result, cwd);
        return result;
    }

    @Test
    void everyPipelineHasItsTest() throws Exception {
        try (java.util.stream.Stream<Path> files = Files.list(PIPELINES)) {
            assertEquals(new java.util.TreeSet<>(TESTED), files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".pipeline")).map(f -> f.substring(0, f.length() - ".pipeline".length()))
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
    }

    @Test
    void aMissingValueIsNamedWithTheFilesHeader() throws Exception {
        GstTestSupport.Result result = launch("file");
        assertEquals(2, result.exitCode(), result::describe);
        assertTrue(result.output().contains("needs INPUT: ./ovgst launch --file") && result.output().contains(
                "INPUT   the video file"), result::describe);
    }

    /** A misspelt NAME=value is refused, naming it and the variables the file takes. */
    @Test
    void aMisspeltVariableIsRefused() throws Exception {
        GstTestSupport.Result result = launch("file", "INPUT=" + TestAssets.image("astronaut.png"), "MODLE=foo");
        assertEquals(2, result.exitCode(), result::describe);
        assertTrue(result.output().contains("does not use MODLE; it takes INPUT, MODEL, OUTPUT"), result::describe);
    }

    /**
     * Run from another folder without OUTPUT, image.pipeline writes into ./out there (made for it), not
     * into the checkout's out/, and names the files it wrote.
     */
    @Test
    void theDefaultOutputIsUnderTheWorkingDirectoryAndNamed() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path checkout = TestAssets.home().resolve("out/image.jsonl");
        long before = Files.exists(checkout) ? Files.getLastModifiedTime(checkout).toMillis() : -1;
        GstTestSupport.Result result = launchIn(elsewhere, "image", "INPUT=" + TestAssets.image("astronaut.png"));
        assertEquals(0, result.exitCode(), result::describe);
        for (String file : List.of("out/image.jsonl", "out/image.png")) {
            Path written = elsewhere.resolve(file);
            assertTrue(Files.size(written) > 0, file);
            assertTrue(result.output().contains("wrote " + written + " (" + Files.size(written) + " bytes)"),
                    result::describe);
        }
        assertFace(GstTestSupport.readFrames(elsewhere.resolve("out/image.jsonl")).getFirst());
        assertEquals(before, Files.exists(checkout) ? Files.getLastModifiedTime(checkout).toMillis() : -1,
                "the checkout's out/image.jsonl was written");
    }

    @Test
    void fileFindsTheFaceInEveryFrameAndWritesTheDrawnVideo() throws Exception {
        GstTestSupport.Result result = launch("file", "INPUT=" + clip(), "OUTPUT=" + dir.resolve("out/clip"));
        assertEquals(0, result.exitCode(), result::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(dir.resolve("out/clip.jsonl"));
        assertEquals(CLIP_FRAMES, frames.size());
        frames.forEach(PipelinesTest::assertFace);
        frames.forEach(frame -> assertEquals(1, frame.objects().getFirst().id(), "track id in frame " + frame.frame()));
        assertNoErrorLine(result);
        assertEquals(CLIP_FRAMES, decodedFrames(dir.resolve("out/clip.mp4")), "frames in the drawn video");
    }

    /**
     * file.pipeline on OpenCV's Megamind.avi (MPEG-4 part 2 with packed B-frames in AVI: its frames come
     * without times, and the decoder repeats some): as many records and MP4 frames as the clip has video
     * frames (counted by avidemux, and by avdec_h264 in the MP4), each record's time after the last, and
     * not one "Error" line (OpenH264's at end of stream included).
     */
    @Test
    void fileTakesAnAviWithoutTimesFrameForFrame() throws Exception {
        Path clip = TestAssets.clip("Megamind.avi");
        int frames = countFrames("filesrc location=" + clip + " ! avidemux name=d d.video_0 ! fakesink silent=false");
        assertEquals(270, frames, "video frames in the pinned Megamind.avi");
        GstTestSupport.Result result = launch("file", "INPUT=" + clip, "OUTPUT=" + dir.resolve("out/megamind"));
        assertEquals(0, result.exitCode(), result::describe);
        assertNoErrorLine(result);
        List<GstTestSupport.Frame> records = GstTestSupport.readFrames(dir.resolve("out/megamind.jsonl"));
        assertEquals(java.util.stream.LongStream.range(0, frames).boxed().toList(),
                records.stream().map(GstTestSupport.Frame::frame).toList());
        for (int i = 1; i < records.size(); i++) {
            assertTrue(records.get(i).pts() > records.get(i - 1).pts(), "pts of frame " + i + " after frame " + (i - 1));
        }
        assertEquals(frames, decodedFrames(dir.resolve("out/megamind.mp4")), "frames in the drawn video");
    }

    /** Nothing a user would take for a failure: no GStreamer ERROR, no encoder "Error" line. */
    private static void assertNoErrorLine(GstTestSupport.Result result) {
        assertTrue(!result.output().contains("Error") && !result.output().contains("ERROR"), result::describe);
    }

    /** image.pipeline: the face in the JSON, and drawn into the PNG (its pixels changed only around it). */
    @Test
    void imageDrawsTheFaceIntoAPng() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        GstTestSupport.Result result = launch("image", "INPUT=" + TestAssets.image("astronaut.png"),
                "OUTPUT=" + dir.resolve("out/astronaut"));
        assertEquals(0, result.exitCode(), result::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(dir.resolve("out/astronaut.jsonl"));
        assertEquals(1, frames.size());
        assertFace(frames.getFirst());
        org.ovgst.testing.BgrImage drawn = TestAssets.readBgr(dir.resolve("out/astronaut.png"));
        org.ovgst.testing.BgrImage original = TestAssets.readBgr(TestAssets.image("astronaut.png"));
        GstTestSupport.Box face = frames.getFirst().objects().getFirst();
        int changedOutside = 0;
        int changedOnBox = 0;
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                boolean changed = !java.util.Arrays.equals(drawn.bgrAt(x, y), original.bgrAt(x, y));
                // The box, and its label above it ("face 0.92", wider than the box).
                boolean nearBox = x >= face.x() - 4 && x <= face.x() + face.w() + 40 && y >= face.y() - 30
                        && y <= face.y() + face.h() + 4;
                changedOutside += changed && !nearBox ? 1 : 0;
                changedOnBox += changed && nearBox ? 1 : 0;
            }
        }
        assertEquals(0, changedOutside, "pixels changed away from the face's box");
        assertTrue(changedOnBox > 400, "the box and label drawn: " + changedOnBox);
    }

    /**
     * hands.pipeline on a clip of hand.jpg: the palm in every frame, with track id 1 and its handedness
     * (classified on frames 0 and 10 of the track, carried between), and every frame in the MP4.
     */
    @Test
    void handsTracksAndClassifiesThePalm() throws Exception {
        Path clip = GstTestSupport.pictureClip("hand.jpg", 15, 15, dir);
        GstTestSupport.Result result = launch("hands", "INPUT=" + clip, "OUTPUT=" + dir.resolve("out/hand"));
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
        assertNoErrorLine(result);
        assertEquals(15, decodedFrames(dir.resolve("out/hand.mp4")), "frames in the drawn video");
    }

    /** upscale.pipeline doubles a clip's frames with waifu2x: every frame, at twice the size, in the MP4. */
    @Test
    void upscaleDoublesEveryFrame() throws Exception {
        Path clip = dir.resolve("small.mp4");
        GstTestSupport.Result made = GstTestSupport.gstLaunch("videotestsrc num-buffers=6 ! video/x-raw,format=I420,"
                + "width=96,height=64,framerate=15/1 ! openh264enc ! h264parse ! mp4mux ! filesink location=" + clip,
                dir, 60);
        assertEquals(0, made.exitCode(), made::describe);
        Files.createDirectories(dir.resolve("out"));
        GstTestSupport.Result result = launch("upscale", "INPUT=" + clip, "OUTPUT=" + dir.resolve("out/small-2x"));
        assertEquals(0, result.exitCode(), result::describe);
        Path upscaled = dir.resolve("out/small-2x.mp4");
        assertNoErrorLine(result);
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
            runUntilInterrupted("rtsp-camera", "URI=" + camera.uri(), "OUTPUT=" + dir.resolve("out/cam"),
                    "SINK=fakesink");
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
            Path out = Files.createDirectories(dir.resolve("out"));
            runUntilInterrupted("rtsp-cameras", "CAMERA1=" + a.uri(), "CAMERA2=" + b.uri(), "OUTPUT=" + out);
            for (int[] camera : new int[][] {{1, 352, 288}, {2, 256, 144}}) {
                List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(out.resolve("camera" + camera[0] + ".jsonl"));
                List<GstTestSupport.Frame> fromCamera = frames.stream()
                        .filter(f -> f.width() == camera[1] && f.height() == camera[2]).toList();
                assertTrue(fromCamera.size() >= 15, "camera " + camera[0] + ": " + fromCamera.size() + " frames");
                fromCamera.forEach(PipelinesTest::assertFace);
            }
        }
    }

    /** With no camera here: a clip stands in for it (SOURCE), and a missing device is named. */
    @Test
    void v4l2CameraRunsOnAStandInAndNamesAMissingDevice() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        GstTestSupport.Result standIn = launch("v4l2-camera", "SOURCE=filesrc location=" + clip() + " ! decodebin",
                "SINK=fakesink", "OUTPUT=" + dir.resolve("out/v4l2"));
        assertEquals(0, standIn.exitCode(), standIn::describe);
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(dir.resolve("out/v4l2.jsonl"));
        assertEquals(CLIP_FRAMES, frames.size());
        frames.forEach(PipelinesTest::assertFace);

        GstTestSupport.Result missing = launch("v4l2-camera", "DEVICE=/dev/video-none", "SINK=fakesink",
                "OUTPUT=" + dir.resolve("out/none"));
        assertTrue(missing.exitCode() != 0, missing::describe);
        assertTrue(missing.output().contains("Cannot identify device '/dev/video-none'"), missing::describe);
    }

    /**
     * mqtt.pipeline to Debian's mosquitto on 127.0.0.1: mosquitto_sub receives every frame's record, in
     * order, in DL Streamer's layout (the JSON Schema of the repository), with the face and its track.
     */
    @Test
    void mqttPublishesEveryRecordToMosquittoSub() throws Exception {
        try (org.ovgst.testing.MosquittoBroker broker = new org.ovgst.testing.MosquittoBroker(dir.resolve("broker"),
                List.of())) {
            Path received = dir.resolve("received.jsonl");
            Process subscriber = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p",
                    String.valueOf(broker.port()), "-t", "cams/clip", "-q", "1", "-C", String.valueOf(CLIP_FRAMES),
                    "-W", "60").redirectOutput(received.toFile()).redirectErrorStream(false).start();
            Thread.sleep(500);
            GstTestSupport.Result result = launch("mqtt", "INPUT=" + clip(), "ADDRESS=" + broker.address(),
                    "TOPIC=cams/clip");
            assertEquals(0, result.exitCode(), result::describe);
            assertTrue(subscriber.waitFor(30, TimeUnit.SECONDS), "mosquitto_sub did not get " + CLIP_FRAMES);
            List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(received);
            assertEquals(java.util.stream.LongStream.range(0, CLIP_FRAMES).boxed().toList(),
                    frames.stream().map(GstTestSupport.Frame::frame).toList());
            frames.forEach(PipelinesTest::assertFace);
            frames.forEach(frame -> assertEquals(1, frame.objects().getFirst().id()));
            assertEquals("valid " + CLIP_FRAMES, org.ovgst.testing.VenvPython.run("""
                    import json, sys, jsonschema
                    validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
                    errors = [e.message for line in open(sys.argv[2]) for e in validator.iter_errors(json.loads(line))]
                    print('valid', sum(1 for _ in open(sys.argv[2])) if not errors else errors[:3])
                    """, TestAssets.home().resolve("src/main/resources/org/ovgst/gst/publish/frame-record.schema.json")
                    .toString(), received.toString()).strip());
        }
    }

    /** kafka.pipeline to a single-node KRaft broker on 127.0.0.1: every frame's record, in order, with the face. */
    @Test
    void kafkaSendsEveryRecordInOrder() throws Exception {
        try (org.ovgst.testing.KafkaBroker broker = new org.ovgst.testing.KafkaBroker(dir.resolve("kafka"))) {
            KafkaTopic.create(broker, "cams", 1);
            GstTestSupport.Result result = launch("kafka", "INPUT=" + clip(), "ADDRESS=" + broker.address(),
                    "TOPIC=cams");
            assertEquals(0, result.exitCode(), result::describe);
            List<KafkaTopic.Consumed> records = KafkaTopic.readAll(broker, "cams");
            assertEquals(java.util.stream.LongStream.range(0, CLIP_FRAMES).boxed().toList(),
                    records.stream().map(KafkaTopic.Consumed::frame).toList());
            assertEquals(clip().toString(), records.getFirst().key(), "the key: the source");
            Path lines = dir.resolve("kafka.jsonl");
            Files.write(lines, records.stream().map(KafkaTopic.Consumed::json).toList());
            GstTestSupport.readFrames(lines).forEach(PipelinesTest::assertFace);
        }
    }

    /** remote.pipeline on a Triton serving ovgst's face detector: the face in every frame's record. */
    @Test
    void remoteFindsTheFaceOnAServer() throws Exception {
        try (org.ovgst.testing.TritonServer triton = new org.ovgst.testing.TritonServer(dir.resolve("triton"),
                List.of(org.ovgst.testing.TritonServer.model("face", GstTestSupport.FACE_MODEL)))) {
            Path output = dir.resolve("remote.jsonl");
            GstTestSupport.Result result = launch("remote", "INPUT=" + clip(), "SERVER=" + triton.address(),
                    "MODEL=face", "OUTPUT=" + output);
            assertEquals(0, result.exitCode(), result::describe);
            assertNoErrorLine(result);
            List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(output);
            assertEquals(CLIP_FRAMES, frames.size());
            frames.forEach(PipelinesTest::assertFace);
        }
    }

    /** A 2-s H.264 MP4 of astronaut.png (512x512, 15 fps). */
    private Path clip() throws Exception {
        return GstTestSupport.pictureClip("astronaut.png", CLIP_FRAMES, 15, dir);
    }

    /**
     * Starts a ready pipeline, waits until it plays and a few seconds more, then Ctrl-C: it must end
     * cleanly.
     */
    private void runUntilInterrupted(String name, String... values) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(TestAssets.home().resolve("ovgst").toString(),
                "launch", "--file", PIPELINES.resolve(name + ".pipeline").toString()));
        command.addAll(List.of(values));
        Files.createDirectories(dir.resolve("out"));
        Path log = dir.resolve("pipeline.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(GstTestSupport.gstEnvironment());
        builder.environment().put("OVGST_NO_BUILD", "1");
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
            assertTrue(process.isAlive(), () -> "it ended before Ctrl-C:\n" + read(log));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> "no end after Ctrl-C:\n" + read(log));
            assertEquals(0, process.exitValue(), () -> read(log));
            assertTrue(read(log).contains("Got EOS after"), () -> read(log));
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
        return countFrames("filesrc location=" + mp4 + " ! qtdemux ! h264parse ! avdec_h264 ! fakesink silent=false");
    }

    /** Buffers that reach the one {@code fakesink silent=false} of a gst-launch-1.0 description. */
    private int countFrames(String description) throws Exception {
        GstTestSupport.Result result = GstTestSupport.gstLaunch("-v " + description, dir, 60);
        assertEquals(0, result.exitCode(), result::describe);
        Matcher chain = Pattern.compile("last-message = chain").matcher(result.output());
        int frames = 0;
        while (chain.find()) {
            frames++;
        }
        return frames;
    }
}
