package org.ovgst.gst.gobject;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.util.function.IntSupplier;
import org.ovgst.gst.binding.DebugCategory;
import org.ovgst.gst.binding.GLib;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.infer.InferenceException;

/**
 * The Java side of one instance of one of our GObject element types. GObject calls reach it through
 * {@link TypeRegistry}'s upcalls; subclasses react to state changes and read their properties
 * ({@link #get}). Property values are kept apart from stream state, which subclasses build when
 * they start and drop when they stop.
 */
public abstract class Element {
    /** {@code GstStateChange} values: {@code (from << 3) | to}, with NULL=1, READY=2, PAUSED=3, PLAYING=4. */
    static final int NULL_TO_READY = 10;
    public static final int READY_TO_PAUSED = 19;
    public static final int PAUSED_TO_PLAYING = 28;
    public static final int PLAYING_TO_PAUSED = 35;
    public static final int PAUSED_TO_READY = 26;
    static final int READY_TO_NULL = 17;

    /** {@code GstState}. */
    public static final int STATE_NULL = 1;
    public static final int STATE_PLAYING = 4;

    /** {@code GstStateChangeReturn}. */
    public static final int STATE_CHANGE_FAILURE = 0;

    /** GError domains and codes used in our bus errors. */
    public enum ErrorKind {
        SETTINGS(Gst::resourceErrorQuark, 13),
        NOT_FOUND(Gst::resourceErrorQuark, 3),
        WRITE(Gst::resourceErrorQuark, 10),
        LIBRARY(Gst::libraryErrorQuark, 1),
        STREAM(Gst::streamErrorQuark, 1),
        FORMAT(Gst::streamErrorQuark, 11);

        private final IntSupplier domain;
        private final int code;

        ErrorKind(IntSupplier domain, int code) {
            this.domain = domain;
            this.code = code;
        }
    }

    /** {@code gst_message_new_error} or {@code gst_message_new_warning}. */
    @FunctionalInterface
    private interface NewMessage {
        MemorySegment create(MemorySegment source, MemorySegment error, MemorySegment debug);
    }

    private final MemorySegment self;
    private final PropertyValues values;
    private final DebugCategory debug;

    protected Element(MemorySegment self, ElementSpec spec) {
        this.self = self;
        this.values = new PropertyValues(spec.properties());
        this.debug = DebugCategory.of(spec.factoryName(), spec.longName());
    }

    /** What the element decided, in its GST_DEBUG category at INFO ({@code GST_DEBUG=ovdetect:4}). */
    protected final void logInfo(java.util.function.Supplier<String> message) {
        debug.log(DebugCategory.Level.INFO, self, message);
    }

    /**
     * Whether per-frame lines are on ({@code GST_DEBUG=ovdetect:6}): check it before making a
     * frame's message, which then costs nothing when they are off.
     */
    protected final boolean frameLogging() {
        return debug.enabled(DebugCategory.Level.LOG);
    }

    /** A frame's line, at LOG: call it when {@link #frameLogging} said yes. */
    protected final void logFrame(String message) {
        debug.write(DebugCategory.Level.LOG, self, message);
    }

    /** The {@code GstElement*} of this instance. */
    public final MemorySegment self() {
        return self;
    }

    /** The element's name in its pipeline ({@code ovmetapublish0}, or the name the user gave). */
    public final String name() {
        return GstLib.takeString(Gst.objectGetName(self));
    }

    /**
     * The current value of one of this element's properties. Any thread may call it at any time; a
     * {@link Property.Mutability#WHILE_PLAYING} property may change between two calls.
     */
    public final <T> T get(Property<T> property) {
        return values.get(property);
    }

    /** Whether the user set the property, as opposed to leaving it at its default. */
    public final boolean isSet(Property<?> property) {
        return values.isSet(property);
    }

    /** A value set through GObject; a change refused while the element runs is a bus WARNING. */
    final <T> void set(Property<T> property, T value) {
        String refused = values.set(property, value);
        if (refused != null) {
            postWarning(ErrorKind.SETTINGS, refused, null);
        }
    }

    /** The element starts (true) or has stopped (false) using its property values. */
    final void setRunning(boolean running) {
        values.setRunning(running);
    }

    /** The first property whose value is not allowed, as an error message; null when all are fine. */
    protected final String checkSettings() {
        return values.firstProblem();
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

    /**
     * GStreamer's own state change failed after {@link #beforeStateChange} let it go on: undo what
     * that started (the element stays in the state it came from).
     */
    protected void stateChangeFailed(int transition) {}

    /**
     * A message from a child of this bin on its way up: return true to take it (the element then
     * owns the message and must unref or post it), false to let GstBin handle it as usual.
     */
    protected boolean takeChildMessage(MemorySegment message) {
        return false;
    }

    /** The instance is being finalized; free what it still holds. */
    protected void dispose() {}

    /**
     * Posts an ERROR message from this element on the bus: what went wrong and what to do. The
     * {@code cause} (null for none) stays off the bus, whose readers are users: its Java class names
     * and stack go to the element's GST_DEBUG category, and the message's debug text says where.
     */
    public final void postError(ErrorKind kind, String message, Throwable cause) {
        postMessage(Gst::messageNewError, kind, message, cause);
    }

    /** Posts a WARNING message from this element on the bus, as {@link #postError} an ERROR. */
    protected final void postWarning(ErrorKind kind, String message, Throwable cause) {
        postMessage(Gst::messageNewWarning, kind, message, cause);
    }

    /**
     * What a failure says to the user: the message of the exceptions that ovgst's refusals are made
     * of (each names the problem and what to do, with OpenVINO's or the OS's words where they help);
     * for anything else, a fault in ovgst itself, that it is one and where its details are.
     */
    public final String describe(Throwable failure) {
        boolean refusal = failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                || failure instanceof InferenceException
                || failure instanceof IOException;
        return refusal && failure.getMessage() != null ? failure.getMessage()
                : "an internal error in ovgst; please report it with what " + debugSetting() + " shows";
    }

    /** The GST_DEBUG setting that shows this element's causes: its category at DEBUG. */
    private String debugSetting() {
        return "GST_DEBUG=" + debug.name() + ":" + DebugCategory.Level.DEBUG.value;
    }

    private void postMessage(NewMessage constructor, ErrorKind kind, String message, Throwable cause) {
        String details = null;
        if (cause != null) {
            debug.log(DebugCategory.Level.DEBUG, self, () -> {
                StringWriter trace = new StringWriter();
                cause.printStackTrace(new PrintWriter(trace));
                // The trace's first line repeats a refusal's message, logged just before: its class suffices.
                String text = trace.toString();
                String head = cause.toString();
                return message + "\n" + (message.equals(cause.getMessage()) && text.startsWith(head)
                        ? cause.getClass().getName() + text.substring(head.length()) : text);
            });
            details = "the cause, for ovgst's developers: " + debugSetting();
        }
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment error = GLib.errorNewLiteral(kind.domain.getAsInt(), kind.code, arena.allocateFrom(message));
            try {
                MemorySegment msg = constructor.create(self, error,
                        details == null ? MemorySegment.NULL : arena.allocateFrom(details));
                Gst.elementPostMessage(self, msg);
            } finally {
                GLib.errorFree(error);
            }
        }
    }
}
