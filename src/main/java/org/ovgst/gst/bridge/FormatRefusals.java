package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstPads;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.gobject.Element;
import org.ovgst.gst.gobject.TypeRegistry;

/**
 * A bridge's watch for frames of a format it refuses: GStreamer tells them only as
 * "not-negotiated" from upstream, or "Delayed linking failed" after decodebin, naming neither the
 * element nor the format. The element that refuses (this one, or one of ours after elements that
 * pass frames on) posts an ERROR that names the format, what it takes and what to insert.
 */
final class FormatRefusals {
    private static final Logger LOG = System.getLogger(FormatRefusals.class.getName());

    private final BridgeBin bridge;
    private final MemorySegment sinkGhost;
    private final MemorySegment srcGhost;
    /** The bridge's callback slot, the user data of its pad-added handlers. */
    private final MemorySegment userData;
    /** Whether a format this element (or one after it) refuses has been told: once is enough. */
    private final AtomicBoolean told = new AtomicBoolean();
    /** The pad-added handlers on the elements beside this one, while it runs unlinked ({@link #watchSiblings}). */
    private final List<Watch> watches = new ArrayList<>();

    /** A signal handler on an element (with a reference of ours, so that it can be disconnected). */
    private record Watch(MemorySegment element, long handler) {}

    FormatRefusals(BridgeBin bridge, MemorySegment sinkGhost, MemorySegment srcGhost, int slot) {
        this.bridge = bridge;
        this.sinkGhost = sinkGhost;
        this.srcGhost = srcGhost;
        this.userData = MemorySegment.ofAddress(slot);
    }

    /** A new stream (after a flush or a restart) may be told again. */
    void reset() {
        told.set(false);
    }

    /**
     * Frames of one format offered to the bin and refused, which GStreamer itself tells only as
     * "not-negotiated" from upstream, naming neither the element nor the format: an accept-caps
     * query of fixed raw video answered no (the check of a CAPS event, by our pad or by upstream's
     * proxy pad on our behalf, as decodebin's does). A link refused for its caps is seen by
     * {@link #onSiblingPadAdded}.
     */
    void checkOffer(MemorySegment query) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            GstPads.queryParseAcceptCapsResult(query, slot);
            if (slot.get(JAVA_INT, 0) != 0) {
                return;
            }
            GstPads.queryParseAcceptCaps(query, slot);
            MemorySegment offered = slot.get(ADDRESS, 0);
            if (GstPads.capsIsFixed(offered) && VideoCaps.formatOf(offered) != null) {
                tellRefusedFormat(offered);
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "could not check the caps offered", t);
        }
    }

    /**
     * Frames in {@code caps} cannot come in: finds the element that refuses them (this one, or one of
     * ours downstream through elements that pass frames unchanged) and posts its ERROR, once.
     */
    private void tellRefusedFormat(MemorySegment caps) {
        FormatRefusals refusing = this;
        while (refusing.takes(caps)) {
            refusing = refusing.bridge.inputCaps(MemorySegment.NULL) == null ? refusing.next() : null;
            if (refusing == null) {
                return; // refused by an element not ours: GStreamer's words must do
            }
        }
        if (refusing.told.compareAndSet(false, true)) {
            String takes = VideoCaps.formats(VideoCaps.toString(refusing.takenCaps()));
            String who = refusing.bridge.name();
            refusing.bridge.postError(Element.ErrorKind.FORMAT, who + " cannot take " + VideoCaps.formatOf(caps)
                    + " frames" + (refusing == this ? "" : " (offered to " + bridge.name() + ", which passes them on)")
                    + "; it takes " + takes + ": insert videoconvert before " + who, null);
        }
    }

    /**
     * Starting with an unlinked sink pad, as after decodebin (gst-launch-1.0 links decodebin's pads as
     * they come): the elements beside this one are watched for new pads, after their other handlers
     * (G_CONNECT_AFTER), so that a pad the link could not take is seen ({@link #onSiblingPadAdded}).
     */
    void watchSiblings() {
        if (GstPads.padIsLinked(sinkGhost)) {
            return;
        }
        MemorySegment parent = Gst.objectGetParent(bridge.self());
        if (parent.equals(MemorySegment.NULL)) {
            return;
        }
        // GST_OBJECT_LOCK: the bin's children list is guarded by it.
        MemorySegment lock = parent.reinterpret(StructOffsets.offset("GstObject.lock") + ADDRESS.byteSize())
                .asSlice(StructOffsets.offset("GstObject.lock"));
        GLib.mutexLock(lock);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment signal = arena.allocateFrom("pad-added");
            long childrenAt = StructOffsets.offset("GstBin.children");
            long dataAt = StructOffsets.offset("GList.data");
            long nextAt = StructOffsets.offset("GList.next");
            MemorySegment link = parent.reinterpret(childrenAt + ADDRESS.byteSize()).get(ADDRESS, childrenAt);
            while (!link.equals(MemorySegment.NULL)) {
                link = link.reinterpret(Math.max(dataAt, nextAt) + ADDRESS.byteSize());
                MemorySegment child = link.get(ADDRESS, dataAt);
                if (!child.equals(bridge.self())) {
                    long handler = GLib.signalConnectData(child, signal, BridgeCallbacks.PAD_ADDED,
                            userData, MemorySegment.NULL, 1 /* G_CONNECT_AFTER */);
                    watches.add(new Watch(Gst.objectRef(child), handler));
                }
                link = link.get(ADDRESS, nextAt);
            }
        } finally {
            GLib.mutexUnlock(lock);
            Gst.objectUnref(parent);
        }
    }

    void unwatchSiblings() {
        for (Watch watch : watches) {
            GLib.signalHandlerDisconnect(watch.element(), watch.handler());
            Gst.objectUnref(watch.element());
        }
        watches.clear();
    }

    /** A new pad beside this element (its streaming thread): if it stayed unlinked, was it a format refused? */
    void onSiblingPadAdded(MemorySegment pad) {
        boolean unlinkedSource = GstPads.padGetDirection(pad) == 1 /* GST_PAD_SRC */
                && !GstPads.padIsLinked(pad)
                && !GstPads.padIsLinked(sinkGhost);
        if (!unlinkedSource) {
            return;
        }
        MemorySegment caps = GstPads.padGetCurrentCaps(pad);
        if (caps.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            if (GstPads.capsIsFixed(caps) && VideoCaps.formatOf(caps) != null) {
                tellRefusedFormat(caps);
            }
        } finally {
            Gst.miniObjectUnref(caps);
        }
    }

    /** What the element takes: its own answer, or its sink pad's template. A new reference. */
    private MemorySegment takenCaps() {
        MemorySegment own = bridge.inputCaps(MemorySegment.NULL);
        return own != null ? own : GstPads.padGetPadTemplateCaps(sinkGhost);
    }

    private boolean takes(MemorySegment caps) {
        MemorySegment taken = takenCaps();
        try {
            return GstPads.capsIsSubset(caps, taken);
        } finally {
            Gst.miniObjectUnref(taken);
        }
    }

    /** The element of ours right after this one, or null. */
    private FormatRefusals next() {
        MemorySegment peer = GstPads.padGetPeer(srcGhost);
        if (peer.equals(MemorySegment.NULL)) {
            return null;
        }
        try {
            MemorySegment element = GstPads.padGetParentElement(peer);
            if (element.equals(MemorySegment.NULL)) {
                return null;
            }
            Gst.objectUnref(element);
            return TypeRegistry.instance(element) instanceof BridgeBin next ? next.formatRefusals : null;
        } finally {
            Gst.objectUnref(peer);
        }
    }
}
