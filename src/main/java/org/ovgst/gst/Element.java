package org.ovgst.gst;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java side of one instance of one of our GObject element types. GObject calls reach it through
 * {@link TypeRegistry}'s upcalls; subclasses react to state changes and read their settings.
 * Settings ({@link #setting}) are kept apart from stream state, which subclasses build when they
 * start and drop when they stop.
 */
public abstract class Element {
    /** {@code GstStateChange} values: {@code (from << 3) | to}, with NULL=1, READY=2, PAUSED=3, PLAYING=4. */
    static final int NULL_TO_READY = 10;
    static final int READY_TO_PAUSED = 19;
    static final int PAUSED_TO_PLAYING = 28;
    static final int PLAYING_TO_PAUSED = 35;
    static final int PAUSED_TO_READY = 26;
    static final int READY_TO_NULL = 17;

    /** {@code GstStateChangeReturn}. */
    static final int STATE_CHANGE_FAILURE = 0;

    /** GError domains and codes used in our bus errors. */
    enum ErrorKind {
        SETTINGS("gst_resource_error_quark", 13),
        NOT_FOUND("gst_resource_error_quark", 3),
        OPEN_WRITE("gst_resource_error_quark", 6),
        LIBRARY("gst_library_error_quark", 1),
        STREAM("gst_stream_error_quark", 1),
        FORMAT("gst_stream_error_quark", 11);

        private final String quarkFunction;
        private final int code;

        ErrorKind(String quarkFunction, int code) {
            this.quarkFunction = quarkFunction;
            this.code = code;
        }
    }

    private final MemorySegment self;
    private final List<Property> properties;
    private final Map<String, Object> settings = new ConcurrentHashMap<>();

    protected Element(MemorySegment self, List<Property> properties) {
        this.self = self;
        this.properties = properties;
        for (Property property : properties) {
            if (property.defaultValue() != null) {
                settings.put(property.name(), property.defaultValue());
            }
        }
    }

    /** The {@code GstElement*} of this instance. */
    protected final MemorySegment self() {
        return self;
    }

    /** The current value of a property: an Integer, Boolean, Double, String (or null) or enum nick. */
    protected final Object setting(String name) {
        return settings.get(name);
    }

    final void set(String name, Object value) {
        if (value == null) {
            settings.remove(name);
        } else {
            settings.put(name, value);
        }
    }

    /** The first property whose value is not allowed, as an error message; null when all are fine. */
    protected final String checkSettings() {
        for (Property property : properties) {
            Object value = settings.get(property.name());
            String problem = value == null ? null : property.check(value);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Work before GStreamer's own state change: start things on the way up (return false to fail
     * the change), and unblock every waiter on the way down, before the children change state.
     */
    protected boolean beforeStateChange(int transition) {
        return true;
    }

    /** Work after GStreamer's own state change succeeded, e.g. dropping stream state on the way down. */
    protected void afterStateChange(int transition) {}

    /** The instance is being finalized; free what it still holds. */
    protected void dispose() {}

    /** Posts an ERROR message from this element on the bus: what went wrong and what to do. */
    protected final void postError(ErrorKind kind, String message, String debug) {
        postMessage("gst_message_new_error", kind, message, debug);
    }

    protected final void postWarning(ErrorKind kind, String message, String debug) {
        postMessage("gst_message_new_warning", kind, message, debug);
    }

    private void postMessage(String constructor, ErrorKind kind, String message, String debug) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            int domain = (int) GstLib.call(kind.quarkFunction);
            MemorySegment error = (MemorySegment) GstLib.call("g_error_new_literal", domain, kind.code,
                    arena.allocateFrom(message));
            try {
                MemorySegment msg = (MemorySegment) GstLib.call(constructor, self, error,
                        debug == null ? MemorySegment.NULL : arena.allocateFrom(debug));
                GstLib.call("gst_element_post_message", self, msg);
            } finally {
                GstLib.call("g_error_free", error);
            }
        }
    }
}
