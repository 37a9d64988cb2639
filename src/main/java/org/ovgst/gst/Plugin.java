package org.ovgst.gst;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.openvino.OpenVino;

/**
 * Registers the ovgst elements with GStreamer: from gst-plugin/'s {@code plugin_init} (through JNI,
 * in gst-launch-1.0, gst-inspect-1.0, Python, ...) or inside a Java application's own process.
 */
public final class Plugin {
    private Plugin() {}

    /** Every element type of the plugin. */
    public static List<ElementSpec> elements() {
        return List.of(OvDetect.SPEC, OvWatermark.SPEC, OvMetaPublish.SPEC);
    }

    /**
     * Called by the C loader's {@code plugin_init} with its {@code GstPlugin*}. Returns false, after
     * printing why, when anything fails: GStreamer then reports the plugin as not loadable.
     */
    public static boolean register(long plugin) {
        try {
            MemorySegment file = (MemorySegment) GstLib.call("gst_plugin_get_filename", MemorySegment.ofAddress(plugin));
            if (!file.equals(MemorySegment.NULL)) {
                StructOffsets.usePlugin(java.nio.file.Path.of(GstLib.string(file)));
            }
            boolean all = true;
            for (ElementSpec spec : elements()) {
                all &= TypeRegistry.register(spec, MemorySegment.ofAddress(plugin));
            }
            return all;
        } catch (Throwable t) {
            System.err.println("ovgst: cannot register the elements: " + t);
            t.printStackTrace();
            return false;
        }
    }

    /**
     * Makes the elements available in this process (a Java application, or the ovgst launcher):
     * initializes GStreamer if needed and registers them with no plugin. Safe to call again.
     */
    public static synchronized void registerInProcess() {
        // OpenVINO first: GStreamer plugins loaded before it (gst-libav pulls in libunwind) can take over
        // C++ exception unwinding, and OpenVINO's own exceptions then abort the process.
        OpenVino.version();
        GstLib.ensureInitialized();
        for (ElementSpec spec : elements()) {
            if (!TypeRegistry.register(spec, MemorySegment.NULL)) {
                throw new IllegalStateException("GStreamer refused to register " + spec.factoryName());
            }
        }
    }
}
