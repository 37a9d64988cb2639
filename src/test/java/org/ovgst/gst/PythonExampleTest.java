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
 * examples/python/detect.py with Debian's Python and PyGObject: ovdetect made with
 * {@code Gst.ElementFactory.make}, the loader plugin starting a JVM inside the Python process, and
 * the ROI metadata read back in a pad probe.
 */
@Timeout(180)
class PythonExampleTest {
    /** Debian's python3 (python3-gi); the one on PATH may be a pyenv build without gi. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Hand-labelled face in astronaut.png (512x512): left, top, right, bottom. */
    private static final int[] ASTRONAUT_FACE = {175, 75, 275, 180};
    private static final Pattern LINE = Pattern.compile(
            "frame (\\d+) pts \\S+ (\\S+) ([0-9.]+) box (\\d+),(\\d+),(\\d+),(\\d+) \\(l,t,r,b px\\) label_id (-?\\d+)"
                    + " normalized ([0-9.]+),([0-9.]+),([0-9.]+),([0-9.]+)");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPyGObject() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3");
        GstTestSupport.Result probe = GstTestSupport.run(List.of(PYTHON.toString(), "-c",
                "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstVideo', '1.0');"
                        + " from gi.repository import Gst, GstVideo"),
                TestAssets.home(), 30, Map.of());
        assertTrue(probe.exitCode() == 0, "no python3-gi / GStreamer typelibs (./ovgst setup installs them): "
                + probe.describe());
    }

    private GstTestSupport.Result python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        GstTestSupport.Result result = GstTestSupport.run(command, dir, 150, Map.of("PYTHONUNBUFFERED", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + ": " + result.describe());
        return result;
    }

    @Test
    void detectsTheAstronautsFaceInEveryFrame() throws Exception {
        GstTestSupport.Result result = python(TestAssets.home().resolve("examples/python/detect.py").toString(),
                TestAssets.image("astronaut.png").toString(), "--model", GstTestSupport.FACE_MODEL.toString(),
                "--threshold", "0.6", "--frames", "5");
        String output = result.output();
        assertTrue(output.contains("ovdetect threshold=0.6 "), output);
        assertTrue(output.contains("EOS after 5 frames"), output);
        int tolerance = 512 / 10;
        boolean[] seen = new boolean[5];
        Matcher m = LINE.matcher(output);
        while (m.find()) {
            int frame = Integer.parseInt(m.group(1));
            assertEquals("face", m.group(2), m.group());
            assertTrue(Double.parseDouble(m.group(3)) > 0.8, m.group());
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(m.group(4 + i));
                assertTrue(Math.abs(value - ASTRONAUT_FACE[i]) <= tolerance, () -> "box off: " + m.group());
                // The normalized box of the "detection" structure agrees with the pixel box.
                assertEquals(value / 512.0, Double.parseDouble(m.group(9 + i)), 2.5 / 512, m.group());
            }
            assertEquals(0, Integer.parseInt(m.group(8)), m.group());
            assertTrue(!seen[frame], "two faces in frame " + frame + ":\n" + output);
            seen[frame] = true;
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "no face in frame " + i + ":\n" + output);
        }
    }

    /** The ctypes ROI reader of detect.py on a buffer with several ROIs (PyGObject alone cannot list them). */
    @Test
    void readsEveryRegionOfABuffer() throws Exception {
        GstTestSupport.Result result = python(
                TestAssets.home().resolve("src/test/python/roi_metas_check.py").toString());
        assertTrue(result.output().contains("ok"), result.describe());
    }
}
