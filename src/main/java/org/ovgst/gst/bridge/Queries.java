package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.UnaryOperator;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.VideoCaps;

/** How a bridge answers the queries its neighbours ask across it: its own caps, a forwarded answer, latency. */
final class Queries {
    /** GST_CLOCK_TIME_NONE. */
    private static final long CLOCK_TIME_NONE = -1L;

    private Queries() {}

    /**
     * Answers a caps query ({@code acceptCaps} false) or an accept-caps query with {@code caps}: for
     * a filter (NULL for none) the caps taken, a new reference, or null when the element has none of
     * its own (it passes frames through). Returns whether it answered.
     */
    static boolean answerCaps(MemorySegment query, boolean acceptCaps, UnaryOperator<MemorySegment> caps) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            if (!acceptCaps) {
                GstPads.queryParseCaps(query, slot);
                MemorySegment answer = caps.apply(slot.get(ADDRESS, 0));
                if (answer == null) {
                    return false;
                }
                GstPads.querySetCapsResult(query, answer);
                Gst.miniObjectUnref(answer);
                return true;
            }
            MemorySegment allowed = caps.apply(MemorySegment.NULL);
            if (allowed == null) {
                return false;
            }
            GstPads.queryParseAcceptCaps(query, slot);
            boolean accepted = GstPads.capsIsSubset(slot.get(ADDRESS, 0), allowed);
            GstPads.querySetAcceptCapsResult(query, accepted);
            Gst.miniObjectUnref(allowed);
            return true;
        }
    }

    /** What a forwarded reply is narrowed to: nothing (not a caps query), or a pad's template for a caps or accept-caps query. */
    enum Narrowing { NONE, CAPS, ACCEPT_CAPS }

    /**
     * Asks the peer of {@code through} (across the bin) and answers with its reply, narrowed to
     * {@code templatePad}'s template as {@code narrowing} says: caps that downstream takes but the
     * element does not are neither offered nor accepted. Returns whether the peer answered.
     */
    static boolean forward(MemorySegment through, MemorySegment query, Narrowing narrowing, MemorySegment templatePad) {
        if (!GstPads.padPeerQuery(through, query)) {
            return false;
        }
        switch (narrowing) {
            case CAPS -> VideoCaps.restrictCapsResult(query, templatePad);
            case ACCEPT_CAPS -> VideoCaps.restrictAcceptCapsResult(query, templatePad);
            case NONE -> { }
        }
        return true;
    }

    /** Whether upstream's answer to a latency query says it is live. */
    static boolean isLive(MemorySegment query) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment live = arena.allocate(JAVA_INT);
            GstPads.queryParseLatency(query, live, MemorySegment.NULL, MemorySegment.NULL);
            return live.get(JAVA_INT, 0) != 0;
        }
    }

    /** Adds {@code added} ns, what the element adds, to upstream's answer to a latency query. */
    static void addLatency(MemorySegment query, long added) {
        if (added <= 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment live = arena.allocate(JAVA_INT);
            MemorySegment min = arena.allocate(JAVA_LONG);
            MemorySegment max = arena.allocate(JAVA_LONG);
            GstPads.queryParseLatency(query, live, min, max);
            long upstreamMax = max.get(JAVA_LONG, 0);
            GstPads.querySetLatency(query, live.get(JAVA_INT, 0) != 0, min.get(JAVA_LONG, 0) + added,
                    upstreamMax == CLOCK_TIME_NONE ? CLOCK_TIME_NONE : upstreamMax + added);
        }
    }
}
