package org.ovgst.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka (KRaft combined mode: broker and controller in one process, no ZooKeeper),
 * started by a test on 127.0.0.1 at free ports, in a JVM of its own: the project's Java
 * ({@code java.home}) and the test class path, which holds {@code kafka_2.13} and its
 * dependencies (a test-scope dependency: from Maven Central with the rest of the build). Its log
 * folder is the test's, formatted once: a stop and start keeps the port, the topics, their records
 * and the idempotent producers' state (what an outage test needs).
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Path config;
    private final Map<String, Object> clientProperties;
    private Process process;

    public KafkaBroker(Path dir) throws IOException, InterruptedException {
        this(dir, List.of(), Map.of());
    }

    /**
     * With {@code extraConfig} lines after the broker's own (a later line wins) and, when
     * {@code plainUsers} (name to password) is not empty, a SASL_PLAINTEXT listener (mechanism
     * PLAIN) that takes only them; the test's own clients log in as user "admin".
     */
    public KafkaBroker(Path dir, List<String> extraConfig, Map<String, String> plainUsers)
            throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        InetAddress host = InetAddress.getLoopbackAddress();
        int controllerPort;
        try (ServerSocket a = new ServerSocket(0, 1, host); ServerSocket b = new ServerSocket(0, 1, host)) {
            port = a.getLocalPort();
            controllerPort = b.getLocalPort();
        }
        String protocol = plainUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + protocol + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + protocol,
                "listener.security.protocol.map=" + protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                // One node: every internal topic has one replica.
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false"));
        Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", address()));
        if (!plainUsers.isEmpty()) {
            String admin = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                    + " password=\"admin-secret\"";
            StringBuilder users = new StringBuilder(" user_admin=\"admin-secret\"");
            plainUsers.forEach((name, password) -> users.append(" user_").append(name).append("=\"")
                    .append(password).append('"'));
            lines.addAll(List.of("sasl.enabled.mechanisms=PLAIN", "sasl.mechanism.inter.broker.protocol=PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + admin + users + ";"));
            client.putAll(Map.of("security.protocol", protocol, "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                    admin + ";"));
        }
        clientProperties = Map.copyOf(client);
        lines.addAll(extraConfig);
        config = Files.write(dir.resolve("server.properties"), lines);
        Process format = java("kafka.tools.StorageTool", "format", "--ignore-formatted", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString());
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the Kafka log folder failed: " + log());
        }
        start();
    }

    /** What the test's own clients (admin, consumer) need to connect. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /** host:port of the broker's listener. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Starts it (again) and waits until its listener takes connections. */
    public void start() throws IOException, InterruptedException {
        process = java("kafka.Kafka", config.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka exited with " + process.exitValue() + ": " + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Kafka does not listen on " + port + " after 60 s: " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    /** The JVM running {@code mainClass} (small heap, one GC thread: it shares the machine with the test). */
    private Process java(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile())).start();
    }

    /** Stops it as an administrator would (SIGTERM: a controlled shutdown) and waits until it is gone. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Resident memory of the broker's JVM, kB (from /proc), for the record. */
    public long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** What it logged, for failure messages. */
    public String log() throws IOException {
        File log = dir.resolve("log").toFile();
        return log.exists() ? Files.readString(log.toPath()) : "(nothing logged)";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
