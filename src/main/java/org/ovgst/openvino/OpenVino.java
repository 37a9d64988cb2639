package org.ovgst.openvino;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.ovgst.ffm.NativeLibrary;
import org.ovgst.tensor.ElementType;

/**
 * The loaded OpenVINO runtime: where it came from, its version, and how many native handles of
 * each kind are alive (a leak check for tests and long runs).
 */
public final class OpenVino {
    private static final Map<String, LongAdder> LIVE_HANDLES = new ConcurrentHashMap<>();
    private static volatile Library library;
    /** The library {@link #load} is checking, for the check's own calls: on the loading thread, under its lock. */
    private static Library checking;
    private static OpenVinoException loadFailure;

    /** The loaded {@code libopenvino_c}: its file and its functions. */
    record Library(Path path, SymbolLookup symbols) {
        // Global arena: the library stays loaded for the life of the process, as its plugins expect.
        static Library open(Path path) {
            return new Library(path, SymbolLookup.libraryLookup(path, Arena.global()));
        }
    }

    private OpenVino() {}

    /** The runtime's build number, e.g. {@code 2026.4.1-...}. */
    public static String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(OvLibrary.VERSION);
            OvLibrary.getOpenvinoVersion(version);
            try {
                return version.get(NativeLibrary.C_STRING, 0).getString(0);
            } finally {
                OvLibrary.versionFree(version);
            }
        }
    }

    /**
     * The ovgst project folder (with models/, .venv/, target/): {@code -Dovgst.home}, {@code OVGST_HOME},
     * or the folder above this code's target/classes.
     */

    /** The {@code libopenvino_c} file that was loaded. */
    public static Path libraryPath() {
        return library().path();
    }

    /** Live native handles by kind ({@code Core}, {@code Model}, {@code Tensor}, ...); kinds at zero are left out. */
    public static Map<String, Long> liveHandles() {
        Map<String, Long> live = new TreeMap<>();
        LIVE_HANDLES.forEach((kind, count) -> {
            long value = count.sum();
            if (value != 0) {
                live.put(kind, value);
            }
        });
        return live;
    }

    static void countHandle(String kind, int delta) {
        LIVE_HANDLES.computeIfAbsent(kind, k -> new LongAdder()).add(delta);
    }

    /** The loaded library; found, loaded and checked once per process. */
    static Library library() {
        Library lib = library;
        return lib != null ? lib : load();
    }

    private static synchronized Library load() {
        if (library != null) {
            return library;
        }
        if (checking != null) {
            return checking;
        }
        if (loadFailure != null) {
            throw new OpenVinoException(loadFailure.status(), loadFailure.getMessage(), loadFailure);
        }
        try {
            LibraryLocator.Result found = LibraryLocator.locate();
            Library lib = found.library().map(Library::open).orElseGet(() -> loadFromLinkerPath(found));
            checking = lib;
            try {
                verifyElementTypes(lib);
            } finally {
                checking = null;
            }
            library = lib;
            return lib;
        } catch (OpenVinoException e) {
            loadFailure = e;
            throw e;
        } catch (RuntimeException e) {
            loadFailure = new OpenVinoException(null, "cannot load the OpenVINO C library: " + e.getMessage(), e);
            throw loadFailure;
        }
    }

    private static Library loadFromLinkerPath(LibraryLocator.Result found) {
        try {
            return Library.open(Path.of(System.mapLibraryName("openvino_c")));
        } catch (IllegalArgumentException e) {
            throw new OpenVinoException("the OpenVINO C library (libopenvino_c.so) was not found. Looked in:\n  "
                    + String.join("\n  ", found.searched())
                    + "\nWith ovgst set up, set OVGST_HOME to its folder (eval \"$(<ovgst folder>/ovgst env)\" does);"
                    + " else install it with `./ovgst setup` (a project-local venv with " + LibraryLocator.PIP_PIN
                    + "), or `python3 -m pip install " + LibraryLocator.PIP_PIN
                    + "`, or point OPENVINO_LIB (or -Dovgst.openvino.lib) at libopenvino_c.so.* or its folder.");
        }
    }

    /**
     * {@code ov_element_type_e} was renumbered between releases; a mismatch would silently mix up
     * tensor types, so tensors of known element sizes are created and measured before anything else.
     */
    private static void verifyElementTypes(Library lib) {
        for (ElementType type : new ElementType[] {ElementType.U8, ElementType.F16, ElementType.F32, ElementType.I64}) {
            long elements = 3;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment tensor = OvInference.tensorCreate(OvCodes.of(type), Tensor.shapeStruct(arena, new long[] {elements}));
                long bytes;
                try {
                    bytes = OvInference.tensorGetByteSize(tensor);
                } finally {
                    OvInference.tensorFree(tensor);
                }
                if (bytes != elements * type.byteSize()) {
                    throw new OpenVinoException("the OpenVINO runtime at " + lib.path()
                            + " numbers its element types differently from the 2026.4 headers ovgst was built against ("
                            + type + " x" + elements + " took " + bytes + " bytes, expected "
                            + elements * type.byteSize() + "). Install " + LibraryLocator.PIP_PIN + ".");
                }
            }
        }
    }
}
