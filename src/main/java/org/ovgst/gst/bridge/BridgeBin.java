package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstApp;
import org.ovgst.gst.binding.GstMessage;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.MapInfoPool;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.gobject.Element;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.infer.image.FrameLayout;

/**
 * A {@code GstBin} holding {@code appsink → Java → appsrc}: frames arrive on the upstream streaming
 * thread ({@link #process}) and leave through the appsrc when the subclass {@link #send}s them, in
 * the same thread or later from another one.
 *
 * <p>What the bridge takes care of, so that the bin behaves like one C element:
 * <ul>
 * <li>Preroll: frames pass in PAUSED as through a C filter, so the sinks downstream preroll on
 *     what they need, one frame or several (videorate, an encoder's look-ahead). The appsink would
 *     hold the streaming thread after its first frame until PLAYING: it plays from READY→PAUSED to
 *     PAUSED→READY, in a locked state, and takes no part in the bin's preroll.</li>
 * <li>Back-pressure: the appsrc queue is bounded; {@link #send} waits while it is full, and every wait
 *     is released before a downward state change chains up (never appsrc {@code block=true}, which
 *     deadlocks on PLAYING→PAUSED).</li>
 * <li>Caps, segments and EOS leave in order with the frames (samples carry caps and segment).
 *     Flushes reach the subclass and the appsrc. Upstream events (seek, QoS, navigation) and queries
 *     (caps, latency, position, duration, seeking) cross the bridge to the element upstream; the
 *     latency the subclass adds ({@link #latency}) is added to the answer. Caps queries cross both
 *     ways for elements whose frames pass unchanged; an element that makes new frames answers them
 *     itself ({@link #inputCaps}, {@link #outputCaps}). Queries are taken where the neighbours ask
 *     them, on the bin's own pads.</li>
 * <li>Flow returns from downstream go upstream ({@link Downstream}); the bin is neither a sink nor a
 *     source of the pipeline, so a pipeline's EOS reaches it only through its sink pad, after the
 *     frames before it.</li>
 * </ul>
 */
public abstract class BridgeBin extends Element {
    private static final System.Logger LOG = System.getLogger(BridgeBin.class.getName());

    /** GstFlowReturn. */
    static final int FLOW_OK = 0;
    static final int FLOW_NOT_LINKED = -1;
    public static final int FLOW_FLUSHING = -2;
    static final int FLOW_EOS = -3;
    public static final int FLOW_NOT_NEGOTIATED = -4;
    static final int FLOW_ERROR = -5;

    /** GstElementFlags. */
    private static final int ELEMENT_FLAG_SINK = 1 << 5;
    private static final int ELEMENT_FLAG_SOURCE = 1 << 6;

    /** GstPadProbeType and GstPadProbeReturn. */
    private static final int PROBE_EVENT_DOWNSTREAM = 64;
    private static final int PROBE_EVENT_UPSTREAM = 128;
    private static final int PROBE_EVENT_FLUSH = 256;
    private static final int PROBE_QUERY_DOWNSTREAM = 512;
    private static final int PROBE_QUERY_UPSTREAM = 1024;
    static final int PROBE_OK = 1;
    private static final int PROBE_HANDLED = 4;

    /** Event and query types, from the headers (numbers written here were wrong once: caps went unseen). */
    private static final int EVENT_FLUSH_START = StructOffsets.constant("GST_EVENT_FLUSH_START");
    private static final int EVENT_FLUSH_STOP = StructOffsets.constant("GST_EVENT_FLUSH_STOP");
    private static final int EVENT_EOS = StructOffsets.constant("GST_EVENT_EOS");
    private static final int EVENT_RECONFIGURE = StructOffsets.constant("GST_EVENT_RECONFIGURE");
    private static final int QUERY_CAPS = StructOffsets.constant("GST_QUERY_CAPS");
    private static final int QUERY_ACCEPT_CAPS = StructOffsets.constant("GST_QUERY_ACCEPT_CAPS");
    private static final int QUERY_ALLOCATION = StructOffsets.constant("GST_QUERY_ALLOCATION");
    private static final int QUERY_LATENCY = StructOffsets.constant("GST_QUERY_LATENCY");

    /** Frames the appsrc may queue before {@link #send} waits. */
    private static final int APPSRC_MAX_BUFFERS = 4;

    private static final long PROBE_INFO_TYPE = StructOffsets.offset("GstPadProbeInfo.type");
    private static final long PROBE_INFO_DATA = StructOffsets.offset("GstPadProbeInfo.data");
    private static final long EVENT_TYPE = StructOffsets.offset("GstEvent.type");
    private static final long QUERY_TYPE = StructOffsets.offset("GstQuery.type");
    private static final long OBJECT_FLAGS = StructOffsets.offset("GstObject.flags");



    private final int slot;
    private final MemorySegment appsink;
    private final MemorySegment appsrc;
    /** The appsink's and appsrc's pads, where the frames and events pass. */
    private final MemorySegment sinkPad;
    private final MemorySegment srcPad;
    /**
     * The bin's own pads, where the queries of its neighbours arrive: queries the appsrc and appsink
     * make of their own pads (the appsrc negotiating) do not pass there.
     */
    private final MemorySegment sinkGhost;
    private final MemorySegment srcGhost;
    private final MapInfoPool mapInfos = new MapInfoPool();

    public final Downstream downstream;

    // Streaming-thread state, reset on start and flush.
    /**
     * The caps of the last frame, with a reference of ours: a sample's caps live only as long as the
     * sample, and an address compared after that could be another caps'. Streaming thread only.
     */
    private MemorySegment lastCaps = MemorySegment.NULL;
    /** The same caps as text, for messages from any thread; null before the first caps. */
    private volatile String capsText;
    private FrameLayout layout;
    /** The frames' width and height, also for elements that do not read pixels (no layout). */
    private int[] frameSize;
    private long frameCount;
    private volatile boolean failed;
    private final AtomicBoolean failing = new AtomicBoolean();
    /** Frames of a format the element refuses, told by the element that refuses them. */
    final FormatRefusals formatRefusals;
    /** Whether upstream's end of stream arrived: no later frame will carry a flow return upstream. */
    private volatile boolean upstreamEnded;
    /** The frames' duration from the caps' framerate, in ns; 0 when the caps give none (variable rate). */
    private volatile long frameDuration;
    /** Counts the element's PLAYING periods; {@link #playingPeriod()} is -1 outside them. */
    private long playingPeriods;
    private volatile long playingPeriod = -1;
    /** Whether upstream said it is live in the last latency query that crossed the element. */
    private volatile boolean liveUpstream;

    protected BridgeBin(MemorySegment self, ElementSpec spec) {
        super(self, spec);
        this.slot = BridgeCallbacks.claimSlot(this);
        String name = spec.factoryName();
        appsink = BinParts.child(self, "appsink", name + "-in");
        appsrc = BinParts.child(self, "appsrc", name + "-out");
        BinParts.configure(appsink, "sync", "false", "async", "false", "emit-signals", "false",
                "enable-last-sample", "false", "max-buffers", "1");
        BinParts.configure(appsrc, "format", "time", "stream-type", "stream", "handle-segment-change", "true",
                "max-bytes", "0", "max-buffers", Integer.toString(APPSRC_MAX_BUFFERS), "block", "false",
                "emit-signals", "false");
        MemorySegment userData = MemorySegment.ofAddress(slot);
        GstApp.appSinkSetCallbacks(appsink, BridgeCallbacks.SINK, userData, MemorySegment.NULL);
        Gst.elementSetLockedState(appsink, true);
        GstApp.appSrcSetCallbacks(appsrc, BridgeCallbacks.SRC, userData, MemorySegment.NULL);

        sinkGhost = BinParts.ghost(self, "sink", appsink);
        srcGhost = BinParts.ghost(self, "src", appsrc);
        sinkPad = BinParts.staticPad(appsink, "sink");
        srcPad = BinParts.staticPad(appsrc, "src");
        downstream = new Downstream(this, appsrc, srcPad);
        formatRefusals = new FormatRefusals(this, sinkGhost, srcGhost, slot);
        // A bin holding a sink and a source is flagged as both: the pipeline would then send the EOS
        // of gst_element_send_event straight into the appsrc, ahead of the frames still inside, and
        // count the bin among its sinks. Data flows through this element only by its pads.
        MemorySegment object = self().reinterpret(OBJECT_FLAGS + JAVA_INT.byteSize());
        object.set(JAVA_INT, OBJECT_FLAGS,
                object.get(JAVA_INT, OBJECT_FLAGS) & ~(ELEMENT_FLAG_SINK | ELEMENT_FLAG_SOURCE));
        GstPads.padAddProbe(sinkPad, PROBE_EVENT_DOWNSTREAM | PROBE_EVENT_FLUSH, BridgeCallbacks.PROBE, userData,
                MemorySegment.NULL);
        GstPads.padAddProbe(srcPad, PROBE_EVENT_DOWNSTREAM | PROBE_EVENT_UPSTREAM, BridgeCallbacks.PROBE, userData,
                MemorySegment.NULL);
        GstPads.padAddProbe(sinkGhost, PROBE_QUERY_DOWNSTREAM, BridgeCallbacks.PROBE, userData, MemorySegment.NULL);
        GstPads.padAddProbe(srcGhost, PROBE_QUERY_UPSTREAM, BridgeCallbacks.PROBE, userData, MemorySegment.NULL);
    }

    // ---- what subclasses provide ----

    /** READY→PAUSED, settings already checked: build the stream state. Throw to fail the state change. */
    protected abstract void start() throws Exception;

    /** PAUSED→READY, after the children stopped: drop the stream state. */
    protected abstract void stop();

    /** A frame on the streaming thread; the subclass must eventually {@link #send} or {@link #discard} it. */
    protected abstract void process(BufferFrame frame) throws Throwable;

    /** The frame format, before the first frame and whenever the caps change. */
    protected void layoutChanged(FrameLayout layout) throws Exception {}

    /**
     * Whether the element reads the frames' pixels (the default). One that reads only metadata and
     * the frame size says false: its frames are never mapped and have no {@link FrameLayout}, so it
     * can take any raw video ({@link VideoCaps#ANY_RAW_VIDEO}), in any memory.
     */
    protected boolean readsPixels() {
        return true;
    }

    /** End of stream reached the bin; the default sends it on. Subclasses with frames in flight finish them first. */
    protected void endOfStream() throws Exception {
        sendEos();
    }

    /** A flush began: release waits and drop queued work. */
    protected void flushStarted() {}

    /** A flush ended: wait for work in flight and discard it, so nothing from before the flush is sent. */
    protected void flushStopped() {}

    /** PAUSED→READY is about to stop the streaming thread: wake every thread of the element that waits; work may be dropped. */
    protected void unblock() {}

    /**
     * The caps the element takes from upstream, narrowed to {@code filter} unless it is NULL, as a new
     * reference; null (the default) for an element whose frames pass through unchanged, which takes
     * what downstream takes. Elements that change the frames (size, format) answer for themselves.
     */
    protected MemorySegment inputCaps(MemorySegment filter) {
        return null;
    }

    /** The caps the element gives downstream, as {@link #inputCaps}; null: the caps it takes. */
    protected MemorySegment outputCaps(MemorySegment filter) {
        return null;
    }

    // ---- what subclasses call ----

    /**
     * Sends a frame downstream, waiting while the appsrc queue is full (unless released). Once
     * downstream has ended the stream the frame is dropped, as GStreamer's own elements drop what
     * downstream refuses.
     */
    protected final void send(BufferFrame frame) {
        if (!downstream.send(frame)) {
            discard(frame);
        }
    }

    /** Releases a frame that will not be sent (flushed away). */
    protected final void discard(BufferFrame frame) {
        try {
            frame.drop();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "could not release a frame", t);
        }
    }

    protected final void sendEos() {
        downstream.sendEos();
    }

    /**
     * Posts an error on the bus and makes the stream stop with a flow error; {@code cause} (or null)
     * goes to the GST_DEBUG log ({@link #postError}).
     */
    protected final void fail(ErrorKind kind, String message, Throwable cause) {
        // Posted before frames are refused: upstream's own error for the refusal must come second.
        if (failing.compareAndSet(false, true)) {
            postError(kind, message, cause);
            failed = true;
        }
    }

    /** The caps of the frames as text, for messages; null before the first caps. */
    String capsText() {
        return capsText;
    }

    /** Whether upstream's end of stream has arrived. */
    boolean upstreamEnded() {
        return upstreamEnded;
    }

    protected final FrameLayout layout() {
        return layout;
    }

    /**
     * The frame layout upstream will send when its caps fix the format and size already, asked
     * before any frame comes (null when they do not): lets an element prepare for it in
     * {@link #start}, before frames wait on that.
     */
    protected final FrameLayout expectedLayout() {
        return VideoCaps.fixedLayout(GstPads.padPeerQueryCaps(sinkPad, MemorySegment.NULL));
    }

    /** The appsrc's source pad, where the element's frames leave: its peer is downstream. */
    public final MemorySegment sourcePad() {
        return srcPad;
    }

    /** The frames' duration from the caps' framerate, in ns; 0 when unknown (no caps yet, variable rate). */
    protected final long frameDuration() {
        return frameDuration;
    }

    /** The element's current PLAYING period, -1 when not playing (see {@link BufferFrame#playingPeriod()}). */
    protected final long playingPeriod() {
        return playingPeriod;
    }

    /**
     * The latency this element adds, in ns: what a frame may spend in it. Added to upstream's in the
     * latency queries that cross the element; 0 by default (frames leave as they come).
     */
    protected long latency() {
        return 0;
    }

    /**
     * The latency this element adds changed: a live pipeline is asked to distribute it again. Not
     * asked otherwise: only a live pipeline's sinks wait for the latency, and each message makes the
     * pipeline query all of it again (gst-launch-1.0 prints "Redistribute latency..." for each).
     * Nor before the first latency query: the pipeline asks once its sinks have their first frames.
     */
    protected final void latencyChanged() {
        if (liveUpstream) {
            Gst.elementPostMessage(self(), Gst.messageNewLatency(self()));
        }
    }

    // ---- state changes ----

    @Override
    protected final boolean beforeStateChange(int transition) {
        switch (transition) {
            case READY_TO_PAUSED -> {
                String problem = checkSettings();
                if (problem != null) {
                    postError(ErrorKind.SETTINGS, problem, null);
                    return false;
                }
                failed = false;
                failing.set(false);
                resetStreamState();
                downstream.setReleased(false);
                try {
                    start();
                } catch (Throwable t) {
                    fail(t instanceof java.nio.file.NoSuchFileException ? ErrorKind.NOT_FOUND : ErrorKind.SETTINGS,
                            describe(t), t);
                    return false;
                }
                if (!setAppsinkState(STATE_PLAYING)) {
                    postError(ErrorKind.STREAM, "the element's appsink did not start", null);
                    stateChangeFailed(transition);
                    return false;
                }
                formatRefusals.watchSiblings();
            }
            case PAUSED_TO_PLAYING -> playingPeriod = ++playingPeriods;
            case PLAYING_TO_PAUSED -> playingPeriod = -1;
            case PAUSED_TO_READY -> {
                formatRefusals.unwatchSiblings();
                // As gstidentity does: unblock waiters before the streaming thread is stopped.
                downstream.setReleased(true);
                unblock();
                setAppsinkState(STATE_NULL);
            }
            default -> { }
        }
        return true;
    }

    private boolean setAppsinkState(int state) {
        return Gst.elementSetState(appsink, state) != STATE_CHANGE_FAILURE;
    }

    @Override
    protected final void afterStateChange(int transition) {
        if (transition == PAUSED_TO_READY) {
            stop();
        }
    }

    @Override
    protected final void stateChangeFailed(int transition) {
        // Started, but a child could not follow: the element stays in READY, stopped.
        if (transition == READY_TO_PAUSED) {
            formatRefusals.unwatchSiblings();
            downstream.setReleased(true);
            setAppsinkState(STATE_NULL);
            stop();
        }
    }

    @Override
    protected void dispose() {
        BridgeCallbacks.releaseSlot(slot);
        keepCaps(MemorySegment.NULL);
        mapInfos.close();
    }

    /** Keeps a reference to {@code caps} (NULL for none) in place of the one kept before. */
    private void keepCaps(MemorySegment caps) {
        MemorySegment old = lastCaps;
        lastCaps = caps.equals(MemorySegment.NULL) ? caps : Gst.miniObjectRef(caps);
        capsText = caps.equals(MemorySegment.NULL) ? null : VideoCaps.toString(caps);
        if (!old.equals(MemorySegment.NULL)) {
            Gst.miniObjectUnref(old);
        }
    }

    private void resetStreamState() {
        keepCaps(MemorySegment.NULL);
        layout = null;
        frameSize = null;
        formatRefusals.reset();
        frameCount = 0;
        downstream.reset();
        upstreamEnded = false;
    }

    // ---- appsink side (upstream streaming thread) ----

    /** A sample waits in the appsink (upstream's streaming thread): returns the GstFlowReturn. */
    int onSample() {
        if (failed) {
            return FLOW_ERROR;
        }
        try {
            MemorySegment sample = FrameOps.pullSample(appsink);
            if (sample.equals(MemorySegment.NULL)) {
                return FLOW_FLUSHING;
            }
            int refused = downstream.flow();
            if (refused != FLOW_OK) {
                // Downstream refuses more frames: this one goes, and upstream learns why.
                Gst.miniObjectUnref(sample);
                return refused;
            }
            boolean formatKnown;
            try {
                formatKnown = updateLayout(FrameOps.sampleCaps(sample));
            } catch (Throwable t) {
                Gst.miniObjectUnref(sample);
                throw t;
            }
            if (!formatKnown) {
                Gst.miniObjectUnref(sample);
                return FLOW_ERROR;
            }
            BufferFrame frame = BufferFrame.take(sample, layout, frameSize, frameCount++, playingPeriod,
                    downstream.waitedNanos(), readsPixels() ? mapInfos : null);
            if (frame == null) {
                fail(ErrorKind.STREAM, "could not map a video frame", null);
                return FLOW_ERROR;
            }
            process(frame);
            return failed ? FLOW_ERROR : downstream.flow();
        } catch (Throwable t) {
            fail(ErrorKind.STREAM, describe(t), t);
            return FLOW_ERROR;
        }
    }

    private boolean updateLayout(MemorySegment caps) throws Exception {
        if (caps.address() == lastCaps.address()) {
            return true;
        }
        if (!readsPixels()) {
            int[] size = VideoCaps.size(caps);
            if (size == null) {
                fail(ErrorKind.FORMAT, "unsupported caps " + VideoCaps.toString(caps) + "; " + name()
                        + " takes raw video (video/x-raw) of any format", null);
                return false;
            }
            keepCaps(caps);
            frameDuration = VideoCaps.frameDuration(caps);
            frameSize = size;
            return true;
        }
        FrameLayout next = VideoCaps.layout(caps);
        if (next == null) {
            fail(ErrorKind.FORMAT, "unsupported video caps " + VideoCaps.toString(caps) + "; "
                    + "ovgst elements take video/x-raw with format " + org.ovgst.infer.image.PixelFormat.gstList(), null);
            return false;
        }
        keepCaps(caps);
        frameDuration = VideoCaps.frameDuration(caps);
        frameSize = new int[] {next.width(), next.height()};
        if (!next.equals(layout)) {
            layout = next;
            layoutChanged(next);
        }
        return true;
    }

    void onEos() {
        try {
            upstreamEnded = true;
            if (!failed) {
                endOfStream();
            }
        } catch (Throwable t) {
            fail(ErrorKind.STREAM, "error at end of stream: " + describe(t), t);
        }
    }

    // ---- probes ----

    int onProbe(long pad, MemorySegment info) {
        MemorySegment probeInfo = info.reinterpret(PROBE_INFO_DATA + ADDRESS.byteSize());
        MemorySegment item = probeInfo.get(ADDRESS, PROBE_INFO_DATA);
        if (item.equals(MemorySegment.NULL)) {
            return PROBE_OK;
        }
        int type = probeInfo.get(JAVA_INT, PROBE_INFO_TYPE);
        boolean event = (type & (PROBE_EVENT_DOWNSTREAM | PROBE_EVENT_UPSTREAM | PROBE_EVENT_FLUSH)) != 0;
        return pad == sinkPad.address() || pad == sinkGhost.address() ? onSinkPadItem(item, event)
                : onSrcPadItem(item, event, (type & PROBE_EVENT_DOWNSTREAM) != 0);
    }

    /** Events arriving from upstream at the appsink, and queries from upstream at the bin's sink pad. */
    private int onSinkPadItem(MemorySegment item, boolean event) {
        if (event) {
            int eventType = typeOf(item, EVENT_TYPE);
            if (eventType == EVENT_FLUSH_START) {
                downstream.setReleased(true);
                flushStarted();
                Gst.elementSendEvent(appsrc, Gst.eventNewFlushStart());
            } else if (eventType == EVENT_FLUSH_STOP) {
                flushStopped();
                resetStreamState();
                downstream.setReleased(false);
                Gst.elementSendEvent(appsrc, Gst.eventNewFlushStop(true));
            }
            return PROBE_OK;
        }
        int queryType = typeOf(item, QUERY_TYPE);
        if (queryType == QUERY_CAPS || queryType == QUERY_ACCEPT_CAPS) {
            boolean answered = Queries.answerCaps(item, queryType == QUERY_ACCEPT_CAPS, this::inputCaps)
                    // Frames pass through unchanged, so what downstream takes (and we do) is what we take.
                    || Queries.forward(srcPad, item, queryType == QUERY_CAPS ? Queries.Narrowing.CAPS
                            : Queries.Narrowing.ACCEPT_CAPS, sinkGhost);
            if (answered && queryType == QUERY_ACCEPT_CAPS) {
                formatRefusals.checkOffer(item);
            }
            return answered ? PROBE_HANDLED : PROBE_OK;
        }
        return PROBE_OK;
    }

    /** Events leaving the appsrc or arriving at it from downstream, and queries from downstream at the bin's source pad. */
    private int onSrcPadItem(MemorySegment item, boolean event, boolean leaving) {
        if (event && leaving) {
            if (typeOf(item, EVENT_TYPE) == EVENT_EOS) {
                downstream.endOfStreamLeft();
            }
            return PROBE_OK;
        }
        if (event) {
            int type = typeOf(item, EVENT_TYPE);
            if (type == EVENT_RECONFIGURE) {
                // The appsrc renegotiates too, so upstream gets its own reference.
                GstPads.padPushEvent(sinkPad, Gst.miniObjectRef(item));
                return PROBE_OK;
            }
            GstPads.padPushEvent(sinkPad, item);
            return PROBE_HANDLED;
        }
        int queryType = typeOf(item, QUERY_TYPE);
        if (queryType == QUERY_ALLOCATION) {
            return PROBE_OK;
        }
        if ((queryType == QUERY_CAPS || queryType == QUERY_ACCEPT_CAPS)
                && Queries.answerCaps(item, queryType == QUERY_ACCEPT_CAPS, this::outputCaps)) {
            return PROBE_HANDLED;
        }
        Queries.Narrowing narrowing = queryType == QUERY_CAPS ? Queries.Narrowing.CAPS
                : queryType == QUERY_ACCEPT_CAPS ? Queries.Narrowing.ACCEPT_CAPS : Queries.Narrowing.NONE;
        if (!Queries.forward(sinkPad, item, narrowing, srcGhost)) {
            return PROBE_OK;
        }
        if (queryType == QUERY_LATENCY) {
            // Known live before the latency is read: a change after the read is then posted.
            liveUpstream = Queries.isLive(item);
            Queries.addLatency(item, latency());
        }
        return PROBE_HANDLED;
    }

    /** The type of an event or query ({@code GstEventType}, {@code GstQueryType}). */
    private static int typeOf(MemorySegment miniObject, long offset) {
        return miniObject.reinterpret(offset + 4).get(JAVA_INT, offset);
    }

    // ---- messages of the children ----

    /**
     * The appsink's LATENCY messages (a base sink posts one at each of its state changes) are
     * dropped: the element answers latency queries itself, and each message would only make the
     * pipeline distribute the same latency again.
     */
    @Override
    protected final boolean takeChildMessage(MemorySegment message) {
        if ((GstMessage.type(message) & GstMessage.LATENCY) != 0 && GstMessage.source(message).equals(appsink)) {
            Gst.miniObjectUnref(message);
            return true;
        }
        return downstream.takeMessage(message);
    }
}
