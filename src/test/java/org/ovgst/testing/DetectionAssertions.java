package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ovgst.infer.image.Detection;

/** Detections compared field by field, the float fields within a tolerance. */
public final class DetectionAssertions {
    private DetectionAssertions() {}

    /** {@code actual} is {@code expected}, in order. */
    public static void assertDetections(List<Detection> actual, float tolerance, Detection... expected) {
        assertEquals(expected.length, actual.size(), "detections: " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual.get(i), tolerance);
        }
    }

    public static void assertClose(Detection expected, Detection actual, float tolerance) {
        String message = "expected " + expected + " but got " + actual;
        assertEquals(expected.labelId(), actual.labelId(), message);
        assertEquals(expected.label(), actual.label(), message);
        assertEquals(expected.confidence(), actual.confidence(), tolerance, message);
        assertEquals(expected.xMin(), actual.xMin(), tolerance, message);
        assertEquals(expected.yMin(), actual.yMin(), tolerance, message);
        assertEquals(expected.xMax(), actual.xMax(), tolerance, message);
        assertEquals(expected.yMax(), actual.yMax(), tolerance, message);
    }
}
