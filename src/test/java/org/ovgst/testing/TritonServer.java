package org.ovgst.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real NVIDIA Triton Inference Server (2.51, from set-up's {@code .venv-triton}: PyPI nvidia-pytriton)
 * started by a test on 127.0.0.1 at a free gRPC port ({@code scripts/triton/serve.sh}), serving the
 * models it is given through the Python backend that runs them with OpenVINO on CPU
 * ({@code scripts/triton/model_repository.py}). Its model repository and
 * log are in a folder of the test's; failures quote the log. {@link #stop}, {@link #kill} and
 * {@link #start} (same port) make outages. Its Python backend's shared-memory regions carry a prefix of
 * this server's, removed from /dev/shm when it is gone (a killed server leaves them behind).
 */
public final class TritonServer implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final String READY_LINE = "Started GRPCInferenceService at ";

    /** A model to serve as {@code name}; {@code options} for scripts/triton/model_repository.py. */
    public record Model(String name, Path file, List<String> options) {
        public Model {
            options = List.copyOf(options);
        }
    }

    private final Path dir;
    private final Path log;
    private final int port;
    private final String shmPrefix;
    /** More tritonserver options (TLS: --grpc-use-ssl=true ...). */
    private final List<String> options;
    private Process process;

    /** A model served with model_repository.py's defaults and these options (--delay-ms 500, --max-batch-size 0...). */
    public static Model model(String name, Path file, String... options) {
        return new Model(name, file, List.of(options));
    }

    /** Writes the model repository under {@code dir}, starts the server and waits until it is ready. */
    public TritonServer(Path dir, List<Model> models) throws IOException, InterruptedException {
        this(dir, models, List.of());
    }

    /** As {@link #TritonServer(Path, List)}, with more tritonserver options ({@code --grpc-use-ssl=true}...). */
    public TritonServer(Path dir, List<Model> models, List<String> options) throws IOException, InterruptedException {
        this.options = List.copyOf(options);
        this.dir = Files.createDirectories(dir);
        log = dir.resolve("triton.log");
        Path repository = Files.createDirectories(dir.resolve("models"));
        for (Model model : models) {
            List<String> command = new ArrayList<>(List.of(python().toString(),
                    TestAssets.home().resolve("scripts/triton/model_repository.py").toString(),
                    repository.toString(), model.name(), model.file().toString()));
            command.addAll(model.options());
            run(command, dir.resolve("model_repository-" + model.name() + ".log"));
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        shmPrefix = "ovgst_triton_" + ProcessHandle.current().pid() + "_" + port + "_";
        start();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, for the client. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Its log (all runs), for failure messages. */
    public Path log() {
        return log;
    }

    /** Starts it (again, on the same port) and waits until its gRPC service is up with every model loaded. */
    public void start() throws IOException, InterruptedException {
        venv(); // fails with the set-up command when Triton is not installed
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> command = new ArrayList<>(List.of("bash", TestAssets.home().resolve("scripts/triton/serve.sh")
                .toString(), dir.resolve("models").toString(), "--grpc-port=" + port,
                "--backend-config=python,shm-region-prefix-name=" + shmPrefix));
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // Without --model-control-mode it loads every model before it serves: a model that fails ends it.
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!logSince(logStart).contains(READY_LINE + "127.0.0.1:" + port)) {
            if (!process.isAlive()) {
                throw new IOException("tritonserver exited with " + process.exitValue() + "; its log (" + log + "):\n"
                        + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("tritonserver is not ready after " + READY_TIMEOUT.toSeconds() + " s; its log ("
                        + log + "):\n" + tail());
            }
            Thread.sleep(50);
        }
    }

    /** Stops it as an administrator would (SIGTERM: in-flight requests finish) and waits until it is gone. */
    public void stop() throws InterruptedException {
        List<ProcessHandle> stubs = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
            return;
        }
        awaitGone(stubs);
        removeSharedMemory();
    }

    /** Kills it and its backend stubs at once (SIGKILL), as a crash or a lost host would. */
    public void kill() throws InterruptedException {
        List<ProcessHandle> stubs = process.descendants().toList();
        stubs.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        awaitGone(stubs);
        removeSharedMemory();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The end of its log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isRunning()) {
            stop();
        }
        removeSharedMemory();
    }

    /** set-up's .venv-triton; fails the test with the set-up command when it is missing. */
    private static Path venv() {
        Path venv = TestAssets.home().resolve(".venv-triton");
        assertTrue(Files.isExecutable(venv.resolve("lib/python3.11/site-packages/pytriton/tritonserver/bin/tritonserver")),
                venv + " has no tritonserver: run ./ovgst setup");
        return venv;
    }

    private static Path python() {
        return venv().resolve("bin/python");
    }

    private static void awaitGone(List<ProcessHandle> processes) throws InterruptedException {
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
    }

    private void removeSharedMemory() {
        try (DirectoryStream<Path> regions = Files.newDirectoryStream(Path.of("/dev/shm"), shmPrefix + "*")) {
            for (Path region : regions) {
                Files.deleteIfExists(region);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logSince(long offset) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) Math.min(offset, bytes.length), bytes.length - (int) Math.min(offset, bytes.length),
                StandardCharsets.UTF_8);
    }

    private static void run(List<String> command, Path output) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + Files.readString(output));
        }
    }

    /** The regions of this server's backend in /dev/shm now (for tests of the clean-up). */
    public List<Path> sharedMemoryRegions() {
        try (Stream<Path> all = Files.list(Path.of("/dev/shm"))) {
            return all.filter(p -> p.getFileName().toString().startsWith(shmPrefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
