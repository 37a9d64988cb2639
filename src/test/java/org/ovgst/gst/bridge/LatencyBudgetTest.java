package org.ovgst.gst.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * How the reported latency moves with the frames' own times, at 25 fps (a frame every 40 ms, so
 * that 25 frames fill a window of one second exactly): exact values from the rules in
 * {@link LatencyBudget}.
 */
class LatencyBudgetTest {
    private static final long MS = 1_000_000L;
    private static final long FRAME = 1_000_000_000L / 25;

    /** Feeds {@code seconds} of frames at 25 fps that each took {@code own}, from {@code clock[0]} on. */
    private static int feed(LatencyBudget budget, long[] clock, double seconds, long own) {
        int changes = 0;
        for (int i = 0; i < Math.round(seconds * 25); i++) {
            clock[0] += FRAME;
            changes += budget.frameLeft(own, clock[0]) ? 1 : 0;
        }
        return changes;
    }

    @Test
    void startsWithTheBatchWaitAndTheFirstAllowance() {
        LatencyBudget budget = new LatencyBudget(3 * FRAME, FRAME, 40 * MS);
        assertEquals(3 * FRAME + 40 * MS, budget.reported());
        assertEquals(40 * MS, budget.allowance());
    }

    @Test
    void theFirstSecondRisesAtOnceThenComesDown() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 10 * MS);
        long[] clock = {0};
        assertTrue(budget.frameLeft(120 * MS, clock[0] += FRAME), "the first frame");
        assertEquals(150 * MS, budget.reported(), "1.25 x 120 ms at once");
        assertEquals(LatencyBudget.Change.FIRST_FRAMES, budget.lastChange());
        assertFalse(budget.frameLeft(100 * MS, clock[0] += FRAME));
        assertEquals(0, feed(budget, clock, 30, 4 * MS), "thirty windows before coming down");
        assertEquals(29, feed(budget, clock, 31, 4 * MS), "150 ms -> 145 -> ... -> 10 -> 5");
        assertEquals(5 * MS, budget.reported());
        assertEquals(LatencyBudget.Change.QUICKER, budget.lastChange());
    }

    @Test
    void aStallOfASecondChangesNothing() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 10 * MS);
        long[] clock = {0};
        assertEquals(0, feed(budget, clock, 5, 5 * MS));
        assertEquals(0, feed(budget, clock, 1, 1500 * MS), "frames that took 1.5 s for one second");
        assertEquals(0, feed(budget, clock, 10, 5 * MS));
        assertEquals(10 * MS, budget.reported());
    }

    @Test
    void aSlowdownThatLastsIsCoveredAfterThreeSeconds() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 10 * MS);
        long[] clock = {0};
        feed(budget, clock, 4, 5 * MS);
        assertEquals(0, feed(budget, clock, 2, 40 * MS), "not yet three windows over");
        assertEquals(1, feed(budget, clock, 1.1, 40 * MS));
        assertEquals(50 * MS, budget.reported(), "1.25 x 40 ms");
        assertEquals(LatencyBudget.Change.SLOWER, budget.lastChange());
        assertEquals(0, feed(budget, clock, 40, 40 * MS), "covered: no more changes");
    }

    @Test
    void itRisesToTheLeastOfTheWindowsLongest() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 10 * MS);
        long[] clock = {0};
        feed(budget, clock, 4, 5 * MS);
        feed(budget, clock, 1, 80 * MS);
        feed(budget, clock, 1, 20 * MS);
        feed(budget, clock, 1, 60 * MS);
        feed(budget, clock, 0.2, 60 * MS);
        assertEquals(25 * MS, budget.reported(), "1.25 x 20 ms, the least of 80, 20 and 60");
    }

    @Test
    void itComesDownInStepsOfFiveMillisecondsOnceThirtySecondsWereQuicker() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 50 * MS);
        long[] clock = {0};
        assertEquals(0, feed(budget, clock, 30, 4 * MS), "thirty windows first");
        assertEquals(9, feed(budget, clock, 12, 4 * MS), "50 ms -> 45 -> ... -> 10 -> 5");
        assertEquals(5 * MS, budget.reported(), "1.25 x 4 ms");
        assertEquals(0, feed(budget, clock, 60, 4 * MS));
    }

    @Test
    void stepsDownAreHalfAFrameAtMost() {
        long fastFrame = 1_000_000_000L / 240;
        LatencyBudget budget = new LatencyBudget(0, fastFrame, 50 * MS);
        long[] clock = {0};
        assertEquals(1, feed(budget, clock, 30.2, 0));
        assertEquals(50 * MS - fastFrame / 2, budget.reported(), "240 fps: 2.08 ms a step");
        LatencyBudget unknownRate = new LatencyBudget(0, 0, 50 * MS);
        feed(unknownRate, new long[] {0}, 30.2, 0);
        assertEquals(45 * MS, unknownRate.reported(), "an unknown frame rate: 5 ms a step");
    }

    @Test
    void theBatchWaitIsNotTakenForProcessing() {
        // batch-size 4: the first frame of a batch waits three frames, then the inference (12 ms).
        LatencyBudget budget = new LatencyBudget(3 * FRAME, FRAME, 8 * MS);
        long[] clock = {0};
        assertEquals(1, feed(budget, clock, 60, 3 * FRAME + 12 * MS), "the first frame");
        assertEquals(3 * FRAME + 15 * MS, budget.reported(), "the batch wait and 1.25 x 12 ms");
    }

    @Test
    void framesThatTakeWhatIsReportedNeverChangeIt() {
        LatencyBudget budget = new LatencyBudget(0, FRAME, 30 * MS);
        long[] clock = {0};
        for (int i = 0; i < 25 * 600; i++) {
            assertFalse(budget.frameLeft(budget.reported(), clock[0] += FRAME));
        }
    }
}
