package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * ovdetect's properties set from a Python application (PyGObject: {@code g_object_set_property}
 * with a GValue, no parser in between), through src/test/python/property_changes_check.py: a value
 * out of range ends in a bus ERROR when the element starts, as in gst-launch-1.0; while PLAYING a
 * change takes effect or is refused with a bus WARNING, as the property declares.
 */
@Timeout(180)
class PropertyChangesTest {
    /** Debian's python3 (python3-gi); the one on PATH may be a pyenv build without gi. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String DET = "/GstOvDetect:det: ";

    @TempDir
    Path dir;

    private String check(String... args) throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3-gi");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                TestAssets.home().resolve("src/test/python/property_changes_check.py").toString()));
        command.addAll(List.of(args));
        GstTestSupport.Result result = GstTestSupport.run(command, dir, 150, Map.of("PYTHONUNBUFFERED", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + ": " + result.describe());
        // GLib passes every value on: no "value ... is invalid or out of range" warning from it.
        assertFalse(result.output().contains("out of range"), result::describe);
        return result.output();
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in:\n" + output));
    }

    @Test
    void outOfRangeValuesEndInABusErrorWhenTheElementStarts() throws Exception {
        String out = check("at-start", GstTestSupport.FACE_MODEL.toString());
        // Stored as given (the element judges the value when it starts), and read back as such.
        assertTrue(out.contains("nireq set to 100\n"), out);
        assertTrue(out.contains("threshold set to 2.0\n"), out);
        assertEquals(List.of("ERROR from /GstPipeline:pipeline0" + DET + "property 'nireq' is 100; allowed: 0 to 64",
                "ERROR from /GstPipeline:pipeline1" + DET + "property 'threshold' is 2; allowed: 0 to 1"),
                out.lines().filter(l -> l.startsWith("ERROR") || l.equals("EOS")).toList(), out);
    }

    @Test
    void aChoiceTakesTheNameOrTheNickOfAValue() throws Exception {
        String out = check("choice", GstTestSupport.FACE_MODEL.toString());
        assertTrue(out.contains("model-type=anchor_ssd reads anchor-ssd\n"), out);
        assertTrue(out.contains("model-type=auto reads auto\n"), out);
        assertTrue(out.contains("\nEOS\n"), out);
    }

    @Test
    void whilePlayingThresholdTakesEffectAndNireqIsRefused() throws Exception {
        String out = check("while-playing", GstTestSupport.FACE_MODEL.toString(),
                TestAssets.image("astronaut.png").toString());
        // Every frame had the astronaut's face until threshold=1.0; after it, once the frames
        // already past the detector (queued in the bridge) are out, none has.
        assertTrue(line(out, "faces before: ").matches("faces before: 1{5,}"), out);
        Matcher after = Pattern.compile("faces after: (1*)(0+)").matcher(line(out, "faces after: "));
        assertTrue(after.matches(), out);
        assertTrue(after.group(1).length() <= 8, "threshold=1.0 took effect only after " + after.group(1).length()
                + " frames:\n" + out);
        assertTrue(after.group(2).length() >= 10, out);
        assertTrue(out.contains("threshold set to 1.0 after frame"), out);

        assertTrue(line(out, "WARNING").endsWith(DET + "property 'nireq' cannot change to 4 while the element is"
                + " PAUSED or PLAYING: it takes effect only in NULL or READY state; it stays 0"), out);
        assertTrue(out.contains("\nnireq is 0\n"), out);
        assertTrue(out.contains(DET + "property 'threshold' is 1.5; allowed: 0 to 1; refused while playing, it"
                + " stays 1\n"), out);
        assertTrue(out.contains("\nthreshold is 1.0\n"), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("WARNING")).count(), out);
        assertFalse(out.contains("ERROR"), out);
        // Stopped, the element takes a new nireq again.
        assertTrue(out.contains("\nstopped; nireq set to 4\n"), out);
    }
}
