package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.TestAssets;

/**
 * Decoded frames in a format an element does not take, in gst-launch-1.0 after decodebin (a real
 * H.264 clip, I420): the first ERROR comes from the element that refuses, names the format, what it
 * takes and what to insert. GStreamer alone says "not-negotiated", or "Delayed linking failed" and
 * "not-linked" when the decoder can give nothing else (openh264dec).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FormatRefusalTest {
    /** Lets decodebin pick openh264dec, whose only output is I420, over avdec_h264. */
    private static final Map<String, String> OPENH264_DECODES = Map.of("GST_PLUGIN_FEATURE_RANK", "avdec_h264:0");
    private static final String CLASSIFY = "ovclassify model=" + TestAssets.model("hand_landmark_full.tflite")
            + " output-name=Identity_2";
    private static final String REFUSED = "ERROR: from element /GstPipeline:pipeline0/GstOvClassify:ovclassify0:"
            + " ovclassify0 cannot take I420 frames";
    private static final String WHAT_TO_DO = "; it takes BGR, RGB, BGRx, RGBx: insert videoconvert before ovclassify0";

    @TempDir
    static Path dir;
    private static Path clip;

    @BeforeAll
    static void makeTheClip() throws Exception {
        clip = GstTestSupport.pictureClip("astronaut.png", 5, 10, dir);
    }

    private static GstTestSupport.Result launch(String after, Map<String, String> env) throws Exception {
        GstTestSupport.Result result = GstTestSupport.gstLaunch("filesrc location=" + clip + " ! decodebin ! " + after,
                dir, 60, env);
        GstTestSupport.assertNoCrash(result, dir);
        return result;
    }

    private static String firstError(GstTestSupport.Result result) {
        return result.output().lines().filter(line -> line.startsWith("ERROR:")).findFirst().orElse("none; "
                + result.describe());
    }

    /** avdec_h264 negotiates I420 through ovdetect (which takes it) to ovclassify: refused by the CAPS event's check. */
    @Test
    void framesPassedOnByOvdetectAreRefusedByOvclassifyWithWhatToInsert() throws Exception {
        GstTestSupport.Result result = launch("ovdetect model=" + FACE_MODEL + " ! " + CLASSIFY + " ! fakesink",
                Map.of());
        assertEquals(REFUSED + WHAT_TO_DO, firstError(result), result::describe);
    }

    /** openh264dec's pad cannot link to ovdetect at all: gst-launch's delayed link fails. */
    @Test
    void aDelayedLinkThatFailsNamesTheElementThatRefuses() throws Exception {
        GstTestSupport.Result result = launch("ovdetect model=" + FACE_MODEL + " ! " + CLASSIFY + " ! fakesink",
                OPENH264_DECODES);
        assertEquals(REFUSED + " (offered to ovdetect0, which passes them on)" + WHAT_TO_DO, firstError(result),
                result::describe);
        assertFalse(result.output().contains("not-linked"), result::describe);
    }

    /** Straight after decodebin, either decoder. */
    @Test
    void decodebinStraightIntoOvclassify() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), OPENH264_DECODES)) {
            GstTestSupport.Result result = launch(CLASSIFY + " ! fakesink", env);
            assertEquals(REFUSED + WHAT_TO_DO, firstError(result), env + ": " + result.describe());
        }
    }

    /** With videoconvert where the message says, the same clip plays to the end. */
    @Test
    void withVideoconvertInsertedItPlays() throws Exception {
        for (Map<String, String> env : List.of(Map.<String, String>of(), OPENH264_DECODES)) {
            GstTestSupport.Result result = launch("ovdetect model=" + FACE_MODEL + " ! videoconvert ! " + CLASSIFY
                    + " ! fakesink", env);
            assertEquals(0, result.exitCode(), result::describe);
            assertTrue(result.output().contains("Got EOS"), result::describe);
        }
    }
}
