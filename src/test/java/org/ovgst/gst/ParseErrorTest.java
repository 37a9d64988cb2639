package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Descriptions GStreamer's parser refuses: its words, plus the allowed values of our enums. */
@Timeout(30)
class ParseErrorTest {
    @Test
    void unknownEnumValueListsTheAllowedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(
                "videotestsrc ! ovdetect name=faces model-type=yolo-v9 ! fakesink"));
        assertTrue(e.getMessage().contains("could not set property \"model-type\""), e.getMessage());
        assertTrue(e.getMessage().endsWith("allowed values of model-type: auto, anchor-ssd, detection-output,"
                + " boxes-labels, centerface, yolo-v10, yolo-v5, yolo-v8"), e.getMessage());
    }

    @Test
    void unknownElementIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.parse("videotestsrc ! ovdetekt ! fakesink"));
        assertTrue(e.getMessage().contains("ovdetekt"), e.getMessage());
    }

    @Test
    void aFormatOurElementDoesNotTakeSaysToInsertVideoconvert() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pipeline.parse(
                "videotestsrc ! video/x-raw,format=YUY2 ! ovclassify name=c model=x.xml ! fakesink"));
        assertTrue(e.getMessage().endsWith("; insert videoconvert before c (ovclassify takes BGR, RGB, BGRx, RGBx)"),
                e.getMessage());
    }
}
