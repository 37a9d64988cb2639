package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.gst.gobject.TypeRegistry;
import org.ovgst.openvino.OpenVino;

/**
 * NULL → PLAYING → NULL while frames are in flight (in the engine, in the appsrc queues, waiting on a
 * synchronizing sink): no crash, no hang, nothing left behind. Pipeline has no play/stop API, so the
 * test drives gst_element_set_state itself.
 */
class StateCycleTest {
    private static final int NULL = 1;
    private static final int PLAYING = 4;
    private static final int FAILURE = 0;

    private static final String DESCRIPTION = "videotestsrc is-live=false pattern=ball num-buffers=100000 ! "
            + "video/x-raw,format=BGR,width=64,height=48,framerate=200/1 ! ovdetect name=d model=" + FACE_MODEL
            + " nireq=4 batch-size=3 ! ovwatermark ! ovmetapublish location=/dev/null ! fakesink sync=true";

    private static int setState(Pipeline pipeline, int state) throws Exception {
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(
                () -> Gst.elementSetState(pipeline.pointer(), state));
        try {
            return result.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("gst_element_set_state(" + state + ") hangs\n" + GstTestSupport.threadDump());
        }
    }

    private static void cycle(Pipeline pipeline, AtomicLong frames, Random random, int n) throws Exception {
        long before = frames.get();
        assertTrue(setState(pipeline, PLAYING) != FAILURE, "cycle " + n + ": PLAYING refused");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (frames.get() == before) {
            assertTrue(System.nanoTime() < deadline, "cycle " + n + ": no frame came out after PLAYING");
            Thread.sleep(5);
        }
        Thread.sleep(100 + random.nextInt(200));
        assertTrue(setState(pipeline, NULL) != FAILURE, "cycle " + n + ": NULL refused");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twentyCyclesWithFramesInFlight() throws Exception {
        Random random = new Random(7);
        AtomicLong frames = new AtomicLong();
        // Ten cycles of one pipeline: the elements restart from NULL each time.
        Pipeline pipeline = Pipeline.parse(DESCRIPTION);
        pipeline.element("d", OvDetect.class).addListener((frame, pts, width, height, detections) -> frames.incrementAndGet());
        for (int i = 0; i < 10; i++) {
            cycle(pipeline, frames, random, i);
        }
        pipeline.close();
        // Ten fresh pipelines, stopped once each and freed right away.
        for (int i = 10; i < 20; i++) {
            Pipeline fresh = Pipeline.parse(DESCRIPTION);
            fresh.element("d", OvDetect.class).addListener((frame, pts, width, height, detections) -> frames.incrementAndGet());
            cycle(fresh, frames, random, i);
            fresh.close();
        }
        assertTrue(frames.get() >= 20, "frames: " + frames.get());
        // Finalization can lag a little behind the last unref (GStreamer's own threads drop their refs).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((TypeRegistry.liveInstances() != 0 || !OpenVino.liveHandles().isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Map.of(), OpenVino.liveHandles());
        assertEquals(0, TypeRegistry.liveInstances());
    }
}
