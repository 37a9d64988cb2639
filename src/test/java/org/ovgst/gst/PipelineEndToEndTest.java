package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;
import static org.ovgst.gst.GstTestSupport.OI_MODEL;
import static org.ovgst.gst.GstTestSupport.PALM_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.testing.TestAssets;

/**
 * Whole pipelines through the real tools: gst-launch-1.0 (the C loader plugin starts a JVM in it)
 * and {@code ./ovgst launch} (GStreamer inside our JVM), on real models and photographs.
 */
class PipelineEndToEndTest {
    /** Hand-labelled face in astronaut.png (512x512): left, top, right, bottom. */
    private static final int[] ASTRONAUT_FACE = {175, 75, 275, 180};
    /** Hand-labelled palm in hand.jpg (640x480), fingers excluded; see AnchorSsdModelsTest for how. */
    private static final int[] HAND_PALM = {0, 135, 315, 395};

    @TempDir
    Path dir;

    private GstTestSupport.Result launch(String tool, String description) throws Exception {
        GstTestSupport.Result result = tool.equals("gst-launch-1.0") ? GstTestSupport.gstLaunch(description, dir, 30)
                : GstTestSupport.ovgstLaunch(description, dir, 30);
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), () -> tool + " " + description + ": " + result.describe());
        return result;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gst-launch-1.0", "ovgst launch"})
    @Timeout(120)
    void videoTestSourceThroughAllThreeElements(String tool) throws Exception {
        Path json = dir.resolve("meta.jsonl");
        launch(tool, "videotestsrc num-buffers=300 ! videoconvert ! ovdetect model=" + FACE_MODEL
                + " ! ovwatermark ! ovmetapublish location=" + json + " ! fakesink");
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(300, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            GstTestSupport.Frame f = frames.get(i);
            assertEquals(i, f.frame());
            assertEquals(320, f.width());
            assertEquals(240, f.height());
            // videotestsrc at its default 30/1: gst_util_uint64_scale(i, GST_SECOND, 30), rounded down.
            assertEquals(i * 1_000_000_000L / 30, f.timestamp(), "pts of frame " + i);
        }
    }

    private List<GstTestSupport.Frame> detect(String tool, Path model, String image, String extra) throws Exception {
        Path json = dir.resolve("meta.jsonl");
        String decoder = image.endsWith(".png") ? "pngdec" : "jpegdec";
        launch(tool, "filesrc location=" + TestAssets.image(image) + " ! " + decoder
                + " ! imagefreeze num-buffers=3 ! videoconvert ! ovdetect model=" + model + extra
                + " ! ovmetapublish location=" + json + " ! fakesink");
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(3, frames.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, frames.get(i).frame());
            // A still image: every frame is the same, so are the detections.
            assertEquals(frames.get(0).objects(), frames.get(i).objects());
        }
        return frames;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gst-launch-1.0", "ovgst launch"})
    @Timeout(120)
    void findsTheAstronautsFace(String tool) throws Exception {
        // BlazeFace's one class, named by ovgst's table of the models it ships.
        GstTestSupport.Frame frame = detect(tool, FACE_MODEL, "astronaut.png", "").get(0);
        assertEquals(512, frame.width());
        assertEquals(512, frame.height());
        assertEquals(1, frame.objects().size(), frame.toString());
        GstTestSupport.Box face = frame.objects().get(0);
        assertEquals("face", face.label());
        assertEquals(0, face.labelId());
        assertTrue(face.confidence() >= 0.5 && face.confidence() <= 1, face.toString());
        assertNear(ASTRONAUT_FACE, face, 0.10 * 512);
    }

    /** model-type=auto finds the palm detector's preset from its outputs alone ('Identity', 'Identity_1'). */
    @Test
    @Timeout(120)
    void findsTheOpenPalm() throws Exception {
        GstTestSupport.Frame frame = detect("gst-launch-1.0", PALM_MODEL, "hand.jpg", "").get(0);
        assertEquals(1, frame.objects().size(), frame.toString());
        GstTestSupport.Box palm = frame.objects().get(0);
        assertEquals("palm", palm.label());
        assertTrue(palm.confidence() >= 0.9 && palm.confidence() <= 1, palm.toString());
        assertNear(HAND_PALM, palm, 0.10 * 640);
    }

    /** Each edge of {@code box} within {@code tolerance} pixels of the hand-labelled one. */
    private static void assertNear(int[] labelled, GstTestSupport.Box box, double tolerance) {
        int[] found = {box.x(), box.y(), box.x() + box.w(), box.y() + box.h()};
        for (int i = 0; i < 4; i++) {
            assertTrue(Math.abs(found[i] - labelled[i]) <= tolerance,
                    box + " vs hand-labelled " + java.util.Arrays.toString(labelled));
        }
    }

    @Test
    @Timeout(120)
    void openImagesDetectorFindsPersonAndCat() throws Exception {
        // Named by the label file the model comes with (ovgst's table of the models it ships).
        List<GstTestSupport.Box> astronaut = detect("gst-launch-1.0", OI_MODEL, "astronaut.png", "").get(0)
                .objects();
        assertTrue(astronaut.stream().anyMatch(b -> b.label().equals("Person")), astronaut.toString());
        String labels = " labels-file=" + TestAssets.model("oidv4_labels.txt");
        GstTestSupport.Frame chelsea = detect("gst-launch-1.0", OI_MODEL, "chelsea.png", labels).get(0);
        assertEquals(451, chelsea.width());
        assertEquals(300, chelsea.height());
        assertTrue(chelsea.objects().stream().anyMatch(b -> b.label().equals("Cat")), chelsea.toString());
        assertFalse(chelsea.objects().stream().anyMatch(b -> b.label().equals("Person")), chelsea.toString());
        for (GstTestSupport.Box box : chelsea.objects()) {
            assertTrue(box.x() >= 0 && box.y() >= 0 && box.x() + box.w() <= 451 && box.y() + box.h() <= 300,
                    "box outside the frame: " + box);
        }
    }

    /**
     * In gst-launch-1.0 the JVM must keep its own SIGSEGV handler: HotSpot uses SIGSEGV for
     * safepoint polls and implicit null checks in compiled code. GStreamer's plugin loader wraps
     * plugin_init in its own fault trap and then restores the handler it saved before (gst-launch's),
     * throwing away the JVM's, installed inside plugin_init; the elements put it back. Safepoints
     * forced every millisecond make compiled Java code fault often: without the JVM's handler
     * gst-launch-1.0 hangs ("Caught SIGSEGV ... Spinning").
     */
    @Test
    @Timeout(120)
    void theJvmKeepsItsSignalHandlersInGstLaunch() throws Exception {
        GstTestSupport.Result result = GstTestSupport.run(List.of("gst-launch-1.0", "videotestsrc", "num-buffers=600",
                "!", "video/x-raw,width=320,height=240", "!", "videoconvert", "!", "ovdetect", "model=" + FACE_MODEL,
                "!", "ovmetapublish", "location=" + dir.resolve("signals.jsonl"), "!", "fakesink"), dir, 60,
                Map.of("OVGST_JVM_OPTIONS", "-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        assertFalse(result.output().contains("Caught SIGSEGV"), result::describe);
        assertEquals(600, Files.readAllLines(dir.resolve("signals.jsonl")).size());
    }
}
