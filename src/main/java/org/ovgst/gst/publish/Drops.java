package org.ovgst.gst.publish;

import java.time.Duration;

/**
 * Records dropped and not yet told: how many, between which frames, and since when. Each drop is
 * told once: {@link #take} says them and starts afresh.
 */
final class Drops {
    private long count;
    private long first;
    private long last;
    private long since;

    void add(long frame) {
        if (count++ == 0) {
            first = frame;
            since = System.nanoTime();
        }
        last = frame;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Milliseconds until the first untold drop is {@code every} old (0 or less: due). */
    long dueInMillis(Duration every) {
        return (since + every.toNanos() - System.nanoTime()) / 1_000_000;
    }

    /**
     * E.g. "57 records were dropped{when} (frames 100 to 156; {why})", "no record was
     * dropped{when}"; then none are untold.
     */
    String take(String when, String why) {
        String told = count == 0 ? "no record was dropped" + when
                : count == 1 ? "1 record was dropped" + when + " (frame " + first + "; " + why + ")"
                : count + " records were dropped" + when + " (frames " + first + " to " + last + "; " + why + ")";
        count = 0;
        return told;
    }
}
