package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.glib.GObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.gst.gobject.TypeRegistry;
import org.ovgst.infer.image.Detection;
import org.ovgst.testing.TestAssets;

/** A Java application's view: gst1-java-core builds and runs the pipelines, {@link Ovgst} adds our elements. */
@Timeout(120)
class GstJavaCoreTest {
    /** Hand-labelled face in astronaut.png (512x512): left, top, right, bottom. */
    private static final int[] ASTRONAUT_FACE = {175, 75, 275, 180};

    @BeforeAll
    static void init() {
        Ovgst.init();
        if (!Gst.isInitialized()) {
            Gst.init(Version.of(1, 16), "GstJavaCoreTest");
        }
        Ovgst.init(); // again, after Gst.init: harmless
    }

    /** gst1-java-core wrappers own a reference each until disposed (or collected): unref them after each test. */
    private final List<GObject> made = new ArrayList<>();

    private <T extends GObject> T track(T object) {
        made.add(object);
        return object;
    }

    @AfterEach
    void disposeAndCheckForLeaks() throws InterruptedException {
        made.reversed().forEach(GObject::dispose);
        // The last references can go a moment later (a bus message naming the element, a wrapper
        // gst1-java-core frees when collected): allow that, but no leak.
        for (int i = 0; i < 100 && TypeRegistry.liveInstances() > 0; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, TypeRegistry.liveInstances(), "ovgst elements still alive after the test");
    }

    /** One frame as the listener saw it. */
    private record Frame(long index, long pts, List<Detection> detections) {}

    /** Plays {@code pipeline} to EOS with a bus listener; fails on an error message. */
    private static void runToEos(Pipeline pipeline) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        List<String> errors = new CopyOnWriteArrayList<>();
        Bus bus = pipeline.getBus();
        Bus.EOS eos = source -> done.countDown();
        Bus.ERROR error = (source, code, message) -> {
            errors.add(source.getName() + ": " + message);
            done.countDown();
        };
        bus.connect(eos);
        bus.connect(error);
        try {
            pipeline.play();
            assertTrue(done.await(90, TimeUnit.SECONDS), "no EOS");
            assertEquals(List.of(), errors);
        } finally {
            pipeline.setState(State.NULL);
            bus.disconnect(eos);
            bus.disconnect(error);
        }
    }

    private Element make(String factory, Map<String, Object> properties) {
        Element element = track(ElementFactory.make(factory, null));
        properties.forEach(element::set);
        return element;
    }

    @Test
    void findsTheAstronautsFaceInEveryFrameOfAHandBuiltPipeline() throws Exception {
        Element detect = make("ovdetect", Map.of("model", GstTestSupport.FACE_MODEL.toString(), "threshold", 0.6,
                "nireq", 2));
        assertEquals(0.6, (Double) detect.get("threshold"), 1e-9);
        assertEquals(2, detect.get("nireq"));
        assertEquals(GstTestSupport.FACE_MODEL.toString(), detect.get("model"));
        List<Frame> frames = new CopyOnWriteArrayList<>();
        Ovgst.onDetections(detect, (frame, pts, width, height, detections) -> frames.add(new Frame(frame, pts, detections)));

        Pipeline pipeline = track(new Pipeline("astronaut"));
        Element[] elements = {
                make("filesrc", Map.of("location", TestAssets.image("astronaut.png").toString())),
                make("pngdec", Map.of()),
                make("imagefreeze", Map.of("num-buffers", 5)),
                make("videoconvert", Map.of()),
                detect,
                make("fakesink", Map.of())};
        pipeline.addMany(elements);
        assertTrue(Element.linkMany(elements), "linkMany failed");
        runToEos(pipeline);

        assertEquals(5, frames.size(), frames::toString);
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            assertEquals(i, frame.index());
            assertEquals(1, frame.detections().size(), frame::toString);
            Detection face = frame.detections().get(0);
            assertEquals("face", face.label());
            assertTrue(face.confidence() > 0.8, face::toString);
            float[] box = {face.xMin(), face.yMin(), face.xMax(), face.yMax()};
            for (int k = 0; k < 4; k++) {
                assertEquals(ASTRONAUT_FACE[k] / 512.0, box[k], 0.1, face::toString);
            }
        }
    }

    @Test
    void parseLaunchKnowsOvdetect() throws Exception {
        Bin bin = track(Gst.parseBinFromDescription("videoconvert", true)); // gst1-java-core itself is alive
        assertTrue(bin.getElements().size() == 1);
        Element parsed = track(Gst.parseLaunch("videotestsrc num-buffers=30 ! video/x-raw,width=128,height=96 ! videoconvert"
                + " ! ovdetect name=detect model=" + GstTestSupport.FACE_MODEL + " threshold=0.7 ! fakesink"));
        Pipeline pipeline = assertInstanceOf(Pipeline.class, parsed);
        Element detect = track(pipeline.getElementByName("detect"));
        assertEquals("GstOvDetect", detect.getTypeName());
        assertEquals(0.7, (Double) detect.get("threshold"), 1e-9);
        Map<Long, Long> ptsByFrame = new ConcurrentHashMap<>();
        List<Long> order = new CopyOnWriteArrayList<>();
        List<String> sizes = new CopyOnWriteArrayList<>();
        Ovgst.Registration[] registration = new Ovgst.Registration[1];
        registration[0] = Ovgst.onDetections(detect, (frame, pts, width, height, detections) -> {
            order.add(frame);
            ptsByFrame.put(frame, pts);
            sizes.add(width + "x" + height);
            if (frame == 9) {
                registration[0].close(); // no calls after frame 9
            }
        });
        runToEos(pipeline);
        assertEquals(java.util.stream.LongStream.range(0, 10).boxed().toList(), order);
        assertEquals(0L, ptsByFrame.get(0L));
        assertEquals(java.util.Collections.nCopies(10, "128x96"), sizes);
    }

    /**
     * examples/java/DetectFaces.java, run by the one command its comment gives, from a shell with
     * none of ovgst's environment (a java on PATH that is not 25 included): on a picture and on a video.
     */
    @Test
    void theExampleProgramPrintsTheFaceOfEveryFrame(@TempDir Path dir) throws Exception {
        Path home = TestAssets.home();
        Path clip = GstTestSupport.pictureClip("astronaut.png", 5, 5, dir);
        for (Path input : List.of(TestAssets.image("astronaut.png"), clip)) {
            String command = "cd " + home + " && eval \"$(./ovgst env)\" && java --enable-native-access=ALL-UNNAMED -cp"
                    + " \"target/classes:target/lib/*\" examples/java/DetectFaces.java " + input + " "
                    + GstTestSupport.FACE_MODEL + " 0.6";
            GstTestSupport.Result result = GstTestSupport.run(List.of("env", "-i", "HOME=" + System.getProperty(
                    "user.home"), "PATH=/usr/bin:/bin", "OVGST_NO_BUILD=1", "bash", "-c", command), dir, 90, Map.of());
            GstTestSupport.assertNoCrash(result, dir);
            assertEquals(0, result.exitCode(), result::describe);
            assertTrue(result.output().contains("ovdetect threshold=0.6 "), result::describe);
            Matcher line = Pattern.compile("frame (\\d+) pts \\d+ ms 512x512: face (0\\.\\d+) \\[(\\d+),(\\d+),(\\d+),"
                    + "(\\d+)\\]\n").matcher(result.output());
            int frames = 0;
            while (line.find()) {
                assertEquals(frames++, Integer.parseInt(line.group(1)), result::describe);
                assertTrue(Double.parseDouble(line.group(2)) > 0.8, line.group());
                for (int k = 0; k < 4; k++) {
                    assertEquals(ASTRONAUT_FACE[k], Integer.parseInt(line.group(3 + k)), 512 / 10, line.group());
                }
            }
            assertEquals(input.equals(clip) ? 5 : 1, frames, result::describe);
        }
    }

    /**
     * ./ovgst install, then a project made of the README's pom.xml (taken from the README as it is)
     * and a small program, built and run by the README's own lines in a shell with nothing set but
     * HOME and PATH: it finds the face. Run without OVGST_HOME (a JVM started some other way, Python
     * without OpenVINO first on PATH), the error says to set it.
     */
    @Test
    void aMavenProjectFromTheReadmesPomRunsOvdetect(@TempDir Path dir) throws Exception {
        Path home = TestAssets.home();
        GstTestSupport.Result installed = GstTestSupport.run(List.of(home.resolve("ovgst").toString(), "install"), dir,
                300, Map.of());
        assertEquals(0, installed.exitCode(), installed::describe);
        String readme = java.nio.file.Files.readString(home.resolve("README.md"));
        Matcher pom = Pattern.compile("<!-- ovgst-pom:[^>]*-->\\s*```xml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(pom.find(), "the README's pom.xml");
        Matcher run = Pattern.compile("<!-- ovgst-run:[^>]*-->\\s*```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(run.find(), "the README's lines that build and run the project");
        Path project = java.nio.file.Files.createDirectories(dir.resolve("my-analytics"));
        java.nio.file.Files.writeString(project.resolve("pom.xml"), pom.group(1));
        Path source = java.nio.file.Files.createDirectories(project.resolve("src/main/java/com/example"));
        java.nio.file.Files.writeString(source.resolve("Main.java"), """
                package com.example;

                import org.freedesktop.gstreamer.*;
                import org.ovgst.gst.Ovgst;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        Ovgst.init();
                        Gst.init(Version.of(1, 16), "my-analytics");
                        Pipeline pipeline = (Pipeline) Gst.parseLaunch("filesrc location=" + args[0]
                                + " ! decodebin ! videoconvert ! ovdetect name=d model=" + System.getenv("OVGST_HOME")
                                + "/models/face_detection_short_range.tflite ! fakesink");
                        Ovgst.onDetections(pipeline.getElementByName("d"), (frame, pts, width, height, found) ->
                                System.out.println("frame " + frame + " " + width + "x" + height + " " + found.size()
                                        + " " + found.get(0).label()));
                        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
                        int[] status = {0};
                        pipeline.getBus().connect((Bus.EOS) element -> done.countDown());
                        pipeline.getBus().connect((Bus.ERROR) (element, code, message) -> {
                            System.out.println("ERROR " + message);
                            status[0] = 1;
                            done.countDown();
                        });
                        pipeline.play();
                        done.await();
                        pipeline.stop();
                        System.exit(status[0]);
                    }
                }
                """);
        String lines = run.group(1).replace("~/ovgst", home.toString())
                .replace(" video.mp4", " " + TestAssets.image("astronaut.png"));
        GstTestSupport.Result ran = GstTestSupport.run(List.of("/usr/bin/env", "-i", "HOME=" + System.getProperty(
                "user.home"), "PATH=/usr/bin:/bin", "bash", "-e", "-c", lines), project, 400, Map.of());
        GstTestSupport.assertNoCrash(ran, project);
        assertEquals(0, ran.exitCode(), ran::describe);
        assertTrue(ran.output().contains("frame 0 512x512 1 face"), ran::describe);

        String java25 = System.getProperty("java.home");
        String classpath = project.resolve("target/classes") + ":" + java.nio.file.Files.readString(
                project.resolve("target/classpath.txt")).strip();
        GstTestSupport.Result unset = GstTestSupport.run(List.of("/usr/bin/env", "-i", "HOME=" + System.getProperty(
                "user.home"), "PATH=/usr/bin:/bin", java25 + "/bin/java", "--enable-native-access=ALL-UNNAMED", "-cp",
                classpath, "com.example.Main", TestAssets.image("astronaut.png").toString()), project, 90, Map.of());
        GstTestSupport.assertNoCrash(unset, project);
        assertEquals(1, unset.exitCode(), unset::describe);
        assertTrue(unset.output().contains("libopenvino_c.so) was not found")
                && unset.output().contains("set OVGST_HOME to"), unset::describe);
    }

    @Test
    void onDetectionsRefusesOtherElements() {
        Element sink = track(ElementFactory.make("fakesink", "sink"));
        assertThrows(IllegalArgumentException.class, () -> Ovgst.onDetections(sink, (f, p, width, height, d) -> {}));
        Element watermark = track(ElementFactory.make("ovwatermark", "watermark"));
        assertThrows(IllegalArgumentException.class, () -> Ovgst.onDetections(watermark, (f, p, width, height, d) -> {}));
    }
}
