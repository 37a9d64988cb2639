package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * Seeking a file through ovdetect (from Python, with the loader plugin): the duration query and the
 * flushing seek are carried across the bridge to the demuxer, and only frames after the seek come out.
 */
@Timeout(120)
class SeekTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Pattern RESULT = Pattern.compile(
            "duration=([0-9.]+) frames=(\\d+) first=([0-9.]+) last=([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void flushingSeekCrossesTheElement() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./ovgst setup installs python3");
        Path video = dir.resolve("ten-seconds.mp4");
        // 150 frames at 15/1 = 10 s, a key frame every second.
        GstTestSupport.Result made = GstTestSupport.gstLaunch("videotestsrc num-buffers=150 pattern=ball"
                + " ! video/x-raw,width=160,height=120,framerate=15/1 ! videoconvert ! openh264enc gop-size=15"
                + " ! h264parse ! mp4mux ! filesink location=" + video, dir, 60);
        assertEquals(0, made.exitCode(), made::describe);

        GstTestSupport.Result result = GstTestSupport.run(List.of(PYTHON.toString(),
                TestAssets.home().resolve("src/test/python/seek_check.py").toString(), video.toString(),
                GstTestSupport.FACE_MODEL.toString(), "6"), dir, 100, Map.of("PYTHONUNBUFFERED", "1"));
        GstTestSupport.assertNoCrash(result, dir);
        assertEquals(0, result.exitCode(), result::describe);
        Matcher m = RESULT.matcher(result.output());
        assertTrue(m.find(), result::describe);
        assertEquals(10.0, Double.parseDouble(m.group(1)), 0.01, "duration through ovdetect");
        assertEquals(6.0, Double.parseDouble(m.group(3)), 0.01, "first frame after the seek");
        assertEquals(60, Integer.parseInt(m.group(2)), "frames from 6 s to the end");
        assertEquals(9.933, Double.parseDouble(m.group(4)), 0.01, "last frame");
    }
}
