package org.ovgst.gst.binding;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.ovgst.ffm.NativeFunction;

/**
 * An element's {@code GST_DEBUG} category, named after it ({@code GST_DEBUG=ovdetect:5}), as
 * {@code GST_DEBUG_CATEGORY_INIT} makes one: what the element decided at INFO, each frame at LOG.
 * A message is made only when its level is on, so a frame's LOG line costs nothing otherwise.
 */
public final class DebugCategory {
    /** GStreamer's {@code GstDebugLevel}s that ovgst uses. */
    public enum Level {
        ERROR(1), WARNING(2), INFO(4), DEBUG(5), LOG(6);

        public final int value;

        Level(int value) {
            this.value = value;
        }
    }

    private static final NativeFunction GET_THRESHOLD = GstLib.LIBRARY.function("gst_debug_category_get_threshold",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code gst_debug_log(category, level, file, function, line, object, "%s", message)}. */
    private static final NativeFunction LOG = GstLib.LIBRARY.function("gst_debug_log",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
            Linker.Option.firstVariadicArg(7));
    private static final MemorySegment FORMAT = GstLib.staticString("%s");
    private static final MemorySegment FILE = GstLib.staticString("ovgst (Java)");
    private static final Map<String, DebugCategory> CATEGORIES = new ConcurrentHashMap<>();

    private final String name;
    private final MemorySegment category;
    private final MemorySegment function;

    private DebugCategory(String name, MemorySegment category, MemorySegment function) {
        this.name = name;
        this.category = category;
        this.function = function;
    }

    /** The category {@code name}, registered with GStreamer the first time (categories live as long as the process). */
    public static DebugCategory of(String name, String description) {
        return CATEGORIES.computeIfAbsent(name, n -> new DebugCategory(n, Gst.debugCategoryNew(GstLib.staticString(n), 0, GstLib.staticString(description)),
                GstLib.staticString(n)));
    }

    /** The name GST_DEBUG knows the category by, e.g. {@code ovdetect}. */
    public String name() {
        return name;
    }

    /** Whether messages of {@code level} are written (GST_DEBUG, gst_debug_set_threshold_*). */
    public boolean enabled(Level level) {
        try {
            return level.value <= (int) GET_THRESHOLD.handle().invokeExact(category);
        } catch (Throwable t) {
            throw new IllegalStateException("gst_debug_category_get_threshold failed", t);
        }
    }

    /** Writes {@code message} about {@code object} (an element; NULL for none) when {@code level} is on. */
    public void log(Level level, MemorySegment object, Supplier<String> message) {
        if (enabled(level)) {
            write(level, object, message.get());
        }
    }

    /** Writes {@code message} as it is: for callers that checked {@link #enabled} before making it. */
    public void write(Level level, MemorySegment object, String message) {
        try (Arena arena = Arena.ofConfined()) {
            LOG.handle().invokeExact(category, level.value, FILE, function, 0, object, FORMAT, arena.allocateFrom(message));
        } catch (Throwable t) {
            throw new IllegalStateException("gst_debug_log failed", t);
        }
    }
}
