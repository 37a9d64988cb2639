package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.openvino.OpenVino;

/**
 * Two hundred NULL → PLAYING → NULL cycles of one pipeline with frames in flight: every cycle plays
 * and stops, and the process's threads (the JVM's, GStreamer's and OpenVINO's) and resident memory
 * stay bounded: a leak of a thread or a compiled model per cycle shows.
 */
class StateChurnTest {
    private static final int CYCLES = 200;
    private static final int NULL = 1;
    private static final int PLAYING = 4;
    private static final int FAILURE = 0;

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoHundredCyclesLeaveThreadsAndMemoryBounded() throws Exception {
        AtomicLong frames = new AtomicLong();
        Pipeline pipeline = Pipeline.parse("videotestsrc pattern=ball ! video/x-raw,format=BGR,width=64,height=48,"
                + "framerate=200/1 ! ovdetect name=d model=" + FACE_MODEL + " nireq=2 batch-size=2 ! ovwatermark"
                + " ! ovmetapublish location=/dev/null ! fakesink sync=true");
        pipeline.element("d", OvDetect.class).addListener((frame, pts, width, height, detections) -> frames.incrementAndGet());
        long[] threads = new long[CYCLES];
        long[] rss = new long[CYCLES];
        try {
            for (int i = 0; i < CYCLES; i++) {
                long before = frames.get();
                assertTrue(setState(pipeline, PLAYING) != FAILURE, "cycle " + i + ": PLAYING refused");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (frames.get() < before + 3) {
                    assertTrue(System.nanoTime() < deadline, "cycle " + i + ": no frame came out after PLAYING");
                    Thread.sleep(2);
                }
                assertTrue(setState(pipeline, NULL) != FAILURE, "cycle " + i + ": NULL refused");
                threads[i] = status("Threads");
                rss[i] = status("VmRSS");
            }
        } finally {
            pipeline.close();
        }
        // After the first cycles warm up (JIT, thread pools, the heap's first growth), nothing grows.
        long warm = 20;
        long threadGrowth = threads[CYCLES - 1] - threads[(int) warm];
        long rssGrowth = rss[CYCLES - 1] - rss[(int) warm];
        System.err.printf("StateChurnTest: %d cycles, %d frames; threads %d at cycle %d, %d at the end;"
                + " RSS %d MB at cycle %d, %d MB at the end%n", CYCLES, frames.get(), threads[(int) warm], warm,
                threads[CYCLES - 1], rss[(int) warm] / 1024, warm, rss[CYCLES - 1] / 1024);
        assertTrue(threadGrowth <= 4, "threads grew by " + threadGrowth);
        // A compiled face model with its requests is ~10 MB: a leak of one per cycle would add ~1.8 GB.
        assertTrue(rssGrowth < 150 * 1024, "RSS grew by " + rssGrowth / 1024 + " MB");
        assertEquals(Map.of(), OpenVino.liveHandles());
    }

    private static int setState(Pipeline pipeline, int state) throws Exception {
        return CompletableFuture.supplyAsync(() -> Gst.elementSetState(pipeline.pointer(),
                state)).get(15, TimeUnit.SECONDS);
    }

    /** A count from /proc/self/status: {@code Threads}, or {@code VmRSS} in kB. */
    private static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no " + field + " in /proc/self/status");
    }
}
