package org.ovgst.infer.track;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovgst.infer.track.IouTracker.Box;
import org.ovgst.infer.track.IouTracker.Settings;

/** The tracker on boxes whose motion is known exactly. */
class IouTrackerTest {
    private static final Settings DEFAULTS = new Settings(0.3, 5, 1);

    private static Box face(double x, double y) {
        return new Box(x, y, 40, 40, "face");
    }

    @Test
    void aBoxMovingByAKnownOffsetKeepsItsId() {
        IouTracker tracker = new IouTracker(DEFAULTS);
        for (int frame = 0; frame < 50; frame++) {
            assertArrayEquals(new long[] {1}, tracker.update(List.of(face(3 * frame, 2 * frame))), "frame " + frame);
        }
    }

    /** Two faces cross head-on, 6 px a frame each (40 px wide): each keeps its own id, also while they overlap. */
    @Test
    void twoObjectsThatCrossKeepTheirIds() {
        IouTracker tracker = new IouTracker(DEFAULTS);
        for (int frame = 0; frame < 40; frame++) {
            Box right = face(6 * frame, 100);
            Box left = face(240 - 6 * frame, 104);
            long[] ids = tracker.update(frame % 2 == 0 ? List.of(right, left) : List.of(left, right));
            assertArrayEquals(frame % 2 == 0 ? new long[] {1, 2} : new long[] {2, 1}, ids, "frame " + frame);
        }
    }

    /** Gone for up to max-age frames: the same id when it comes back where it was; longer: a new one. */
    @Test
    void anObjectThatLeavesAndReturnsKeepsItsIdWithinMaxAge() {
        IouTracker tracker = new IouTracker(DEFAULTS);
        tracker.update(List.of(face(0, 0), face(200, 0)));
        for (int gone = 0; gone < 5; gone++) {
            assertArrayEquals(new long[] {1}, tracker.update(List.of(face(0, 0))));
        }
        assertArrayEquals(new long[] {1, 2}, tracker.update(List.of(face(0, 0), face(205, 3))), "back after 5");
        for (int gone = 0; gone < 6; gone++) {
            tracker.update(List.of(face(0, 0)));
        }
        assertArrayEquals(new long[] {1, 3}, tracker.update(List.of(face(0, 0), face(205, 3))), "back after 6");
    }

    @Test
    void idsAreNeverGivenTwiceInAStream() {
        IouTracker tracker = new IouTracker(new Settings(0.3, 0, 1));
        Set<Long> seen = new HashSet<>();
        for (int frame = 0; frame < 30; frame++) {
            // Every frame a face far from the last one: every track dies at once, every box starts a new one.
            long id = tracker.update(List.of(face(100 * (frame % 2), 0)))[0];
            assertEquals(frame + 1, id);
            seen.add(id);
        }
        assertEquals(30, seen.size());
        tracker.forgetTracks();
        assertArrayEquals(new long[] {31}, tracker.update(List.of(face(0, 0))), "after a seek, ids go on");
    }

    @Test
    void aTrackGetsItsIdAfterMinHitsFrames() {
        IouTracker tracker = new IouTracker(new Settings(0.3, 5, 3));
        List<long[]> ids = new ArrayList<>();
        for (int frame = 0; frame < 4; frame++) {
            ids.add(tracker.update(List.of(face(frame, 0))));
        }
        assertArrayEquals(new long[] {0}, ids.get(0));
        assertArrayEquals(new long[] {0}, ids.get(1));
        assertArrayEquals(new long[] {1}, ids.get(2));
        assertArrayEquals(new long[] {1}, ids.get(3));
    }

    @Test
    void boxesOfAnotherLabelOrTooLittleOverlapStartNewTracks() {
        IouTracker tracker = new IouTracker(DEFAULTS);
        tracker.update(List.of(face(0, 0)));
        assertArrayEquals(new long[] {2}, tracker.update(List.of(new Box(0, 0, 40, 40, "palm"))));
        // 40x40 shifted by 28 px: IoU 12*40 / (2*1600 - 480) = 0.176 < 0.3
        assertArrayEquals(new long[] {3}, tracker.update(List.of(face(28, 0))));
        assertEquals(0.176, IouTracker.iou(face(0, 0), face(28, 0)), 0.001);
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0.5, 5, 0));
    }
}
