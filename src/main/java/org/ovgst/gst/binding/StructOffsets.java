package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ovgst.files.ProjectHome;

/**
 * Offsets and sizes of the GLib/GStreamer structs we read and write, and the enum values we compare
 * with, as the C compiler saw them in
 * the installed headers when gst-plugin/ was built ({@code ovgst_layout} in libgstovgst.so), so no
 * offset is a guess that a different GStreamer build could silently break. The same library holds
 * the loader's other hooks for Java.
 */
public final class StructOffsets {
    /** The plugin file GStreamer loaded, when we run under the C loader; set before first use. */
    private static volatile Path loadedPlugin;
    private static final MethodHandle LAYOUT = pluginFunction("ovgst_layout", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle RESTORE_SIGNAL_HANDLERS = pluginFunction("ovgst_restore_jvm_signal_handlers",
            FunctionDescriptor.ofVoid());
    private static final Map<String, Long> VALUES = new ConcurrentHashMap<>();

    private StructOffsets() {}

    /** The offset of a field, e.g. {@code GObjectClass.set_property}. */
    public static long offset(String field) {
        return VALUES.computeIfAbsent(field, StructOffsets::lookup);
    }

    /** The value of an enum constant as the headers define it, e.g. {@code GST_QUERY_CAPS}. */
    public static int constant(String name) {
        return Math.toIntExact(offset(name));
    }

    /** {@code sizeof} a struct, e.g. {@code GTypeInfo}. */
    public static long size(String struct) {
        return offset("sizeof " + struct);
    }

    private static long lookup(String name) {
        long value;
        try (Arena arena = Arena.ofConfined()) {
            value = (long) LAYOUT.invokeExact(arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException("ovgst_layout(" + name + ") failed", t);
        }
        if (value < 0) {
            throw new IllegalStateException("gst-plugin/ was built without the layout of " + name
                    + "; rebuild it with ./ovgst setup");
        }
        return value;
    }

    /** Under the C loader: the plugin file GStreamer loaded is the one to read the layout from. */
    public static void usePlugin(Path file) {
        loadedPlugin = file;
    }

    /** The plugin library: the one GStreamer loaded, {@code OVGST_PLUGIN_LIB}, else target/gst-plugin/. */
    static Path pluginLibrary() {
        if (loadedPlugin != null) {
            return loadedPlugin;
        }
        String explicit = System.getenv("OVGST_PLUGIN_LIB");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return ProjectHome.find().orElse(Path.of("")).resolve("target/gst-plugin/libgstovgst.so")
                .toAbsolutePath();
    }

    /**
     * Puts back the JVM's SIGSEGV/SIGBUS handlers when the C loader started this JVM inside
     * plugin_init (GStreamer's plugin-loading fault trap replaces them afterwards; without them the
     * first fault in compiled Java code would hang the host). Cheap; a no-op otherwise.
     */
    public static void restoreJvmSignalHandlers() {
        try {
            RESTORE_SIGNAL_HANDLERS.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("ovgst_restore_jvm_signal_handlers failed", t);
        }
    }

    private static MethodHandle pluginFunction(String name, FunctionDescriptor descriptor) {
        Path library = pluginLibrary();
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException("the ovgst GStreamer plugin " + library
                    + " is missing: run ./ovgst setup (it builds gst-plugin/), or set OVGST_PLUGIN_LIB");
        }
        // Inside GStreamer the plugin is already loaded; dlopen of the same file shares it.
        SymbolLookup plugin = SymbolLookup.libraryLookup(library, Arena.global());
        return Linker.nativeLinker().downcallHandle(plugin.find(name).orElseThrow(
                () -> new IllegalStateException(library + " has no " + name + "; rebuild it with ./ovgst setup")),
                descriptor);
    }
}
