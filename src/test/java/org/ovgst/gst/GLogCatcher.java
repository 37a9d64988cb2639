package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ovgst.ffm.NativeFunction;
import org.ovgst.gst.binding.GstLib;

/**
 * While open, GLib's CRITICAL and WARNING log messages of every domain ({@code GStreamer-CRITICAL},
 * {@code GLib-GObject-WARNING}, ...: what g_return_if_fail prints) are kept here instead of printed,
 * from any thread, so a test can assert there were none, or count them.
 */
public final class GLogCatcher implements AutoCloseable {
    private static final int G_LOG_LEVEL_CRITICAL = 1 << 3;
    private static final int G_LOG_LEVEL_WARNING = 1 << 4;
    private static final FunctionDescriptor LOG_FUNC = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final NativeFunction SET_DEFAULT_HANDLER = GstLib.LIBRARY.function("g_log_set_default_handler",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MemorySegment HANDLER = handler();
    private static final List<String> caught = new CopyOnWriteArrayList<>();

    private final MemorySegment previous;

    private GLogCatcher(MemorySegment previous) {
        this.previous = previous;
    }

    public static GLogCatcher open() {
        GstLib.ensureInitialized();
        caught.clear();
        return new GLogCatcher(setDefaultHandler(HANDLER));
    }

    /** What was logged since the catcher opened or was last cleared, e.g. {@code GStreamer-CRITICAL: ...}. */
    public List<String> caught() {
        return List.copyOf(caught);
    }

    void clear() {
        caught.clear();
    }

    @Override
    public void close() {
        setDefaultHandler(previous);
    }

    /** Makes {@code handler} GLib's default log handler; returns the one before. */
    private static MemorySegment setDefaultHandler(MemorySegment handler) {
        try {
            return (MemorySegment) SET_DEFAULT_HANDLER.handle().invokeExact(handler, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("g_log_set_default_handler failed", t);
        }
    }

    /** A GLogFunc; nothing may escape it. */
    private static void log(MemorySegment domain, int level, MemorySegment message, MemorySegment data) {
        try {
            if ((level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0) {
                caught.add(GstLib.string(domain) + ((level & G_LOG_LEVEL_CRITICAL) != 0 ? "-CRITICAL: " : "-WARNING: ")
                        + GstLib.string(message));
            }
        } catch (Throwable t) {
            caught.add("a log message that could not be read: " + t);
        }
    }

    private static MemorySegment handler() {
        try {
            return Linker.nativeLinker().upcallStub(MethodHandles.lookup().findStatic(GLogCatcher.class, "log",
                    LOG_FUNC.toMethodType()), LOG_FUNC, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
