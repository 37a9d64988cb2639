package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.gst.gobject.TypeRegistry;

/**
 * Nothing lost, nothing reordered, timestamps untouched, for every combination of requests in
 * flight, batch size and async mode; 997 frames is not a multiple of any batch size, so a
 * partial last batch has to be flushed at end of stream.
 */
class OrderAndLossTest {
    private static final int FRAMES = 997;
    private static long totalNanos;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int nireq : new int[] {1, 2, 4, 7}) {
            for (int batch : new int[] {1, 3, 8}) {
                for (boolean async : new boolean[] {true, false}) {
                    cases.add(Arguments.of(nireq, batch, async));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "nireq={0} batch-size={1} async={2}")
    @MethodSource("cases")
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyFrameComesOutOnceInOrderWithItsTimestamp(int nireq, int batch, boolean async, @TempDir Path dir)
            throws Exception {
        Path json = dir.resolve("meta.jsonl");
        long[] listened = {0};
        String[] outOfOrder = {null};
        long start = System.nanoTime();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=" + FRAMES + " pattern=ball ! "
                + "video/x-raw,format=BGR,width=64,height=48,framerate=1000/1 ! ovdetect name=d model=" + FACE_MODEL
                + " nireq=" + nireq + " batch-size=" + batch + " async=" + async + " ! ovmetapublish location=" + json
                + " ! fakesink sync=false", java.time.Duration.ofSeconds(30),
                pipeline -> pipeline.element("d", OvDetect.class).addListener((frame, pts, width, height, detections) -> {
                    if (frame != listened[0]++ && outOfOrder[0] == null) {
                        outOfOrder[0] = "listener got frame " + frame + " as number " + (listened[0] - 1);
                    }
                }));
        assertTrue(outcome.ok(), outcome.toString());
        totalNanos += System.nanoTime() - start;
        assertEquals(null, outOfOrder[0]);
        assertEquals(FRAMES, listened[0], "frames the listener saw");
        List<GstTestSupport.Frame> frames = GstTestSupport.readFrames(json);
        assertEquals(FRAMES, frames.size());
        long lastPts = -1;
        for (int i = 0; i < FRAMES; i++) {
            GstTestSupport.Frame f = frames.get(i);
            assertEquals(i, f.frame(), "frame number at line " + i);
            assertEquals(i * 1_000_000L, f.timestamp(), "pts of frame " + i);
            assertTrue(f.timestamp() > lastPts);
            lastPts = f.timestamp();
            assertEquals(64, f.width());
            assertEquals(48, f.height());
        }
    }

    @AfterAll
    static void report() {
        System.err.printf("OrderAndLossTest: 24 pipelines of %d frames in %.1f s%n", FRAMES, totalNanos / 1e9);
        assertEquals(0, TypeRegistry.liveInstances());
    }
}
