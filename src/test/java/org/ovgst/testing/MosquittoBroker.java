package org.ovgst.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto (installed by set-up), started by a test on 127.0.0.1 (or another local
 * address, e.g. ::1) at a free port, with its state kept in a folder of the test's (so persistent
 * sessions and their queued messages survive a stop and start). {@code extraConfig} lines go into
 * its configuration (authentication, TLS). It keeps every message for a subscriber however many
 * wait (max_queued_messages 0): what a subscriber misses is what the publisher did not deliver.
 */
public final class MosquittoBroker implements AutoCloseable {
    private final Path dir;
    private final InetAddress host;
    private final int port;
    private final Path config;
    private Process process;

    public MosquittoBroker(Path dir, List<String> extraConfig) throws IOException, InterruptedException {
        this(dir, InetAddress.getLoopbackAddress(), 0, extraConfig);
    }

    /** On {@code host} (an IP literal) at {@code port}, or a free one for 0. */
    public MosquittoBroker(Path dir, InetAddress host, int port, List<String> extraConfig)
            throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.host = host;
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0, 1, host)) {
                port = probe.getLocalPort();
            }
        }
        this.port = port;
        List<String> lines = new java.util.ArrayList<>(List.of("listener " + port + " " + host.getHostAddress(),
                "persistence true", "persistence_location " + dir.toAbsolutePath() + "/", "max_queued_messages 0",
                "user root", "log_dest stderr"));
        lines.addAll(extraConfig.isEmpty() ? List.of("allow_anonymous true") : extraConfig);
        config = Files.write(dir.resolve("mosquitto.conf"), lines);
        start();
    }

    public int port() {
        return port;
    }

    /** host:port, the host in brackets if IPv6. */
    public String address() {
        String literal = host.getHostAddress();
        return (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + port;
    }

    /** Starts it (again) and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("mosquitto", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
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
                Thread.sleep(20);
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
