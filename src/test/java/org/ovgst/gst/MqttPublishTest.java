package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.MosquittoBroker;

/**
 * ovmetapublish method=mqtt against Debian's mosquitto started on 127.0.0.1: records arrive in
 * order in DL Streamer's layout; a broker stopped for 10 s in the middle does not stop the
 * pipeline, and what arrives is every record before the outage and after the return, with a gap
 * exactly as long as the WARNING says; credentials from mqtt-config; a broker that is not there, or
 * refuses the credentials, is a bus ERROR that says so.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttPublishTest {
    private static final Pattern DROPPED = Pattern.compile("(\\d+) records? (?:was|were) dropped");

    @TempDir
    Path dir;

    /**
     * A subscriber with a persistent session (QoS 1): the broker keeps what comes for it while it
     * reconnects after a restart, so what it receives is what ovmetapublish delivered.
     */
    private static final class Subscriber implements AutoCloseable {
        final List<String> received = new CopyOnWriteArrayList<>();
        private final MqttClient client;

        Subscriber(MosquittoBroker broker, String topic, String user, String password) throws Exception {
            client = new MqttClient("tcp://" + broker.address(), "test-subscriber", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(500);
            if (user != null) {
                options.setUserName(user);
                options.setPassword(password.toCharArray());
            }
            client.setCallback(new MqttCallbackExtended() {
                @Override
                public void connectComplete(boolean reconnect, String serverUri) {}

                @Override
                public void connectionLost(Throwable cause) {}

                @Override
                public void messageArrived(String t, MqttMessage message) {
                    received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {}
            });
            client.connect(options);
            client.subscribe(topic, 1);
        }

        /** The frame index of each record received, in arrival order. */
        List<Long> frames() {
            List<Long> frames = new ArrayList<>();
            for (String record : received) {
                frames.add(((Number) ((Map<?, ?>) new GstTestSupport.Json(record).parseComplete()).get("frame"))
                        .longValue());
            }
            return frames;
        }

        /** Waits until {@code count} records came, or a few seconds passed. */
        void await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws Exception {
            client.disconnectForcibly(1000);
            client.close(true);
        }
    }

    @Test
    void recordsArriveInOrderInDlStreamersLayout() throws Exception {
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                Subscriber subscriber = new Subscriber(broker, "cams/1", null, null)) {
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=30 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=" + broker.address() + " topic=cams/1 source=cam1"
                    + " ! fakesink");
            subscriber.await(30);
            assertEquals(java.util.stream.LongStream.range(0, 30).boxed().toList(), subscriber.frames());
            Map<?, ?> first = (Map<?, ?>) new GstTestSupport.Json(subscriber.received.getFirst()).parseComplete();
            assertEquals(Map.of("width", 64L, "height", 48L), first.get("resolution"));
            assertEquals("cam1", first.get("source"));
        }
    }

    /**
     * The broker stops for 10 s while a live source runs at 25 fps; max-queued=40 keeps the newest
     * 40 records of the outage. The pipeline runs on; every record before the outage and after the
     * return arrives, in order; the gap between is exactly the number the WARNING gives.
     */
    @Test
    void aBrokerThatGoesAwayLosesOnlyWhatTheWarningSays() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                Subscriber subscriber = new Subscriber(broker, "outage", null, null)) {
            boolean[] stopped = {false};
            long[] startedAt = {0};
            Thread outage = Thread.ofPlatform().unstarted(() -> {
                try {
                    broker.stop();
                    Thread.sleep(10_000);
                    broker.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=625"
                    + " ! video/x-raw,width=64,height=48,framerate=25/1 ! ovmetapublish method=mqtt address="
                    + broker.address() + " topic=outage max-queued=40 max-reconnect-interval=1 ! fakesink",
                    Duration.ofSeconds(60), p -> startedAt[0] = System.nanoTime(), warnings::add, p -> {
                        if (!stopped[0] && System.nanoTime() - startedAt[0] > 5_000_000_000L) {
                            stopped[0] = true;
                            outage.start();
                        }
                    });
            outage.join();
            assertTrue(outcome.ok(), outcome + " " + warnings);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("lost the MQTT broker at tcp://"
                    + broker.address())), warnings::toString);
            String back = warnings.stream().filter(w -> w.contains("is back after")).findFirst()
                    .orElseThrow(() -> new AssertionError("no WARNING that the broker is back: " + warnings));
            Matcher m = DROPPED.matcher(back);
            assertTrue(m.find(), back);
            long dropped = Long.parseLong(m.group(1));

            subscriber.await(625 - (int) dropped);
            List<Long> frames = subscriber.frames();
            // QoS 1 is at least once: a record the broker took as it stopped may come twice.
            List<Long> distinct = frames.stream().distinct().toList();
            for (int i = 1; i < distinct.size(); i++) {
                assertTrue(distinct.get(i) > distinct.get(i - 1), "out of order at " + i + ": " + frames);
            }
            int gaps = 0;
            long missing = 0;
            for (int i = 1; i < distinct.size(); i++) {
                long gap = distinct.get(i) - distinct.get(i - 1) - 1;
                if (gap > 0) {
                    gaps++;
                    missing += gap;
                }
            }
            System.out.printf("outage: %d records received (%d distinct), %d missing in %d gap(s), WARNING: %s%n",
                    frames.size(), distinct.size(), missing, gaps, back);
            assertEquals(0, distinct.getFirst());
            assertEquals(624, distinct.getLast());
            assertTrue(gaps <= 1, "one gap at most: " + distinct);
            assertEquals(dropped, missing, "records missing vs the warning's count: " + back);
            assertTrue(dropped > 100, "10 s at 25 fps with 40 kept: " + dropped);
        }
    }

    @Test
    void credentialsComeFromTheConfigFileAndWrongOnesAreAnError() throws Exception {
        Path passwords = dir.resolve("passwords");
        Process made = new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "cam", "s3cret")
                .redirectErrorStream(true).start();
        assertEquals(0, made.waitFor(), new String(made.getInputStream().readAllBytes()));
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"),
                List.of("allow_anonymous false", "password_file " + passwords));
                Subscriber subscriber = new Subscriber(broker, "secure", "cam", "s3cret")) {
            Path good = Files.writeString(dir.resolve("good.properties"), "username = cam\npassword = s3cret\n");
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=" + broker.address() + " topic=secure mqtt-config=" + good
                    + " ! fakesink");
            subscriber.await(5);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), subscriber.frames());

            Path bad = Files.writeString(dir.resolve("bad.properties"), "username = cam\npassword = wrong\n");
            Pipeline.Outcome refused = GstTestSupport.runInProcess("videotestsrc num-buffers=5 ! video/x-raw,width=64,"
                    + "height=48 ! ovmetapublish method=mqtt address=" + broker.address() + " mqtt-config=" + bad
                    + " ! fakesink");
            assertFalse(refused.ok());
            assertTrue(refused.errorMessage().contains("could not connect to the MQTT broker at tcp://"
                    + broker.address()) && refused.errorMessage().toLowerCase().contains("not authorized"),
                    refused.toString());
        }
    }

    @Test
    void noBrokerIsAnErrorAfterTheAttemptsAllowed() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        long start = System.nanoTime();
        Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=5 ! video/x-raw,width=64,"
                + "height=48 ! ovmetapublish method=mqtt address=127.0.0.1:" + port + " max-connect-attempts=2"
                + " ! fakesink");
        assertFalse(outcome.ok());
        assertTrue(outcome.errorMessage().contains("could not connect to the MQTT broker at tcp://127.0.0.1:" + port
                + " (2 attempts)") && outcome.errorMessage().contains("start the broker"), outcome.toString());
        assertTrue(System.nanoTime() - start > 900_000_000L, "1 s between the two attempts");

        Path unknown = Files.writeString(dir.resolve("typo.properties"), "user = cam\n");
        Pipeline.Outcome typo = GstTestSupport.runInProcess("videotestsrc num-buffers=5 ! video/x-raw,width=64,"
                + "height=48 ! ovmetapublish method=mqtt mqtt-config=" + unknown + " ! fakesink");
        assertFalse(typo.ok());
        assertTrue(typo.errorMessage().contains("unknown key 'user'"), typo.toString());
    }

    /** TLS: a broker whose certificate a CA of the test's signed; mqtt-config names the CA (ca-file). */
    @Test
    void tlsWithTheCaFromTheConfigFile() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        String[][] steps = {
                {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ovgst test CA",
                        "-keyout", "ca.key", "-out", "ca.pem"},
                {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
                        "-out", "server.csr"},
                {"sh", "-c", "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && openssl x509 -req -in server.csr"
                        + " -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem"}};
        for (String[] step : steps) {
            Process process = new ProcessBuilder(step).directory(tls.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            assertEquals(0, process.waitFor(), String.join(" ", step) + ": " + output);
        }
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of("allow_anonymous true",
                "cafile " + tls.resolve("ca.pem"), "certfile " + tls.resolve("server.pem"),
                "keyfile " + tls.resolve("server.key")))) {
            Path config = Files.writeString(dir.resolve("tls.properties"), "ca-file = tls/ca.pem\n");
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=" + broker.address() + " mqtt-config=" + config
                    + " ! fakesink");
            assertTrue(broker.log().contains("ovgst-"), "the element connected over TLS: " + broker.log());

            Pipeline.Outcome plain = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,"
                    + "width=64,height=48 ! ovmetapublish method=mqtt address=" + broker.address() + " ! fakesink");
            assertFalse(plain.ok(), "plain TCP to a TLS listener must not connect");
        }
    }
}
