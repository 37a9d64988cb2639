package org.ovgst.gst;

import com.sun.jna.Pointer;
import java.lang.foreign.MemorySegment;
import org.freedesktop.gstreamer.glib.Natives;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.gst.gobject.Element;
import org.ovgst.gst.gobject.TypeRegistry;

/**
 * The ovgst elements in a Java application that drives GStreamer with gst1-java-core
 * ({@code org.freedesktop.gstreamer}). Run the JVM with {@code --enable-native-access=ALL-UNNAMED}.
 *
 * <pre>{@code
 * Ovgst.init();                         // registers ovdetect, ovclassify, ovprocess, ovtrack, ...
 * Gst.init(Version.of(1, 16), "app");
 * Element detect = ElementFactory.make("ovdetect", "detect");
 * detect.set("model", "models/face_detection_short_range.tflite");
 * Ovgst.Registration printing = Ovgst.onDetections(detect, (frame, pts, width, height, detections) ->
 *         System.out.println(frame + " (" + width + "x" + height + "): " + detections));
 * // ... later: printing.close() stops the calls
 * }</pre>
 *
 * gst1-java-core's wrappers hold a reference each until they are disposed or garbage-collected, so
 * an element (and its OpenVINO model) lives until then: {@code dispose()} pipelines and elements
 * that are done.
 */
public final class Ovgst {
    private Ovgst() {}

    /**
     * Registers the ovgst elements in this process, so that {@code ElementFactory.make} and
     * {@code Gst.parseLaunch} know them; initializes GStreamer first if nobody did. Call it before
     * making elements, before or after {@code Gst.init}. Safe to call again.
     */
    public static synchronized void init() {
        Plugin.registerInProcess();
    }

    /** A listener's registration: {@link #close} removes the listener. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code listener} with every frame's detections and the frame's size, in frame order, on
     * the element's delivery thread (keep it short), until the registration is closed.
     * {@code ovdetect} is an element made by {@code ElementFactory.make("ovdetect", ...)} or found in
     * a parsed pipeline.
     *
     * @throws IllegalArgumentException when {@code ovdetect} is not an ovdetect element of this process
     */
    public static Registration onDetections(org.freedesktop.gstreamer.Element ovdetect, OvDetect.Listener listener) {
        Pointer pointer = Natives.getRawPointer(ovdetect);
        Element element = TypeRegistry.instance(MemorySegment.ofAddress(Pointer.nativeValue(pointer)));
        if (!(element instanceof OvDetect detect)) {
            throw new IllegalArgumentException(ovdetect.getName() + " is not an ovdetect element (it is a "
                    + ovdetect.getTypeName() + ")");
        }
        detect.addListener(listener);
        return () -> detect.removeListener(listener);
    }
}
