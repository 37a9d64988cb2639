package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.gst.elements.OvDetect;

/**
 * End of stream at every batch size and number of requests, live or not, from the source or sent
 * to the pipeline (what gst-launch-1.0 -e on Ctrl-C and applications' send_event(EOS) do): every
 * frame that entered ovdetect comes out, then the end of stream; no deadlock. Frames are counted by
 * an ovmetapublish before ovdetect and one after it.
 */
class EndOfStreamTest {
    private static final int REPETITIONS = 20;
    /** Frames from the source when it ends the stream itself: a multiple of no batch size. */
    private static final int FRAMES = 37;
    private static final List<String> report = new ArrayList<>();

    static Stream<Arguments> grid() {
        List<Arguments> cases = new ArrayList<>();
        for (int batch : new int[] {1, 3, 8}) {
            for (int nireq : new int[] {1, 4}) {
                for (boolean live : new boolean[] {false, true}) {
                    for (boolean sentToPipeline : new boolean[] {false, true}) {
                        cases.add(Arguments.of(batch, nireq, live, sentToPipeline));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "batch-size={0} nireq={1} live={2} EOS sent to the pipeline={3}")
    @MethodSource("grid")
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyFrameThatEntersComesOutThenTheEndOfStream(int batch, int nireq, boolean live, boolean sentToPipeline,
            @TempDir Path dir) throws Exception {
        long framesIn = 0;
        for (int run = 0; run < REPETITIONS; run++) {
            Path in = dir.resolve("in" + run + ".jsonl");
            Path out = dir.resolve("out" + run + ".jsonl");
            AtomicLong inferred = new AtomicLong();
            AtomicBoolean sent = new AtomicBoolean();
            String description = "videotestsrc pattern=ball is-live=" + live
                    + (sentToPipeline ? "" : " num-buffers=" + FRAMES)
                    + " ! video/x-raw,format=BGR,width=64,height=48,framerate=" + (live ? 100 : 1000)
                    + "/1 ! ovmetapublish location=" + in + " ! ovdetect name=d model=" + FACE_MODEL + " batch-size="
                    + batch + " nireq=" + nireq + " ! ovmetapublish location=" + out + " ! fakesink sync=" + live;
            // Sent once a few batches went through, so that frames are in flight when it arrives.
            Pipeline.Outcome outcome = GstTestSupport.runInProcess(description, Duration.ofSeconds(30),
                    pipeline -> pipeline.element("d", OvDetect.class).addListener((f, pts, width, height, d) -> inferred.incrementAndGet()),
                    System.err::println, pipeline -> {
                        if (sentToPipeline && inferred.get() >= 2L * batch && !sent.getAndSet(true)) {
                            pipeline.sendEndOfStream();
                        }
                    });
            assertTrue(outcome.endOfStream(), "run " + run + ": " + outcome);
            long entered = lines(in);
            long left = lines(out);
            assertEquals(entered, left, "run " + run + ": frames into ovdetect and out of it");
            assertEquals(left, inferred.get(), "run " + run + ": frames the listener saw");
            if (!sentToPipeline) {
                assertEquals(FRAMES, entered, "run " + run + ": the source's frames");
            }
            framesIn += entered;
        }
        synchronized (report) {
            report.add(String.format("batch-size=%d nireq=%d live=%b sent=%b: %d runs, %d frames in = out", batch,
                    nireq, live, sentToPipeline, REPETITIONS, framesIn));
        }
    }

    private static long lines(Path file) throws Exception {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    @AfterAll
    static void printTheGrid() {
        report.forEach(line -> System.err.println("EndOfStreamTest: " + line));
    }
}
