package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * GST_DEBUG categories named after the elements, in gst-launch-1.0: what each element decided at
 * INFO (level 4 and up), the Java cause of an error at DEBUG (5), one line a frame at LOG (level 6),
 * nothing when the category is off.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebugCategoriesTest {
    private static final String PIPELINE = "filesrc location=" + TestAssets.image("astronaut.png") + " ! pngdec"
            + " ! imagefreeze num-buffers=3 ! videoconvert ! ovdetect model=" + GstTestSupport.FACE_MODEL
            + " ! ovtrack ! ovmetapublish location=/dev/null ! fakesink";

    @TempDir
    Path dir;

    private List<String> lines(String debug) throws Exception {
        GstTestSupport.Result result = launch(PIPELINE, debug);
        assertEquals(0, result.exitCode(), result::describe);
        return result.output().lines().toList();
    }

    private GstTestSupport.Result launch(String pipeline, String debug) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("gst-launch-1.0", "-q"));
        command.addAll(List.of(pipeline.split(" ")));
        GstTestSupport.Result result = GstTestSupport.run(command, dir, 90, Map.of("GST_DEBUG", debug,
                "GST_DEBUG_NO_COLOR", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        return result;
    }

    private static long count(List<String> lines, String level, String category, String text) {
        return lines.stream().filter(l -> l.contains(level) && l.contains(" " + category + " ") && l.contains(text))
                .count();
    }

    @Test
    void infoSaysWhatEachElementDecidedAndLogEachFrame() throws Exception {
        List<String> info = lines("ovdetect:4,ovtrack:4,ovmetapublish:4");
        assertEquals(1, count(info, "INFO", "ovdetect", "decoded as anchor-ssd (model-type=auto)"), info::toString);
        assertEquals(1, count(info, "INFO", "ovdetect", "compiled for RGB 512x512"), info::toString);
        assertTrue(count(info, "INFO", "ovdetect", "device CPU, nireq ") == 1, info::toString);
        assertEquals(1, count(info, "INFO", "ovtrack", "tracking by overlap"), info::toString);
        assertEquals(1, count(info, "INFO", "ovmetapublish", "writing json-lines records to /dev/null"),
                info::toString);
        assertEquals(0, count(info, "LOG", "ovdetect", "frame "), "no frame lines at INFO");

        List<String> log = lines("ovdetect:6");
        for (int frame = 0; frame < 3; frame++) {
            assertEquals(1, count(log, "LOG", "ovdetect", "frame " + frame + " pts " + frame * 40_000_000L
                    + ": 1 detections"), log::toString);
        }
        assertEquals(0, count(log, "INFO", "ovtrack", ""), "ovtrack's category is off");

        List<String> off = lines("0");
        assertEquals(0, off.stream().filter(l -> l.contains("ovdetect")).count(), off::toString);
    }

    @Test
    void anErrorsJavaCauseIsForDevelopersAtDebugNotOnTheBus() throws Exception {
        Path notAModel = java.nio.file.Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        String failing = "videotestsrc num-buffers=3 ! videoconvert ! ovdetect model=" + notAModel + " ! fakesink";
        GstTestSupport.Result debug = launch(failing, "ovdetect:5");
        List<String> lines = debug.output().lines().toList();
        assertEquals(1, count(lines, "DEBUG", "ovdetect", "cannot read model " + notAModel), debug::describe);
        // The cause's class and stack (its message is the DEBUG line's, not repeated), and OpenVINO's
        // whole message with its source lines.
        assertTrue(debug.output().contains("\norg.ovgst.infer.InferenceException\n\tat "), debug::describe);
        assertTrue(debug.output().contains("\tat org.ovgst.gst.bridge.BridgeBin.beforeStateChange"), debug::describe);
        assertTrue(debug.output().contains("OpenVINO's message: Exception from src/"), debug::describe);
        String quiet = launch(failing, "0").output();
        assertTrue(quiet.contains("Additional debug info:\nthe cause, for ovgst's developers: GST_DEBUG=ovdetect:5"),
                quiet);
        assertFalse(GstTestSupport.JAVA_INSIDES.matcher(quiet).find(), quiet);
    }
}
