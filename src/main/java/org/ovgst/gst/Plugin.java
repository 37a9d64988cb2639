package org.ovgst.gst;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovgst.gst.binding.Gst;
import org.ovgst.gst.binding.GstLib;
import org.ovgst.gst.binding.StructOffsets;
import org.ovgst.gst.elements.OvClassify;
import org.ovgst.gst.elements.OvDetect;
import org.ovgst.gst.elements.OvMetaPublish;
import org.ovgst.gst.elements.OvProcess;
import org.ovgst.gst.elements.OvTrack;
import org.ovgst.gst.elements.OvWatermark;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.TypeRegistry;
import org.ovgst.infer.engine.Backend;

/**
 * Registers the ovgst elements with GStreamer: from gst-plugin/'s {@code plugin_init} (through JNI,
 * in gst-launch-1.0, gst-inspect-1.0, Python, ...) or inside a Java application's own process.
 */
public final class Plugin {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;

    private Plugin() {}

    /** Every element type of the plugin. */
    public static List<ElementSpec> elements() {
        return List.of(OvDetect.SPEC, OvClassify.SPEC, OvProcess.SPEC, OvTrack.SPEC, OvWatermark.SPEC, OvMetaPublish.SPEC);
    }

    /**
     * Called by the C loader's {@code plugin_init} with its {@code GstPlugin*}. Returns false, after
     * printing why, when anything fails: GStreamer then reports the plugin as not loadable.
     */
    public static boolean register(long plugin) {
        try {
            MemorySegment file = Gst.pluginGetFilename(MemorySegment.ofAddress(plugin));
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
     * Puts GCC's unwinder ({@code libgcc_s}) into the process's global symbol scope, before OpenVINO
     * and before gst1-java-core. JNA opens {@code libgstreamer-1.0} with {@code RTLD_GLOBAL}, and
     * Debian's links {@code libunwind}, whose {@code _Unwind_*} functions then become global too.
     * Symbols bind lazily, so OpenVINO's C++ exceptions would be thrown by one unwinder
     * ({@code libstdc++} → libunwind's {@code _Unwind_RaiseException}) and resumed by the other
     * (libgcc_s's {@code _Unwind_Resume}, bound before): {@code abort()} inside
     * {@code ov_core_compile_model}. With libgcc_s global first, every lookup finds the same one.
     */
    private static void useOneUnwinder() {
        Linker linker = Linker.nativeLinker();
        MemorySegment dlopen = linker.defaultLookup().find("dlopen")
                .orElseThrow(() -> new IllegalStateException("no dlopen in the C library"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) linker.downcallHandle(dlopen,
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT)).invokeExact(arena.allocateFrom("libgcc_s.so.1"),
                    RTLD_NOW | RTLD_GLOBAL);
            if (handle.equals(MemorySegment.NULL)) {
                System.err.println("ovgst: cannot load libgcc_s.so.1 globally; C++ exceptions may abort");
            }
        } catch (Throwable t) {
            throw new IllegalStateException("dlopen(libgcc_s.so.1) failed", t);
        }
    }

    /**
     * Makes the elements available in this process (a Java application, or the ovgst launcher):
     * initializes GStreamer if needed and registers them with no plugin. Safe to call again.
     */
    public static synchronized void registerInProcess() {
        useOneUnwinder();
        // OpenVINO before GStreamer's plugins, for the same reason: gst-libav pulls in libunwind.
        Backend.local().version();
        GstLib.ensureInitialized();
        for (ElementSpec spec : elements()) {
            if (!TypeRegistry.register(spec, MemorySegment.NULL)) {
                throw new IllegalStateException("GStreamer refused to register " + spec.factoryName());
            }
        }
    }
}
