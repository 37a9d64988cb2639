package org.ovgst.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.function.Function;

/**
 * A loaded C library and the functions we call in it: the one way this project reaches native
 * code. A typed binding (a class per library or concern, a method per C function) declares each
 * function once, with its signature, as a {@link NativeFunction}, and calls it with
 * {@code invokeExact}: nothing is boxed.
 *
 * <p>This package is the bottom layer: {@code org.ovgst.gst} and {@code org.ovgst.openvino} both use
 * it, and it uses neither.
 */
public final class NativeLibrary {
    /** A pointer to a NUL-terminated string of unknown length. */
    public static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

    private final SymbolLookup symbols;
    private final Function<String, RuntimeException> missing;

    /**
     * @param missing the error for a function the library lacks (names the version this project
     *     needs), given the function's name
     */
    public NativeLibrary(SymbolLookup symbols, Function<String, RuntimeException> missing) {
        this.symbols = symbols;
        this.missing = missing;
    }

    /** The address of a function. */
    public MemorySegment symbol(String name) {
        return symbols.find(name).orElseThrow(() -> missing.apply(name));
    }

    /** A function, linked on its first call: set-up and error paths pay nothing until they run. */
    public NativeFunction function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return NativeFunction.lazy(this, name, descriptor, options);
    }

    /** A function's downcall handle, made now. */
    MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(name), descriptor, options);
    }

    /** Reads a C string owned by the library without freeing it; null stays null. */
    public static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? null : pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
