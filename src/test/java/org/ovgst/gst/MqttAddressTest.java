package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.MosquittoBroker;
import org.ovgst.testing.TestHosts;

/**
 * The broker addresses users write, against two mosquittos on one port, one on 127.0.0.1 and one
 * on ::1: localhost (/etc/hosts), a name with '_' as Docker Compose gives its services (mapped by
 * {@link TestHosts}: none resolves here), IP literals, tcp:// URIs; the name is resolved anew at
 * each connection; an address that cannot work is a bus ERROR that names it and says why, in words.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttAddressTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress V6 = InetAddress.ofLiteral("::1");

    @TempDir
    Path dir;

    @AfterEach
    void unmap() {
        TestHosts.unmap("my_host");
    }

    /** Each address's three records reach the broker it names, told by their source. */
    @Test
    void namesLiteralsAndUrisReachTheirBroker() throws Exception {
        TestHosts.map("my_host", V4);
        try (MosquittoBroker v4 = new MosquittoBroker(dir.resolve("v4"), List.of());
                MosquittoBroker v6 = new MosquittoBroker(dir.resolve("v6"), V6, v4.port(), List.of());
                MqttSubscriber on4 = new MqttSubscriber(v4, "where");
                MqttSubscriber on6 = new MqttSubscriber(v6, "where")) {
            int port = v4.port();
            Map<String, MqttSubscriber> addresses = Map.of("localhost:" + port, on4, "my_host:" + port, on4,
                    "tcp://127.0.0.1:" + port, on4, "[::1]:" + port, on6, "tcp://[::1]:" + port, on6);
            for (String address : addresses.keySet()) {
                GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48"
                        + " ! ovmetapublish method=mqtt address=\"" + address + "\" topic=where source=\"" + address
                        + "\" ! fakesink");
            }
            for (MqttSubscriber subscriber : List.of(on4, on6)) {
                Set<String> expected = addresses.entrySet().stream().filter(e -> e.getValue() == subscriber)
                        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (subscriber.received.size() < 3 * expected.size() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(expected, subscriber.received.stream().map(r -> (String) ((Map<?, ?>)
                        new GstTestSupport.Json(r.json()).parseComplete()).get("source"))
                        .collect(Collectors.toCollection(TreeSet::new)));
                assertEquals(3 * expected.size(), subscriber.received.size());
            }
        }
    }

    /**
     * my_host is on 127.0.0.1, then moves to ::1 (as a container restarted elsewhere) and the old
     * broker stops: the publisher reconnects to the new address, and between the two brokers every
     * record arrives.
     */
    @Test
    void theNameIsResolvedAgainAtEachConnection() throws Exception {
        TestHosts.map("my_host", V4);
        int frames = 120;
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (MosquittoBroker old = new MosquittoBroker(dir.resolve("old"), List.of());
                MosquittoBroker moved = new MosquittoBroker(dir.resolve("moved"), V6, old.port(), List.of());
                MqttSubscriber onOld = new MqttSubscriber(old, "moving");
                MqttSubscriber onMoved = new MqttSubscriber(moved, "moving")) {
            long[] startedAt = {0};
            boolean[] switched = {false};
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=" + frames
                    + " ! video/x-raw,width=64,height=48,framerate=30/1 ! ovmetapublish method=mqtt address=my_host:"
                    + old.port() + " topic=moving max-reconnect-interval=1 ! fakesink", Duration.ofSeconds(30),
                    p -> startedAt[0] = System.nanoTime(), warnings::add, p -> {
                        if (!switched[0] && System.nanoTime() - startedAt[0] > 1_500_000_000L) {
                            switched[0] = true;
                            TestHosts.map("my_host", V6);
                            try {
                                old.stop();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    });
            assertTrue(outcome.ok(), outcome + " " + warnings);
            onMoved.awaitFrame(frames - 1);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("MQTT broker tcp://my_host:" + old.port()
                    + " is back after") && w.contains("no record was dropped")), warnings::toString);
            Set<Long> before = Set.copyOf(onOld.frames());
            Set<Long> after = Set.copyOf(onMoved.frames());
            assertFalse(before.isEmpty() || after.isEmpty(), "records on both: " + before + " " + after);
            assertEquals(LongStream.range(0, frames).boxed().collect(Collectors.toSet()),
                    java.util.stream.Stream.concat(before.stream(), after.stream()).collect(Collectors.toSet()));
        }
    }

    /**
     * Each address that cannot work: a bus ERROR naming it and why, in words, no Java exception; and
     * a topic with a wildcard, which cannot be published to.
     */
    @Test
    void addressesAndATopicThatCannotWorkAreErrorsThatSayWhy() {
        Map<String, String> why = Map.of(
                "999.1.1.1:1883", "999.1.1.1 is not an IPv4 address",
                "no_such_host_xyz:1883", "no host no_such_host_xyz is known",
                ":1883", "it names no host",
                "host:99999", "port 99999 is not a TCP port",
                "host:abc", "port 'abc' is not a number",
                "[::1", "the IPv6 address lacks its closing ']'",
                "ftp://host:21", "ftp:// is not tcp:// or ssl://");
        why.forEach((address, reason) -> {
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=3"
                    + " ! video/x-raw,width=64,height=48 ! ovmetapublish method=mqtt address=\"" + address + "\""
                    + " ! fakesink");
            assertFalse(outcome.ok(), address);
            String message = outcome.errorMessage();
            assertTrue(message.contains(address) && message.contains(reason), address + " -> " + message);
            assertFalse(message.contains("Exception") || message.contains("java."), address + " -> " + message);
        });
        Pipeline.Outcome wildcard = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,width=64,"
                + "height=48 ! ovmetapublish method=mqtt topic=cams/# ! fakesink");
        assertFalse(wildcard.ok());
        assertTrue(wildcard.errorMessage().contains("topic 'cams/#' cannot be published to"), wildcard.toString());
    }
}
