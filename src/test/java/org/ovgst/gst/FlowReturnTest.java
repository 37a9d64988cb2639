package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ovgst.gst.GstTestSupport.FACE_MODEL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.Downstream;
import org.ovgst.gst.bridge.FrameOps;

/**
 * Flow returns from downstream travel upstream through every element as through GStreamer's own
 * (identity is the yardstick): EOS, NOT_LINKED, NOT_NEGOTIATED (named, with the caps), FLUSHING.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlowReturnTest {
    private static final String CAPS = "video/x-raw,format=BGR,width=320,height=240";

    static Stream<Arguments> elements() {
        return Stream.of(Arguments.of("identity"), Arguments.of("ovwatermark"),
                Arguments.of("ovdetect model=" + FACE_MODEL),
                Arguments.of("ovdetect model=" + FACE_MODEL + " async=false"),
                Arguments.of("ovdetect model=" + FACE_MODEL + " batch-size=8 nireq=2"),
                Arguments.of("ovmetapublish location=/dev/null"));
    }

    static Stream<Arguments> elementsLiveOrNot() {
        return elements().flatMap(e -> Stream.of(Arguments.of(e.get()[0], false), Arguments.of(e.get()[0], true)));
    }

    /** {@code identity eos-after=10} answers EOS: the source stops and the pipeline ends. */
    @ParameterizedTest(name = "{0} live={1}")
    @MethodSource("elementsLiveOrNot")
    void aDownstreamEndOfStreamEndsThePipeline(String element, boolean live) {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=" + live + " ! " + CAPS
                + ",framerate=100/1 ! " + element + " ! identity eos-after=10 ! fakesink", Duration.ofSeconds(30),
                p -> { });
        assertTrue(outcome.endOfStream(), outcome.toString());
    }

    /** An unlinked source pad: the source reports not-linked, as it does behind identity. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elements")
    void notLinkedReachesTheSource(String element) {
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=50 ! " + CAPS + " ! "
                + element + " name=tested", Duration.ofSeconds(30), p -> { });
        assertTrue(!outcome.ok() && outcome.errorSource().endsWith("GstVideoTestSrc:videotestsrc" + number(outcome)),
                outcome.toString());
        assertTrue(outcome.errorDebug().contains("reason not-linked"), outcome.toString());
    }

    /**
     * Downstream refuses the format from the start: the elements answer caps queries for what they
     * pass as identity does, so gst_parse_launch refuses to link them to the filter, as it refuses
     * identity, with the same words.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elements")
    void aFormatDownstreamRefusesIsRefusedWhenLinking(String element) {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GstTestSupport.runInProcess("videotestsrc num-buffers=50 ! " + CAPS + " ! " + element
                        + " name=tested ! video/x-raw,format=RGB ! fakesink", Duration.ofSeconds(30), p -> { }));
        assertTrue(refused.getMessage().contains("could not link tested to fakesink")
                && refused.getMessage().contains("tested can't handle caps video/x-raw, format=(string)RGB"),
                refused.getMessage());
    }

    /**
     * The appsrc inside an element reports a flow return from downstream as its own "Internal data
     * stream error": that message never leaves the element; not-negotiated becomes the element's
     * own error, which names the video it sends.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elements")
    void theInnerSourcesFlowErrorsStayInside(String element) {
        if (element.equals("identity")) {
            return; // no inner source
        }
        String inner = element.substring(0, element.indexOf(' ') < 0 ? element.length() : element.indexOf(' '))
                + "-out";
        AtomicBoolean posted = new AtomicBoolean();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true ! " + CAPS
                + ",framerate=100/1 ! " + element + " name=tested ! fakesink name=sink", Duration.ofSeconds(30),
                p -> { }, System.err::println, pipeline -> {
                    // Once frames went through, so that the element knows what it sends.
                    if (hasCaps(byName(pipeline, "sink")) && !posted.getAndSet(true)) {
                        postFlowError(byName(byName(pipeline, "tested"), inner), BridgeBin.FLOW_NOT_NEGOTIATED);
                    }
                });
        assertTrue(!outcome.ok() && outcome.errorSource().endsWith(":tested"), outcome.toString());
        assertTrue(outcome.errorMessage().contains("downstream refuses the video this element sends (video/x-raw")
                && outcome.errorMessage().contains("BGR") && outcome.errorMessage().contains("videoconvert"),
                outcome.toString());
    }

    /** What GStreamer's GST_ELEMENT_FLOW_ERROR posts from a source whose push failed. */
    private static void postFlowError(MemorySegment source, int flow) {
        try (Arena arena = Arena.ofConfined()) {
            int domain = Gst.streamErrorQuark();
            MemorySegment error = GLib.errorNewLiteral(domain, 1, arena.allocateFrom("Internal data stream error."));
            MemorySegment message = Gst.messageNewError(source, error,
                    arena.allocateFrom("streaming stopped, reason " + Downstream.flowName(flow) + " (" + flow + ")"));
            GLib.errorFree(error);
            Gst.elementPostMessage(source, message);
        }
    }

    /**
     * The sink goes to NULL while the rest plays: downstream answers FLUSHING, the element passes it
     * on, and the source stops pushing (its last flow return is FLUSHING) instead of waiting forever.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elements")
    void aFlushingDownstreamStopsTheSource(String element) throws Exception {
        Pipeline pipeline = Pipeline.parse("videotestsrc name=source is-live=true ! " + CAPS + ",framerate=100/1 ! "
                + element + " ! fakesink name=sink sync=false async=false");
        AtomicLong ticks = new AtomicLong();
        int[] sourceFlow = {0};
        try {
            long[] stoppedAt = {-1};
            Pipeline.Outcome outcome = pipeline.run(System.err::println, () -> {
                long tick = ticks.incrementAndGet();
                // Only once the pipeline is PLAYING: a pending state change would set the sink back.
                if (stoppedAt[0] < 0 && isPlaying(pipeline.pointer())) {
                    Gst.elementSetState(byName(pipeline, "sink"), 1);
                    stoppedAt[0] = tick;
                }
                if (stoppedAt[0] >= 0 && tick > stoppedAt[0]) {
                    sourceFlow[0] = lastFlowOfSourcePad(pipeline);
                    if (sourceFlow[0] == BridgeBin.FLOW_FLUSHING || tick > stoppedAt[0] + 50) {
                        pipeline.sendEndOfStream();
                        throw new Stop();
                    }
                }
            });
            throw new AssertionError("ended by itself: " + outcome);
        } catch (Stop stopped) {
            assertEquals(BridgeBin.FLOW_FLUSHING, sourceFlow[0], "the source's last flow return, after "
                    + ticks.get() + " looks");
        } finally {
            pipeline.close();
        }
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** Whether the element's sink pad has received caps. */
    private static boolean hasCaps(MemorySegment element) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pad = Gst.elementGetStaticPad(element, arena.allocateFrom("sink"));
            try {
                return GstPads.padHasCurrentCaps(pad);
            } finally {
                Gst.objectUnref(pad);
            }
        }
    }

    /** Whether the element is PLAYING with no state change pending. */
    private static boolean isPlaying(MemorySegment element) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            MemorySegment pending = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            Gst.elementGetState(element, state, pending, 0L);
            return state.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) == 4
                    && pending.get(java.lang.foreign.ValueLayout.JAVA_INT, 0) == 0;
        }
    }

    private static int lastFlowOfSourcePad(Pipeline pipeline) {
        MemorySegment source = byName(pipeline, "source");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pad = Gst.elementGetStaticPad(source, arena.allocateFrom("src"));
            try {
                return FrameOps.lastFlowReturn(pad);
            } catch (Throwable t) {
                throw new AssertionError(t);
            } finally {
                Gst.objectUnref(pad);
            }
        }
    }

    private static MemorySegment byName(Pipeline pipeline, String name) {
        return byName(pipeline.pointer(), name);
    }

    private static MemorySegment byName(MemorySegment bin, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment element = Gst.binGetByName(bin, arena.allocateFrom(name));
            Gst.objectUnref(element); // the pipeline keeps it alive
            return element;
        }
    }

    /** The number GStreamer gave the pipeline's elements in this JVM: videotestsrc12 in pipeline12. */
    private static String number(Pipeline.Outcome outcome) {
        String source = outcome.errorSource();
        return source.substring(source.lastIndexOf("videotestsrc") + "videotestsrc".length());
    }
}
