package org.ovgst.infer.kserve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.ovgst.infer.InferenceException;

/**
 * A request's model input in POSIX shared memory ({@code /dev/shm/ovgst-<pid>-<n>}), registered with
 * a server on this host (Triton's system shared-memory extension): the server reads the tensor where
 * the pre-processing wrote it, and nothing of it crosses the socket. A server restarted has forgotten
 * it: after a failed call it is registered again before the next.
 */
final class SharedInput implements AutoCloseable {
    private static final AtomicLong NEXT = new AtomicLong();
    /** Unregistering when the element stops: a server that does not answer soon is gone anyway. */
    private static final Duration CLOSING = Duration.ofSeconds(1);

    private final KServeClient client;
    private final Duration timeout;
    private final String region;
    private final Path file;
    private final MemorySegment memory;
    private volatile boolean registered;

    /** Makes and maps an object of {@code bytes} in /dev/shm; registered at the first {@link #ensureRegistered}. */
    SharedInput(KServeClient client, Duration timeout, long bytes, Arena arena) {
        this.client = client;
        this.timeout = timeout;
        this.region = "ovgst-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        this.file = Path.of("/dev/shm", region);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // The mapping failed; nothing else to clean.
            }
            throw new InferenceException("cannot make " + file + " for the model's input shared with the server ("
                    + e.getMessage() + "); set server-shared-memory=false", e);
        }
    }

    MemorySegment memory() {
        return memory;
    }

    String region() {
        return region;
    }

    /** Registers the region unless it is; a server that lost it (restarted) forgets any earlier one. */
    void ensureRegistered() {
        if (registered) {
            return;
        }
        try {
            client.unregisterSystemSharedMemory(region, timeout);
        } catch (InferenceException e) {
            // Not registered: the usual case.
        }
        client.registerSystemSharedMemory(region, "/" + region, 0, memory.byteSize(), timeout);
        registered = true;
    }

    /** A call failed: the server may have restarted and forgotten the region. */
    void callFailed() {
        registered = false;
    }

    /** Unregisters (briefly: the server may be gone) and removes the object; the arena unmaps it. */
    @Override
    public void close() {
        if (registered) {
            try {
                client.unregisterSystemSharedMemory(region, CLOSING);
            } catch (InferenceException e) {
                // The server is gone or forgot it: nothing to undo there.
            }
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
