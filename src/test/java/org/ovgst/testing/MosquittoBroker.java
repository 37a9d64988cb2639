package org.ovgst.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto (installed by set-up), started by a test on 127.0.0.1 at a free port, with its
 * state kept in a folder of the test's (so persistent sessions and their queued messages survive a
 * stop and start). {@code extraConfig} lines go into its configuration (authentication, TLS).
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;

    public MosquittoBroker(Path dir, List<String> extraConfig) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> lines = new java.util.ArrayList<>(List.of("listener " + port + " 127.0.0.1", "persistence true",
                "persistence_location " + dir.toAbsolutePath() + "/", "user root", "log_dest stderr"));
        lines.addAll(extraConfig.isEmpty() ? List.of("allow_anonymous true") : extraConfig);
        config = Files.write(dir.resolve("mosquitto.conf"), lines);
        start();
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Starts it (again) and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("mosquitto", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("mosquitto exited with " + process.exitValue() + ": "
                            + Files.readString(dir.resolve("log")));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("mosquitto does not listen on " + port + ": "
                            + Files.readString(dir.resolve("log")));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Stops it as an administrator would (SIGTERM: it saves its sessions) and waits until it is gone. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** What it logged, for failure messages. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("log"));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
