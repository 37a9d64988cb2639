package org.ovgst.openvino;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One owned OpenVINO handle. The pointer is tied to a shared arena whose cleanup calls the C free
 * function, so {@link #close()} frees it exactly once, a downcall in progress on another thread keeps
 * it alive (closing then fails instead of freeing under the call), and use after close is a Java
 * exception rather than a crash.
 */
abstract class NativeResource implements AutoCloseable {
    private final String kind;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    NativeResource(String kind, MemorySegment raw, Consumer<MemorySegment> free) {
        if (raw.equals(MemorySegment.NULL)) {
            arena.close();
            throw new OpenVinoException(kind + ": OpenVINO returned a null handle");
        }
        this.kind = kind;
        this.handle = raw.reinterpret(arena, free);
        OpenVino.countHandle(kind, 1);
    }

    /** The native pointer; throws once closed. */
    final MemorySegment handle() {
        if (closed.get()) {
            throw new OpenVinoException(kind + " is closed; it cannot be used after close()");
        }
        return handle;
    }

    /** The arena whose life is this handle's: segments tied to it die with the handle. */
    final Arena lifetime() {
        return arena;
    }

    final boolean isClosed() {
        return closed.get();
    }

    /** Work that must happen before the handle is freed (e.g. waiting for an inference in flight). */
    void beforeFree(MemorySegment handle) {}

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        beforeFree(handle);
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            closed.set(false);
            throw new OpenVinoException(kind + " cannot be closed while another thread is using it");
        }
        OpenVino.countHandle(kind, -1);
    }

    @Override
    public String toString() {
        return kind + (closed.get() ? " (closed)" : "@" + Long.toHexString(handle.address()));
    }
}
