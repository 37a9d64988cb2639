package org.ovgst.infer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.image.Detection;

/** Classic NMS on boxes that span the full height, so that IoU is the overlap of x ranges over their union. */
class NonMaxSuppressionTest {
    private static Detection box(int labelId, float confidence, float xMin, float xMax) {
        return new Detection(labelId, "class " + labelId, confidence, xMin, 0, xMax, 1);
    }

    @Test
    void perClassKeepsOverlappingBoxesOfDifferentClassesAgnosticDoesNot() {
        Detection better = box(0, 0.9f, 0, 0.5f);
        // IoU 0.4 / 0.6 = 0.67 with the better box, another class.
        Detection otherClass = box(1, 0.8f, 0.1f, 0.6f);

        assertEquals(List.of(better, otherClass), NonMaxSuppression.apply(List.of(otherClass, better), 0.5f, true));
        assertEquals(List.of(better), NonMaxSuppression.apply(List.of(otherClass, better), 0.5f, false));
    }

    @Test
    void aBoxIsSuppressedOnlyWhenItsIouIsAboveTheThreshold() {
        Detection whole = box(0, 0.9f, 0, 1);
        // IoU 0.5 / 1 = 0.5 exactly.
        Detection half = box(0, 0.8f, 0, 0.5f);

        assertEquals(0.5f, NonMaxSuppression.iou(whole, half));
        assertEquals(List.of(whole, half), NonMaxSuppression.apply(List.of(whole, half), 0.5f, true));
        assertEquals(List.of(whole), NonMaxSuppression.apply(List.of(whole, half), Math.nextDown(0.5f), true));
    }

    @Test
    void equalScoresKeepTheirInputOrder() {
        Detection left = box(0, 0.5f, 0, 0.25f);
        Detection middle = box(0, 0.5f, 0.5f, 0.75f);
        Detection right = box(1, 0.5f, 0.75f, 1);
        assertEquals(List.of(middle, right, left), NonMaxSuppression.apply(List.of(middle, right, left), 0.5f, true));

        // Two equal boxes of equal score: the first one given survives.
        Detection first = new Detection(0, "first", 0.5f, 0, 0, 0.5f, 1);
        Detection second = new Detection(0, "second", 0.5f, 0, 0, 0.5f, 1);
        assertEquals(List.of(first), NonMaxSuppression.apply(List.of(first, second), 0.5f, true));
        assertEquals(List.of(second), NonMaxSuppression.apply(List.of(second, first), 0.5f, true));
    }

    @Test
    void aSuppressedBoxSuppressesNothing() {
        Detection best = box(0, 0.9f, 0, 0.4f);
        // IoU with best 0.3 / 0.5 = 0.6: suppressed.
        Detection middle = box(0, 0.8f, 0.1f, 0.5f);
        // IoU with middle 0.3 / 0.5 = 0.6, with best 0.2 / 0.6 = 0.33: kept, as middle is gone.
        Detection last = box(0, 0.7f, 0.2f, 0.6f);

        assertEquals(List.of(best, last), NonMaxSuppression.apply(List.of(last, middle, best), 0.5f, true));
    }
}
