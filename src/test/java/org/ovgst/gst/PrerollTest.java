package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ovdetect lets every kind of sink preroll and reach end of stream, and passes frames through untouched. */
class PrerollTest {
    private static final int FRAMES = 60;
    private static final String SOURCE = "videotestsrc pattern=ball num-buffers=" + FRAMES
            + " ! video/x-raw,format=BGR,width=64,height=48,framerate=300/1";
    private static final String DETECT = " ! ovdetect model=" + FACE_MODEL + " nireq=2 batch-size=2";

    @ParameterizedTest
    @ValueSource(strings = {"fakesink sync=true", "fakesink sync=false"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void reachesEndOfStream(String sink) {
        GstTestSupport.assertRunsInProcess(SOURCE + DETECT + " ! " + sink);
        // Two bridges in a row, and a queue (another streaming thread) after it.
        GstTestSupport.assertRunsInProcess(SOURCE + DETECT + " ! ovmetapublish location=/dev/null ! queue ! " + sink);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void framesReachAFileByteForByte(@TempDir Path dir) throws Exception {
        Path direct = dir.resolve("direct.raw");
        Path detected = dir.resolve("detected.raw");
        GstTestSupport.assertRunsInProcess(SOURCE + " ! filesink location=" + direct);
        GstTestSupport.assertRunsInProcess(SOURCE + DETECT + " ! filesink location=" + detected);
        assertEquals((long) FRAMES * 64 * 48 * 3, Files.size(direct));
        assertEquals(Files.size(direct), Files.size(detected));
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(detected));
    }

    /**
     * videorate holds each frame until the next one shows how often to repeat it, so its sink
     * prerolls only on the second frame: the element must pass frames in PAUSED as a C filter does.
     * What comes out equals what the same pipeline without the element makes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ovwatermark", "ovmetapublish location=/dev/null",
        "ovdetect model=MODEL nireq=2 batch-size=4", "ovdetect model=MODEL batch-size=1 ! ovmetapublish location=/dev/null"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void prerollsASinkThatNeedsSeveralFrames(String element, @TempDir Path dir) throws Exception {
        String source = "videotestsrc pattern=ball num-buffers=" + FRAMES
                + " ! video/x-raw,format=BGR,width=64,height=48,framerate=30/1 ! ";
        String rate = " ! videorate ! video/x-raw,framerate=15/1 ! filesink location=";
        Path direct = dir.resolve("direct.raw");
        Path through = dir.resolve("through.raw");
        GstTestSupport.assertRunsInProcess(source + "identity" + rate + direct);
        GstTestSupport.assertRunsInProcess(source + element.replace("MODEL", FACE_MODEL.toString()) + rate + through);
        // Every other frame, and one more: videorate fills up to the end of the last frame (t = 2 s).
        assertEquals((long) (FRAMES / 2 + 1) * 64 * 48 * 3, Files.size(direct));
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(through));
    }
}
