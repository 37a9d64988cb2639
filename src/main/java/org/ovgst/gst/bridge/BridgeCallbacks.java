package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.ovgst.gst.binding.StructOffsets;

/**
 * The C callbacks of every bridge (appsink, appsrc, pad probes), made once as upcall stubs in the
 * global arena: each finds its bridge by slot number (the callbacks' user_data) and catches
 * everything, since nothing may leave an upcall.
 */
final class BridgeCallbacks {
    private static final System.Logger LOG = System.getLogger(BridgeCallbacks.class.getName());
    /** Bridges by slot: the callbacks' user_data is a slot number, so finding the bridge boxes nothing. */
    private static final AtomicReferenceArray<BridgeBin> SLOTS = new AtomicReferenceArray<>(4096);
    static final MemorySegment SINK = sinkCallbacks();
    static final MemorySegment SRC = srcCallbacks();
    static final MemorySegment PROBE = upcall("probe", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
    /** GstElement::pad-added of an element beside a bridge ({@link FormatRefusals#onSiblingPadAdded}). */
    static final MemorySegment PAD_ADDED = upcall("padAdded", FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG));

    private BridgeCallbacks() {}

    /** Gives a bridge its slot, the user_data of its callbacks. */
    static int claimSlot(BridgeBin bridge) {
        for (int i = 1; i < SLOTS.length(); i++) {
            if (SLOTS.compareAndSet(i, null, bridge)) {
                return i;
            }
        }
        throw new IllegalStateException("more than " + SLOTS.length() + " ovgst elements at once");
    }

    /** Frees a bridge's slot when the bridge is disposed. */
    static void releaseSlot(int slot) {
        SLOTS.set(slot, null);
    }

    // ---- upcalls: each catches everything ----
    // Pointers the callbacks do not read come as longs: a MemorySegment per argument and per frame
    // would be garbage. user_data is the bridge's slot number.

    private static int newSample(long appsink, long slot) {
        try {
            BridgeBin bridge = SLOTS.get((int) slot);
            return bridge == null ? BridgeBin.FLOW_FLUSHING : bridge.onSample();
        } catch (Throwable t) {
            logUpcallFailure(t);
            return BridgeBin.FLOW_ERROR;
        }
    }

    private static void padAdded(long element, MemorySegment pad, long slot) {
        try {
            BridgeBin bridge = SLOTS.get((int) slot);
            if (bridge != null) {
                bridge.formatRefusals.onSiblingPadAdded(pad);
            }
        } catch (Throwable t) {
            logUpcallFailure(t);
        }
    }

    private static void eos(long appsink, long slot) {
        try {
            BridgeBin bridge = SLOTS.get((int) slot);
            if (bridge != null) {
                bridge.onEos();
            }
        } catch (Throwable t) {
            logUpcallFailure(t);
        }
    }

    private static void needData(long appsrc, int length, long slot) {
        appsrcFull(slot, false);
    }

    private static void enoughData(long appsrc, long slot) {
        appsrcFull(slot, true);
    }

    private static void appsrcFull(long slot, boolean full) {
        try {
            BridgeBin bridge = SLOTS.get((int) slot);
            if (bridge != null) {
                bridge.downstream.setFull(full);
            }
        } catch (Throwable t) {
            logUpcallFailure(t);
        }
    }

    private static int probe(long pad, MemorySegment info, long slot) {
        try {
            BridgeBin bridge = SLOTS.get((int) slot);
            return bridge == null ? BridgeBin.PROBE_OK : bridge.onProbe(pad, info);
        } catch (Throwable t) {
            logUpcallFailure(t);
            return BridgeBin.PROBE_OK;
        }
    }

    private static void logUpcallFailure(Throwable t) {
        try {
            LOG.log(Level.ERROR, "ovgst: a GStreamer callback failed", t);
        } catch (Throwable ignored) {
            // Nothing may leave an upcall.
        }
    }

    /** {@code GstAppSinkCallbacks}: eos, new_sample; new_preroll and new_event stay NULL (the appsink plays). */
    private static MemorySegment sinkCallbacks() {
        MemorySegment callbacks = Arena.global().allocate(StructOffsets.size("GstAppSinkCallbacks"));
        callbacks.set(ADDRESS, StructOffsets.offset("GstAppSinkCallbacks.eos"),
                upcall("eos", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG)));
        callbacks.set(ADDRESS, StructOffsets.offset("GstAppSinkCallbacks.new_sample"),
                upcall("newSample", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG)));
        return callbacks;
    }

    /** {@code GstAppSrcCallbacks}: need_data, enough_data; seek_data stays NULL (a stream appsrc never seeks). */
    private static MemorySegment srcCallbacks() {
        MemorySegment callbacks = Arena.global().allocate(StructOffsets.size("GstAppSrcCallbacks"));
        callbacks.set(ADDRESS, StructOffsets.offset("GstAppSrcCallbacks.need_data"),
                upcall("needData", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG)));
        callbacks.set(ADDRESS, StructOffsets.offset("GstAppSrcCallbacks.enough_data"),
                upcall("enoughData", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG)));
        return callbacks;
    }

    private static MemorySegment upcall(String method, FunctionDescriptor descriptor) {
        try {
            return Linker.nativeLinker().upcallStub(MethodHandles.lookup().findStatic(BridgeCallbacks.class, method,
                    descriptor.toMethodType()), descriptor, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
