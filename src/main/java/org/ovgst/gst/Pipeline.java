package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstMessage;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.gobject.Element;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.TypeRegistry;

/**
 * A pipeline from a gst-launch-1.0 description, parsed by GStreamer's own parser, with our elements
 * registered in this process: what {@code ovgst launch} and the demo run.
 */
public final class Pipeline implements AutoCloseable {
    /** How a run ended: at end of stream, or with the first error (its element and message). */
    public record Outcome(boolean endOfStream, String errorSource, String errorMessage, String errorDebug) {
        public boolean ok() {
            return endOfStream && errorMessage == null;
        }
    }

    private static final int TIME_FORMAT = 3;

    private final MemorySegment pipeline;
    private final MemorySegment bus;

    private Pipeline(MemorySegment pipeline) {
        this.pipeline = pipeline;
        this.bus = Gst.elementGetBus(pipeline);
    }

    /** Parses a description; a syntax error or unknown element is an IllegalArgumentException with GStreamer's words. */
    public static Pipeline parse(String description) {
        Plugin.registerInProcess();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(ADDRESS);
            MemorySegment pipeline = Gst.parseLaunch(arena.allocateFrom(description), error);
            String problem = takeError(error.get(ADDRESS, 0));
            if (pipeline.equals(MemorySegment.NULL) || problem != null) {
                String hint = "";
                if (!pipeline.equals(MemorySegment.NULL)) {
                    hint = formatHint(problem, pipeline);
                    Gst.objectUnref(pipeline);
                }
                throw new IllegalArgumentException("the pipeline could not be constructed: " + problem + hint);
            }
            return new Pipeline(pipeline);
        }
    }

    private static final java.util.regex.Pattern REFUSED_CAPS = java.util.regex.Pattern.compile(
            "could not link (\\S+) to (\\S+), \\2 can't handle caps");

    /** For frames of a format one of our elements does not take: what to put before it. */
    private static String formatHint(String problem, MemorySegment pipeline) {
        java.util.regex.Matcher refused = REFUSED_CAPS.matcher(problem == null ? "" : problem);
        if (!refused.find()) {
            return "";
        }
        String name = refused.group(2);
        String factory;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment element = Gst.binGetByName(pipeline, arena.allocateFrom(name));
            if (element.equals(MemorySegment.NULL)) {
                return "";
            }
            factory = GstLib.takeString(Gst.objectGetName(Gst.elementGetFactory(element)));
            Gst.objectUnref(element);
        }
        for (ElementSpec spec : Plugin.elements()) {
            if (spec.factoryName().equals(factory)) {
                String formats = VideoCaps.formats(spec.sinkCaps());
                return "; insert videoconvert before " + name + (formats != null ? " (" + factory + " takes "
                        + formats + ")" : "");
            }
        }
        return "";
    }

    /**
     * Sets PLAYING and waits until end of stream or the first error. Warnings go to {@code warnings},
     * each with its debug text on a second line when it has one (as gst-launch-1.0 shows them).
     */
    public Outcome run(java.util.function.Consumer<String> warnings) {
        return run(warnings, () -> { });
    }

    /** Like {@link #run(java.util.function.Consumer)}, calling {@code tick} about ten times a second. */
    public Outcome run(java.util.function.Consumer<String> warnings, Runnable tick) {
        if (Gst.elementSetState(pipeline, Element.STATE_PLAYING) == Element.STATE_CHANGE_FAILURE) {
            // The element that refused posted its ERROR during the change, maybe after warnings.
            while (Gst.busHavePending(bus)) {
                Outcome early = poll(Duration.ZERO, warnings);
                if (early != null) {
                    return early;
                }
            }
            return new Outcome(false, null, "the pipeline refused to start", null);
        }
        while (true) {
            Outcome outcome = poll(Duration.ofMillis(100), warnings);
            if (outcome != null) {
                return outcome;
            }
            tick.run();
        }
    }

    /** Asks the sources to finish: the pipeline drains and then reports end of stream (Ctrl-C). */
    public void sendEndOfStream() {
        Gst.elementSendEvent(pipeline, Gst.eventNewEos());
    }

    private Outcome poll(Duration timeout, java.util.function.Consumer<String> warnings) {
        MemorySegment message = Gst.busTimedPopFiltered(bus, timeout.toNanos(),
                GstMessage.EOS | GstMessage.ERROR | GstMessage.WARNING | GstMessage.LATENCY);
        if (message.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            int type = GstMessage.type(message);
            if (type == GstMessage.EOS) {
                return new Outcome(true, null, null, null);
            }
            if (type == GstMessage.LATENCY) {
                // An element's latency changed: distribute it again, as gst-launch-1.0 does.
                Gst.binRecalculateLatency(pipeline);
                return null;
            }
            MemorySegment source = GstMessage.source(message);
            String sourceName = source.equals(MemorySegment.NULL) ? "pipeline"
                    : GstLib.takeString(Gst.objectGetPathString(source));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment error = arena.allocate(ADDRESS);
                MemorySegment debug = arena.allocate(ADDRESS);
                if (type == GstMessage.ERROR) {
                    Gst.messageParseError(message, error, debug);
                } else {
                    Gst.messageParseWarning(message, error, debug);
                }
                String text = takeError(error.get(ADDRESS, 0));
                String details = GstLib.takeString(debug.get(ADDRESS, 0));
                if (type == GstMessage.ERROR) {
                    return new Outcome(false, sourceName, text, details);
                }
                warnings.accept("WARNING from " + sourceName + ": " + text
                        + (details == null ? "" : "\nAdditional debug info: " + details));
                return null;
            }
        } finally {
            Gst.miniObjectUnref(message);
        }
    }

    private static String takeError(MemorySegment error) {
        if (error.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            return GstLib.string(error.reinterpret(StructOffsets.size("GError")).get(ADDRESS,
                    StructOffsets.offset("GError.message")));
        } finally {
            GLib.errorFree(error);
        }
    }

    /** The Java side of one of our elements in this pipeline, by its name (e.g. {@code name=faces}). */
    public <T extends Element> T element(String name, Class<T> type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment element = Gst.binGetByName(pipeline, arena.allocateFrom(name));
            if (element.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("the pipeline has no element named " + name);
            }
            Gst.objectUnref(element);
            Element found = TypeRegistry.instance(element);
            if (!type.isInstance(found)) {
                throw new IllegalArgumentException(name + " is not a " + type.getSimpleName());
            }
            return type.cast(found);
        }
    }

    /** The stream position in nanoseconds, or -1 when unknown. */
    public long position() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment position = arena.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
            boolean known = Gst.elementQueryPosition(pipeline, TIME_FORMAT, position);
            return known ? position.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) : -1;
        }
    }

    /** The {@code GstElement*} of the pipeline, for callers that add their own probes or queries. */
    public MemorySegment pointer() {
        return pipeline;
    }

    @Override
    public void close() {
        Gst.elementSetState(pipeline, Element.STATE_NULL);
        Gst.objectUnref(bus);
        Gst.objectUnref(pipeline);
    }
}
