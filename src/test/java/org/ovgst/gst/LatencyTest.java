package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The latency ovdetect reports covers the wait for a batch and its inference: a live 30 fps source
 * into a sink that syncs on the clock and drops frames 20 ms late (how video sinks behave) drops
 * none, at batch-size 1 and 8.
 */
class LatencyTest {
    private static final long FRAME = 1_000_000_000L / 30;

    @ParameterizedTest(name = "batch-size={0}")
    @ValueSource(ints = {1, 8})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSyncingSinkDropsNoFrame(int batch, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.jsonl");
        AtomicLong inferred = new AtomicLong();
        AtomicBoolean sent = new AtomicBoolean();
        long[] latency = {-1};
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true pattern=ball"
                + " ! video/x-raw,format=BGR,width=320,height=240,framerate=30/1 ! ovdetect name=d model=" + FACE_MODEL
                + " batch-size=" + batch + " ! ovmetapublish location=" + out
                + " ! fakesink name=sink sync=true qos=true max-lateness=20000000", Duration.ofSeconds(40),
                pipeline -> pipeline.element("d", OvDetect.class).addListener((f, pts, width, height, d) -> inferred.incrementAndGet()),
                System.err::println, pipeline -> {
                    if (inferred.get() >= 120 && !sent.getAndSet(true)) {
                        latency[0] = minLatency(pipeline.pointer());
                        pipeline.sendEndOfStream();
                    }
                });
        assertTrue(outcome.endOfStream(), outcome.toString());
        long frames;
        try (var lines = Files.lines(out)) {
            frames = lines.count();
        }
        assertTrue(frames >= 120, "frames: " + frames);
        assertTrue(latency[0] >= (batch - 1) * FRAME, "the pipeline's latency " + latency[0]
                + " ns covers a batch's wait of " + (batch - 1) * FRAME);
        System.err.printf("LatencyTest: batch-size=%d: %d frames, latency %.0f ms, dropped %d%n", batch, frames,
                latency[0] / 1e6, lastDropped);
        assertEquals(0, lastDropped, "frames the sink dropped as late");
    }

    /** What the sink's stats said when the pipeline ended: read in {@link #minLatency} as well. */
    private static long lastDropped = -1;

    /** The pipeline's minimum latency now (a latency query), and the sink's dropped count so far. */
    private static long minLatency(MemorySegment pipeline) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment query = (MemorySegment) GstLib.call("gst_query_new_latency");
            try {
                assertTrue(GstLib.isTrue(GstLib.call("gst_element_query", pipeline, query)), "latency query");
                MemorySegment live = arena.allocate(JAVA_INT);
                MemorySegment min = arena.allocate(JAVA_LONG);
                MemorySegment max = arena.allocate(JAVA_LONG);
                GstLib.call("gst_query_parse_latency", query, live, min, max);
                lastDropped = dropped(pipeline, arena);
                return min.get(JAVA_LONG, 0);
            } finally {
                GstLib.call("gst_mini_object_unref", query);
            }
        }
    }

    /** The {@code dropped} count of the sink's {@code stats} property. */
    private static long dropped(MemorySegment pipeline, Arena arena) {
        MemorySegment sink = (MemorySegment) GstLib.call("gst_bin_get_by_name", pipeline, arena.allocateFrom("sink"));
        MemorySegment value = arena.allocate(StructOffsets.size("GValue"), 8);
        try {
            GstLib.call("g_value_init", value, (long) GstLib.call("gst_structure_get_type"));
            GstLib.call("g_object_get_property", sink, arena.allocateFrom("stats"), value);
            MemorySegment stats = (MemorySegment) GstLib.call("g_value_get_boxed", value);
            MemorySegment dropped = arena.allocate(JAVA_LONG);
            assertTrue(GstLib.isTrue(GstLib.call("gst_structure_get_uint64", stats, arena.allocateFrom("dropped"),
                    dropped)), "the sink's stats have 'dropped'");
            return dropped.get(JAVA_LONG, 0);
        } finally {
            GstLib.call("g_value_unset", value);
            GstLib.call("gst_object_unref", sink);
        }
    }
}
