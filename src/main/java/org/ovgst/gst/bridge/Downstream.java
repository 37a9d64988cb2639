package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_EOS;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_ERROR;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_FLUSHING;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_NOT_LINKED;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_NOT_NEGOTIATED;
import static org.ovgst.gst.bridge.BridgeBin.FLOW_OK;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstApp;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.GstMessage;
import org.ovgst.gst.gobject.Element;

/**
 * A bridge's way out: its appsrc, how full the appsrc's queue is, whether waits are released, and
 * what downstream answered. The appsrc pushes from its own thread, so a flow return from downstream
 * reaches the bridge late, three ways: the appsrc's last push (its pad's last flow return), the
 * end of stream the appsrc's task pushes when it stops on a flow return, and the "Internal data
 * stream error" it posts then. Any of them ends the stream for the bridge: later frames are dropped
 * and upstream gets the flow return, as from GStreamer's own elements.
 */
public final class Downstream {
    private static final System.Logger LOG = System.getLogger(Downstream.class.getName());
    /** How long a sender waits for room in the appsrc before it looks again whether downstream went flushing. */
    private static final long CHECK_NANOS = 100_000_000L;
    private final BridgeBin bin;
    private final MemorySegment appsrc;
    private final MemorySegment srcPad;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private boolean full;
    private boolean released;
    /**
     * The flow return from downstream that ended this stream: EOS, NOT_LINKED, NOT_NEGOTIATED, an
     * error, or FLUSHING seen while the appsrc stays full; FLOW_OK until then.
     */
    private volatile int flow = FLOW_OK;
    /** Whether the appsrc was told the end of stream (ours, not downstream's). */
    private volatile boolean eosSent;
    /** Time senders spent waiting for room, ns: the waits that ended, and when the current one began (0: none). */
    private long waitedNanos;
    private long waitingSince;

    Downstream(BridgeBin bin, MemorySegment appsrc, MemorySegment srcPad) {
        this.bin = bin;
        this.appsrc = appsrc;
        this.srcPad = srcPad;
    }

    /** A new stream (start, flush): downstream takes frames again. */
    void reset() {
        flow = FLOW_OK;
        eosSent = false;
    }

    /**
     * Pushes a frame into the appsrc, waiting while its queue is full (unless released); false, the
     * frame still the caller's, when downstream ended the stream.
     */
    boolean send(BufferFrame frame) {
        if (awaitRoom() != FLOW_OK) {
            return false;
        }
        int pushed;
        try {
            pushed = frame.push(appsrc);
        } catch (Throwable t) {
            bin.fail(Element.ErrorKind.STREAM, "could not send a frame downstream: " + bin.describe(t), t);
            return true;
        }
        if (pushed != FLOW_OK && pushed != FLOW_FLUSHING) {
            ended(pushed);
        }
        return true;
    }

    void sendEos() {
        eosSent = true;
        GstApp.appSrcEndOfStream(appsrc);
    }

    /**
     * How long senders have waited for room in the appsrc since the element was made, ns, the
     * current wait included: the time downstream held frames back, which is not the element's own.
     */
    public long waitedNanos() {
        lock.lock();
        try {
            return waitingSince == 0 ? waitedNanos : waitedNanos + (System.nanoTime() - waitingSince);
        } finally {
            lock.unlock();
        }
    }

    /** Waits of {@link #send} return at once (true) or wait again (false). */
    void setReleased(boolean value) {
        lock.lock();
        try {
            released = value;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The appsrc's enough-data (true) and need-data (false) callbacks. */
    void setFull(boolean value) {
        lock.lock();
        try {
            full = value;
            if (!value) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What downstream said last: FLOW_OK, or the flow return that ended the stream, as the appsrc's
     * last push downstream left it (EOS, NOT_LINKED, NOT_NEGOTIATED, an error). FLUSHING from that
     * push is not taken: it may be left over from a flush that has ended.
     */
    int flow() throws Throwable {
        int current = flow;
        if (current == FLOW_OK) {
            int last = FrameOps.lastFlowReturn(srcPad);
            if (last != FLOW_OK && last != FLOW_FLUSHING) {
                ended(last);
                current = last;
            }
        }
        return current;
    }

    /**
     * An end of stream left the appsrc. Not ours: the appsrc's task stopped on a flow return from
     * downstream and ends the stream there; whoever waits for room must learn it now.
     */
    void endOfStreamLeft() {
        if (eosSent) {
            return;
        }
        try {
            flow();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "could not read the flow downstream", t);
        }
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A message of the bin's children: the appsrc's "Internal data stream error" is taken (true) and
     * never leaves the element; upstream gets the flow return instead, and its source reports it as
     * with GStreamer's own elements ({@link #ended} names a refused format).
     */
    boolean takeMessage(MemorySegment message) {
        if ((GstMessage.type(message) & GstMessage.ERROR) == 0 || !GstMessage.source(message).equals(appsrc)) {
            return false;
        }
        int reported = flowOfError(message);
        Gst.miniObjectUnref(message);
        ended(reported);
        return true;
    }

    /**
     * Waits while the appsrc queue is full, unless released; returns what downstream says now. The
     * need-data callback, a downstream end of stream and a release wake it; a downstream that goes
     * flushing (its element set to READY while this one plays) sends no word, so the wait looks
     * again every {@value #CHECK_NANOS} ns whether the appsrc stopped on FLUSHING.
     */
    private int awaitRoom() {
        lock.lock();
        try {
            while (true) {
                int current = flow();
                if (current != FLOW_OK || !full || released) {
                    return current;
                }
                if (waitingSince == 0) {
                    waitingSince = System.nanoTime();
                }
                if (drained.awaitNanos(CHECK_NANOS) <= 0 && full
                        && FrameOps.lastFlowReturn(srcPad) == FLOW_FLUSHING) {
                    flow = FLOW_FLUSHING;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FLOW_FLUSHING;
        } catch (Throwable t) {
            bin.fail(Element.ErrorKind.STREAM, "could not read the flow downstream: " + bin.describe(t), t);
            return FLOW_ERROR;
        } finally {
            if (waitingSince != 0) {
                waitedNanos += System.nanoTime() - waitingSince;
                waitingSince = 0;
            }
            lock.unlock();
        }
    }

    /**
     * Downstream ended the stream with {@code reason}: every later frame is dropped and answered with
     * it upstream. When no later frame will come (upstream ended already), a flow that GStreamer
     * reports as an error is posted from the element, as a source would post it.
     */
    private void ended(int reason) {
        lock.lock();
        try {
            if (flow != FLOW_OK) {
                return;
            }
            flow = reason;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        if (reason == FLOW_NOT_NEGOTIATED) {
            // Posted before upstream hears of it: the source's "Internal data stream error" comes second.
            String caps = bin.capsText();
            bin.fail(Element.ErrorKind.FORMAT, "downstream refuses the video this element sends ("
                    + (caps == null ? "no caps yet" : caps) + "): put a videoconvert (and videoscale) after this"
                    + " element, or fix the caps filter after it", null);
        } else if (bin.upstreamEnded() && (reason == FLOW_NOT_LINKED || reason < FLOW_EOS)) {
            bin.fail(Element.ErrorKind.STREAM, "streaming stopped: downstream answered " + flowName(reason), null);
        }
    }

    public static String flowName(int flow) {
        return switch (flow) {
            case FLOW_OK -> "ok";
            case FLOW_NOT_LINKED -> "not-linked";
            case FLOW_FLUSHING -> "flushing";
            case FLOW_EOS -> "eos";
            case FLOW_NOT_NEGOTIATED -> "not-negotiated";
            case FLOW_ERROR -> "error";
            default -> "flow " + flow;
        };
    }

    /**
     * The flow return a source's "Internal data stream error" reports: GStreamer's
     * {@code GST_ELEMENT_FLOW_ERROR} ends its debug text with "reason NAME (NUMBER)". The push that
     * failed is not always the appsrc's last push (a renegotiation that fails pushes nothing), so
     * the message is the one place that says.
     */
    private static int flowOfError(MemorySegment message) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(ADDRESS);
            MemorySegment debug = arena.allocate(ADDRESS);
            Gst.messageParseError(message, error, debug);
            GLib.errorFree(error.get(ADDRESS, 0));
            String text = GstLib.takeString(debug.get(ADDRESS, 0));
            int open = text == null ? -1 : text.lastIndexOf('(');
            int close = text == null ? -1 : text.lastIndexOf(')');
            if (open >= 0 && close > open) {
                try {
                    return Integer.parseInt(text.substring(open + 1, close).strip());
                } catch (NumberFormatException e) {
                    // not a flow error's text
                }
            }
            return FLOW_ERROR;
        }
    }
}
