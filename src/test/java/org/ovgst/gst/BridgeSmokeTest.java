package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovgst.gst.gobject.TypeRegistry;

/** The appsink → Java → appsrc bridge alone, with a passthrough element: nothing lost, nothing reordered. */
@Timeout(60)
class BridgeSmokeTest {
    private static final String SOURCE = "videotestsrc pattern=ball num-buffers=120 ! "
            + "video/x-raw,format=BGR,width=64,height=48,framerate=300/1";

    @BeforeAll
    static void register() {
        PassthroughElement.register();
    }

    private static void run(String description) {
        try (Pipeline pipeline = Pipeline.parse(description)) {
            Pipeline.Outcome outcome = pipeline.run(System.err::println);
            assertTrue(outcome.ok(), outcome.toString());
        }
    }

    /** The frames that come out are byte for byte those of the same source without the element. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void framesComeOutUnchangedAndInOrder(boolean delayed, @TempDir Path dir) throws Exception {
        Path direct = dir.resolve("direct.raw");
        Path bridged = dir.resolve("bridged.raw");
        run(SOURCE + " ! filesink location=" + direct);
        run(SOURCE + " ! ovtestpass delayed=" + delayed + " ! filesink location=" + bridged);
        assertEquals(120L * 64 * 48 * 3, Files.size(bridged));
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(bridged));
    }

    /**
     * Caps queries cross the bridge both ways: a caps filter after the elements decides what the
     * source makes (the bridge once let its appsink and appsrc answer for it, and the source made its
     * default 320x240 BGRx, which the filter refused), and the appsrc makes no caps of its own.
     */
    @Test
    void downstreamCapsReachTheSourceThroughTheElements(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.raw");
        run("videotestsrc num-buffers=3 ! ovtestpass ! ovwatermark ! ovtestpass delayed=true"
                + " ! video/x-raw,format=RGB,width=40,height=30 ! filesink location=" + out);
        assertEquals(3L * 40 * 30 * 3, Files.size(out));
    }

    /** Preroll: the sink after the bridge prerolls, whether it syncs to the clock or not. */
    @ParameterizedTest
    @ValueSource(strings = {"fakesink sync=true", "fakesink sync=false"})
    void reachesEndOfStreamWithEverySink(String sink) {
        run(SOURCE + " ! ovtestpass delayed=true ! " + sink);
        run(SOURCE + " ! ovtestpass ! ovtestpass delayed=true ! " + sink);
    }

    /**
     * A fault in the Java code (here a NullPointerException while a frame passes) is an ERROR that
     * says it is one and where its details are, never Java's words for it.
     */
    @Test
    void aFaultInJavaIsAnInternalErrorWhoseCauseIsLeftToGstDebug() {
        PassthroughElement.observer = frame -> {
            throw new NullPointerException("Cannot read field \"value\" because \"x\" is null");
        };
        try (Pipeline pipeline = Pipeline.parse(SOURCE + " ! ovtestpass name=faulty ! fakesink")) {
            Pipeline.Outcome outcome = pipeline.run(System.err::println);
            assertEquals("an internal error in ovgst; please report it with what GST_DEBUG=ovtestpass:5 shows",
                    outcome.errorMessage(), outcome.toString());
            assertEquals("the cause, for ovgst's developers: GST_DEBUG=ovtestpass:5", outcome.errorDebug());
        } finally {
            PassthroughElement.observer = null;
        }
    }

    @Test
    void aPipelineCanRunManyTimes() {
        for (int i = 0; i < 10; i++) {
            run("videotestsrc num-buffers=5 ! video/x-raw,format=BGR,width=32,height=24 ! ovtestpass ! fakesink sync=true");
        }
        assertEquals(0, TypeRegistry.liveInstances());
    }
}
