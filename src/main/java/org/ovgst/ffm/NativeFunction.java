package org.ovgst.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;

/**
 * One C function of a {@link NativeLibrary}, declared once with its signature and linked on its
 * first call. A typed binding keeps it in a {@code static final} field and calls it as
 * {@code try { return (int) F.handle().invokeExact(a, b); } catch (Throwable t) { throw F.failed(t); }}.
 *
 * <p>{@link #handle()} is a call site's invoker whose target first links the function, then is the
 * downcall itself. A record's fields are trusted as constants by the JIT, so on the per-frame path
 * the call compiles to the downcall as a {@code static final} downcall handle would: nothing boxed,
 * nothing looked up.
 *
 * @param handle exactly typed, for {@code invokeExact}
 */
public record NativeFunction(String name, MethodHandle handle) {
    private static final MethodHandle LINK;

    static {
        try {
            LINK = MethodHandles.lookup().findVirtual(Linking.class, "link", MethodType.methodType(MethodHandle.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static NativeFunction lazy(NativeLibrary library, String name, FunctionDescriptor descriptor,
            Linker.Option... options) {
        MutableCallSite site = new MutableCallSite(descriptor.toMethodType());
        MethodHandle link = LINK.bindTo(new Linking(library, name, descriptor, options, site));
        // Until linked: link (which retargets the site), then invoke what it returned with the arguments.
        site.setTarget(MethodHandles.foldArguments(MethodHandles.exactInvoker(site.type()), link));
        return new NativeFunction(name, site.dynamicInvoker());
    }

    private record Linking(NativeLibrary library, String name, FunctionDescriptor descriptor,
            Linker.Option[] options, MutableCallSite site) {
        MethodHandle link() {
            // Two threads may both link it; they set equal handles. A symbol that is missing throws
            // here, on every call, and links nothing.
            MethodHandle downcall = library.downcall(name, descriptor, options);
            site.setTarget(downcall);
            return downcall;
        }
    }

    /**
     * What a call's {@code Throwable} becomes: runtime exceptions and errors as they are (a missing
     * symbol, a closed segment), anything else wrapped with this function's name.
     */
    public RuntimeException failed(Throwable thrown) {
        if (thrown instanceof RuntimeException e) {
            return e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(name + " failed", thrown);
    }
}
