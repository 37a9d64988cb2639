package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import org.ovgst.ffm.NativeLibrary;

/**
 * GLib, GObject and GStreamer 1.22 (core, base, app, video) as one {@link NativeLibrary}, which
 * the typed bindings {@link GLib}, {@link Gst}, {@link GstPads}, {@link GstApp} and {@link GstVideo}
 * declare their functions in; so do the per-frame classes for the functions only they call
 * ({@link FrameOps}, {@link RoiMeta}, ...), and for variadic ones, a function per argument shape. The libraries are the ones the process already has when GStreamer
 * loaded us (dlopen of the same soname returns the same library).
 */
public final class GstLib {
    /** GType is a gsize. */
    static final MemoryLayout GTYPE = JAVA_LONG;
    /** gboolean is a gint. */
    static final MemoryLayout GBOOLEAN = JAVA_INT;
    // GLib's fundamental types (gtype.h: G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2), for varargs setters
    public static final long G_TYPE_INT = 6 << 2;
    public static final long G_TYPE_DOUBLE = 15 << 2;
    public static final long G_TYPE_STRING = 16 << 2;

    public static final NativeLibrary LIBRARY = new NativeLibrary(lookup("libglib-2.0.so.0", "libgobject-2.0.so.0",
            "libgstreamer-1.0.so.0", "libgstbase-1.0.so.0", "libgstapp-1.0.so.0", "libgstvideo-1.0.so.0"),
            name -> new IllegalStateException("GStreamer has no function " + name + "; ovgst needs 1.22"));

    private GstLib() {}

    private static SymbolLookup lookup(String... libraries) {
        SymbolLookup lookup = null;
        for (String library : libraries) {
            SymbolLookup one;
            try {
                one = SymbolLookup.libraryLookup(library, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(library + " cannot be loaded: install GStreamer 1.22 with its base"
                        + " plugins (./ovgst setup does: gstreamer1.0-plugins-base, libgstreamer-plugins-base1.0-0)", e);
            }
            lookup = lookup == null ? one : lookup.or(one);
        }
        return lookup;
    }

    /** The address of a GLib/GStreamer function. */
    public static MemorySegment symbol(String name) {
        return LIBRARY.symbol(name);
    }

    /** Reads a C string owned by GLib without freeing it; null stays null. */
    public static String string(MemorySegment pointer) {
        return NativeLibrary.string(pointer);
    }

    /** Reads a C string that GLib allocated for us, then frees it with {@code g_free}. */
    public static String takeString(MemorySegment pointer) {
        try {
            return string(pointer);
        } finally {
            if (!pointer.equals(MemorySegment.NULL)) {
                GLib.free(pointer);
            }
        }
    }

    /** Makes sure GStreamer is initialized (in a Java application; inside GStreamer it already is). */
    public static void ensureInitialized() {
        if (!Gst.isInitialized()) {
            Gst.init(MemorySegment.NULL, MemorySegment.NULL);
        }
    }

    /** A C string that lives as long as the process: for type names, metadata and param specs, which GLib keeps. */
    public static MemorySegment staticString(String value) {
        return Arena.global().allocateFrom(value);
    }
}
