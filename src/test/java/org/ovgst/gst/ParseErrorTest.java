package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Descriptions GStreamer's parser refuses: its words, plus what to insert for a format. (Our enums' wrong
 * values pass the parser and are refused with the allowed ones when the element starts: ElementBadInputTest.)
 */
@Timeout(30)
class ParseErrorTest {
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
