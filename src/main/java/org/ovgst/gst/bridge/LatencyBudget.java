package org.ovgst.gst.bridge;

/**
 * The latency an inference element reports: the wait for a batch ({@code batch-size - 1} frame
 * durations, from its configuration) plus an allowance for processing, which follows the time
 * frames really spend being processed in the element, and never the time they wait for downstream.
 *
 * <p>Why the wait for downstream is left out: a live pipeline's sinks hold every frame until its
 * running time plus the pipeline's latency. Frames they hold back up into the elements before them;
 * an element that counted that wait as its own would report more, the sinks would hold frames
 * longer, frames would wait longer still — a loop that took a live pipeline from 100 ms to 73 s of
 * latency in 41 s, after which it looked stopped. The caller gives each frame's own time: from its
 * arrival to its hand-over, minus what the element spent waiting for room downstream meanwhile.
 *
 * <p>How the allowance moves:
 * <ul>
 * <li>It starts at what the model's compilation measured (twice its first inference), and in the
 *     first second rises at once, frame by frame, to 1.25 times what a frame took: the first frames
 *     take longer (code and native calls used the first time), and the start of a live stream must
 *     not be late. What that start needed comes down again as below.</li>
 * <li>It rises only when frames took longer than reported in each of {@value #SUSTAINED} windows of a
 *     second in a row, to 1.25 times the least of those windows' longest times (the batch's wait
 *     aside): a slowdown that lasts (a busy
 *     machine, a scene with many regions) is covered; a moment's stall (a GC pause, a burst of CPU
 *     load) makes a few frames late and changes nothing.</li>
 * <li>It comes down once the frames of the last {@value #SETTLE_WINDOWS} windows all took less than
 *     it, with a margin, by at most {@link #MAX_STEP_NANOS} (and half a frame) per window: a lower
 *     latency makes the frames on their way late by the step.</li>
 * </ul>
 * It never reports more than frames were measured to need for a second-long stretch, so no wait
 * of any kind can feed it back. Not thread-safe: one thread (the one that sends frames) calls
 * {@link #frameLeft}; {@link #reported} may be read from any thread.
 */
public final class LatencyBudget {
    /** Length of a window of frame times. */
    static final long WINDOW_NANOS = 1_000_000_000L;
    /** Windows in a row over the allowance before it rises. */
    static final int SUSTAINED = 3;
    /** Windows all under the allowance (with the margin) before it comes down. */
    static final int SETTLE_WINDOWS = 30;
    /**
     * The largest step down, per window: frames on their way are late by the step, video sinks drop
     * frames 20 ms late, and a pipeline may have several inference elements stepping down at once.
     */
    static final long MAX_STEP_NANOS = 5_000_000L;

    /** The wait for a batch to fill: set by the configuration. */
    private volatile long batchWait;
    private final long frameDuration;
    private volatile long allowance;

    /** The longest own time of the current window and of the windows before it, newest first. */
    private long windowStart = -1;
    private long windowMax;
    private final long[] windowMaxes = new long[SETTLE_WINDOWS];
    /** Why the allowance changed last: for the log. */
    public enum Change {
        /** A frame of the first second took longer. */
        FIRST_FRAMES,
        /** Frames took longer for {@link #SUSTAINED} windows in a row. */
        SLOWER,
        /** Frames took less for {@link #SETTLE_WINDOWS} windows. */
        QUICKER;

        public String why() {
            return switch (this) {
                case FIRST_FRAMES -> "a frame of the first second took longer";
                case SLOWER -> "frames took longer for " + SUSTAINED + " s";
                case QUICKER -> "frames took less for " + SETTLE_WINDOWS + " s";
            };
        }
    }

    private Change lastChange;

    /** Windows measured since the last change, at most {@link #SETTLE_WINDOWS}. */
    private int windows;
    /** Whether the frames are those of the first second. */
    private boolean firstWindow;

    /**
     * @param batchWait what frames wait for their batch to fill, ns
     * @param frameDuration the frames' duration, ns; 0 when unknown
     * @param firstAllowance the processing allowance to start with, ns
     */
    public LatencyBudget(long batchWait, long frameDuration, long firstAllowance) {
        this.batchWait = Math.max(0, batchWait);
        this.frameDuration = Math.max(0, frameDuration);
        this.allowance = Math.max(0, firstAllowance);
    }

    /** The configuration changed how long batches wait for their frames (inference-interval). */
    public void setBatchWait(long nanos) {
        batchWait = Math.max(0, nanos);
    }

    /** The latency to report, ns. */
    public long reported() {
        return batchWait + allowance;
    }

    /** Why {@link #frameLeft} last changed the allowance; null before any change. */
    public Change lastChange() {
        return lastChange;
    }

    /** The processing allowance within {@link #reported}, ns. */
    public long allowance() {
        return allowance;
    }

    /**
     * A frame left after {@code ownNanos} of its own (waits for downstream left out), at {@code now}
     * ({@code System.nanoTime}). Returns whether {@link #reported} changed.
     */
    public boolean frameLeft(long ownNanos, long now) {
        if (windowStart < 0) {
            windowStart = now;
            firstWindow = true;
        }
        boolean changed = false;
        if (now - windowStart >= WINDOW_NANOS) {
            changed = windowEnded(windowMax);
            windowStart = now;
            windowMax = 0;
            firstWindow = false;
        }
        windowMax = Math.max(windowMax, ownNanos);
        if (firstWindow && ownNanos > batchWait + allowance) {
            allowance = withMargin(ownNanos - batchWait);
            lastChange = Change.FIRST_FRAMES;
            return true;
        }
        return changed;
    }

    /** Ends a window whose frames took at most {@code longest}; returns whether the allowance changed. */
    private boolean windowEnded(long longest) {
        System.arraycopy(windowMaxes, 0, windowMaxes, 1, SETTLE_WINDOWS - 1);
        windowMaxes[0] = longest;
        windows = Math.min(windows + 1, SETTLE_WINDOWS);
        long current = allowance;
        if (windows >= SUSTAINED) {
            long leastOver = Long.MAX_VALUE;
            for (int i = 0; i < SUSTAINED; i++) {
                leastOver = Math.min(leastOver, windowMaxes[i]);
            }
            if (leastOver > batchWait + current) {
                allowance = withMargin(leastOver - batchWait);
                lastChange = Change.SLOWER;
                windows = 0; // the next change waits for windows measured under the new allowance
                return true;
            }
        }
        if (windows >= SETTLE_WINDOWS) {
            long longestSettled = 0;
            for (long max : windowMaxes) {
                longestSettled = Math.max(longestSettled, max);
            }
            long target = withMargin(Math.max(0, longestSettled - batchWait));
            if (target < current) {
                long step = frameDuration > 0 ? Math.min(MAX_STEP_NANOS, frameDuration / 2) : MAX_STEP_NANOS;
                allowance = Math.max(target, current - step);
                lastChange = Change.QUICKER;
                return true;
            }
        }
        return false;
    }

    private static long withMargin(long nanos) {
        return nanos + nanos / 4;
    }
}
