package org.ovgst.gst.bridge;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstPads;

/** How a bridge's bin is put together: its children, their settings, and its ghost pads. */
final class BinParts {
    private BinParts() {}

    /** A new element of {@code factory} in {@code bin}. */
    static MemorySegment child(MemorySegment bin, String factory, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment child = Gst.elementFactoryMake(arena.allocateFrom(factory), arena.allocateFrom(name));
            if (child.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("GStreamer has no " + factory
                        + " element: install gstreamer1.0-plugins-base (./ovgst setup does)");
            }
            Gst.binAdd(bin, child);
            return child;
        }
    }

    /** Sets properties from text, as gst-launch-1.0 would: property, value, property, value, ... */
    static void configure(MemorySegment element, String... propertiesAndValues) {
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < propertiesAndValues.length; i += 2) {
                Gst.utilSetObjectArg(element, arena.allocateFrom(propertiesAndValues[i]),
                        arena.allocateFrom(propertiesAndValues[i + 1]));
            }
        }
    }

    /** Exposes a child's pad as the bin's own pad of the same name, from the bin's pad template; returns it (the bin's). */
    static MemorySegment ghost(MemorySegment bin, String name, MemorySegment child) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment padName = arena.allocateFrom(name);
            MemorySegment target = Gst.elementGetStaticPad(child, padName);
            MemorySegment klass = bin.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
            MemorySegment template = Gst.elementClassGetPadTemplate(klass, padName);
            MemorySegment ghost = GstPads.ghostPadNewFromTemplate(padName, target, template);
            Gst.elementAddPad(bin, ghost);
            Gst.objectUnref(target);
            return ghost;
        }
    }

    /** A child's pad; the reference is kept for the element's life (the child holds the pad as long). */
    static MemorySegment staticPad(MemorySegment child, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return Gst.elementGetStaticPad(child, arena.allocateFrom(name));
        }
    }
}
