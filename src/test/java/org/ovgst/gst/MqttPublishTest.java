package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovgst.testing.MosquittoBroker;

/**
 * ovmetapublish method=mqtt against Debian's mosquitto started on 127.0.0.1, with a persistent-session
 * subscriber as the oracle: records arrive in order in DL Streamer's layout; through 20 outages of
 * the broker under a live stream, what is missing at the subscriber is, outage by outage, exactly
 * what the WARNINGs count, and nothing else is lost; a backlog of thousands drains without a false
 * loss; credentials and TLS from mqtt-config; a broker that is not there, or refuses the
 * credentials, is a bus ERROR that says so.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MqttPublishTest {
    /** A WARNING's drops: "57 records were dropped while it was away … (frames 100 to 156; …". */
    private static final Pattern DROPPED = Pattern.compile(
            "(\\d+) records? (?:was|were) dropped[^(]*\\(frames? (\\d+)(?: to (\\d+))?");
    private static final Pattern RESENT = Pattern.compile("(\\d+) unacknowledged records? (?:was|were) sent again");

    @TempDir
    Path dir;

    /** A bus WARNING and when it came. */
    private record Warning(long at, String text) {}

    /**
     * Stops the broker and starts it again on a schedule (after {@code leadMs}: down
     * {@code lengthMs[i]}, then up {@code gapMs[i]}), in a thread of its own, noting when
     * (System.nanoTime()).
     */
    private static final class Outages {
        final long[] stoppedAt;
        final long[] startedAt;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Thread thread;

        Outages(MosquittoBroker broker, long leadMs, long[] lengthMs, long[] gapMs) {
            stoppedAt = new long[lengthMs.length];
            startedAt = new long[lengthMs.length];
            thread = Thread.ofPlatform().unstarted(() -> {
                try {
                    Thread.sleep(leadMs);
                    for (int i = 0; i < lengthMs.length; i++) {
                        stoppedAt[i] = System.nanoTime();
                        broker.stop();
                        Thread.sleep(lengthMs[i]);
                        broker.start();
                        startedAt[i] = System.nanoTime();
                        Thread.sleep(gapMs[i]);
                    }
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
        }
    }

    @Test
    void recordsArriveInOrderInDlStreamersLayout() throws Exception {
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                MqttSubscriber subscriber = new MqttSubscriber(broker, "cams/1")) {
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=30 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=" + broker.address() + " topic=cams/1 source=cam1"
                    + " ! fakesink");
            subscriber.awaitFrame(29);
            assertEquals(LongStream.range(0, 30).boxed().toList(), subscriber.frames());
            Map<?, ?> first = (Map<?, ?>) new GstTestSupport.Json(subscriber.received.getFirst().json()).parseComplete();
            assertEquals(Map.of("width", 64L, "height", 48L), first.get("resolution"));
            assertEquals("cam1", first.get("source"));
        }
    }

    /**
     * A live stream at 30 fps and 20 outages of the broker, 0.3 to 3 s long at moments of a seeded
     * random, with max-queued=40 and a reconnection every second: the short ones drop nothing, the
     * long ones drop. In every outage the WARNINGs' counts equal the records missing at the
     * subscriber (missing: the gaps closed by a record that came after that outage's restart);
     * each WARNING's frames hold exactly as many missing records as it says; every other record
     * arrives, in order; duplicates are only QoS 1 resends.
     */
    @Test
    void inTwentyOutagesTheWarningsCountExactlyWhatIsMissing() throws Exception {
        int outages = 20;
        Random random = new Random(22);
        long[] lengthMs = new long[outages];
        long[] gapMs = new long[outages];
        long plannedMs = 2000;
        for (int i = 0; i < outages; i++) {
            // Every other one shorter than the first retry (1 s, 30 records): nothing need drop.
            lengthMs[i] = i % 2 == 0 ? 300 + random.nextInt(500) : 1200 + random.nextInt(1800);
            gapMs[i] = 1000 + random.nextInt(800);
            // Stopping and starting mosquitto take some 0.1 s too.
            plannedMs += lengthMs[i] + gapMs[i] + 150;
        }
        int frames = (int) ((plannedMs + 2000) * 30 / 1000);
        List<Warning> warnings = new CopyOnWriteArrayList<>();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                MqttSubscriber subscriber = new MqttSubscriber(broker, "outages")) {
            Outages schedule = new Outages(broker, 2000, lengthMs, gapMs);
            long[] stoppedAt = schedule.stoppedAt;
            long[] startedAt = schedule.startedAt;
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=" + frames
                    + " ! video/x-raw,width=64,height=48,framerate=30/1 ! ovmetapublish method=mqtt address="
                    + broker.address() + " topic=outages max-queued=40 max-reconnect-interval=1 ! fakesink",
                    Duration.ofSeconds(110), p -> schedule.thread.start(),
                    w -> warnings.add(new Warning(System.nanoTime(), w)));
            assertTrue(schedule.done.isDone(), "the stream ended before the 20 outages did");
            schedule.done.get();
            assertTrue(outcome.ok(), outcome + " " + warnings);
            subscriber.awaitFrame(frames - 1);

            Map<Long, MqttSubscriber.Received> firsts = new LinkedHashMap<>();
            List<MqttSubscriber.Received> duplicates = new ArrayList<>();
            for (MqttSubscriber.Received r : subscriber.received) {
                if (firsts.putIfAbsent(r.frame(), r) != null) {
                    duplicates.add(r);
                }
            }
            List<MqttSubscriber.Received> distinct = List.copyOf(firsts.values());
            for (int i = 1; i < distinct.size(); i++) {
                assertTrue(distinct.get(i).frame() > distinct.get(i - 1).frame(), "out of order at " + i + ": "
                        + subscriber.frames());
            }
            assertEquals(0, distinct.getFirst().frame());
            assertEquals(frames - 1, distinct.getLast().frame());
            Set<Long> missing = LongStream.range(0, frames).filter(f -> !firsts.containsKey(f)).boxed()
                    .collect(Collectors.toSet());

            assertEachWarningsFramesHoldItsDrops(warnings.stream().map(Warning::text).toList(), missing);

            int withDrops = 0;
            for (int i = 0; i < outages; i++) {
                long from = stoppedAt[i];
                long until = i + 1 < outages ? stoppedAt[i + 1] : Long.MAX_VALUE;
                long counted = 0;
                long resent = 0;
                for (Warning w : warnings) {
                    if (w.at() >= from && w.at() < until) {
                        Matcher d = DROPPED.matcher(w.text());
                        counted += d.find() ? Long.parseLong(d.group(1)) : 0;
                        Matcher r = RESENT.matcher(w.text());
                        resent += r.find() ? Long.parseLong(r.group(1)) : 0;
                    }
                }
                long back = startedAt[i];
                long nextBack = i + 1 < outages ? startedAt[i + 1] : Long.MAX_VALUE;
                long gapped = 0;
                for (int k = 1; k < distinct.size(); k++) {
                    long at = distinct.get(k).at();
                    if (at >= back && at < nextBack) {
                        gapped += distinct.get(k).frame() - distinct.get(k - 1).frame() - 1;
                    }
                }
                long doubled = duplicates.stream().filter(r -> r.at() >= back && r.at() < nextBack).count();
                System.out.printf("outage %2d: %4d ms, WARNINGs count %3d dropped, %3d missing, %2d resent, %2d"
                        + " duplicates%n", i + 1, (startedAt[i] - stoppedAt[i]) / 1_000_000, counted, gapped, resent,
                        doubled);
                assertEquals(counted, gapped, "outage " + (i + 1) + ": " + warnings);
                // Ours resent, and mosquitto's own to the subscriber (up to its 20 in flight).
                assertTrue(doubled <= resent + 20, "outage " + (i + 1) + ": " + doubled + " duplicates");
                withDrops += counted > 0 ? 1 : 0;
            }
            assertTrue(withDrops >= 5 && withDrops <= outages - 3, withDrops + " of 20 outages dropped: both kinds"
                    + " are wanted");
            assertEquals(outages, warnings.stream().filter(w -> w.text().contains("lost the MQTT broker")).count());
            assertEquals(outages, warnings.stream().filter(w -> w.text().contains(" is back after ")).count());
        }
    }

    /**
     * Each WARNING's frames hold exactly as many missing records as it says it dropped, and the
     * WARNINGs' frames hold every missing record.
     */
    private static void assertEachWarningsFramesHoldItsDrops(List<String> warnings, Set<Long> missing) {
        long inRanges = 0;
        for (String warning : warnings) {
            Matcher m = DROPPED.matcher(warning);
            if (m.find()) {
                long from = Long.parseLong(m.group(2));
                long to = m.group(3) == null ? from : Long.parseLong(m.group(3));
                long count = missing.stream().filter(f -> f >= from && f <= to).count();
                assertEquals(Long.parseLong(m.group(1)), count, "missing in frames " + from + " to " + to + ": "
                        + warning);
                inRanges += count;
            }
        }
        assertEquals(missing.size(), inRanges, "records missing outside every WARNING's frames: " + warnings);
    }

    /**
     * A stream faster than the broker takes it (as fast as videotestsrc goes) with max-queued=20,
     * the broker there all along: records drop, the WARNINGs count them, and their frames hold
     * exactly the records missing at the subscriber; the rest arrive once each, in order.
     */
    @Test
    void aStreamFasterThanTheBrokerLosesOnlyWhatTheWarningsSay() throws Exception {
        int frames = 5000;
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                MqttSubscriber subscriber = new MqttSubscriber(broker, "fast")) {
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=" + frames
                    + " ! video/x-raw,width=64,height=48 ! ovmetapublish method=mqtt address=" + broker.address()
                    + " topic=fast max-queued=20 ! fakesink", Duration.ofSeconds(60), p -> { }, warnings::add);
            assertTrue(outcome.ok(), outcome + " " + warnings);
            subscriber.awaitFrame(frames - 1);
            List<Long> received = subscriber.frames();
            assertEquals(received.stream().distinct().sorted().toList(), received, "once each, in order");
            Set<Long> missing = LongStream.range(0, frames).filter(f -> !received.contains(f)).boxed()
                    .collect(Collectors.toSet());
            System.out.printf("faster than the broker: %d of %d records missing; WARNINGs: %s%n", missing.size(),
                    frames, warnings);
            assertFalse(missing.isEmpty(), "the stream did outrun the broker");
            assertTrue(warnings.stream().noneMatch(w -> w.contains("lost the MQTT broker")), warnings::toString);
            assertEachWarningsFramesHoldItsDrops(warnings, missing);
        }
    }

    /**
     * 1 000 records a second and the broker away for 3 s: a backlog of some 3 000 records drains
     * (16 in flight) while the stream goes on, and that reads as one loss and one return, never
     * as a lost broker again (Paho's "too many publishes in progress" was once taken for one).
     */
    @Test
    void aBacklogOfThousandsDrainsWithoutAFalseLoss() throws Exception {
        int frames = 7000;
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of());
                MqttSubscriber subscriber = new MqttSubscriber(broker, "backlog")) {
            Outages outage = new Outages(broker, 1500, new long[] {3000}, new long[] {0});
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=" + frames
                    + " ! video/x-raw,width=64,height=48,framerate=1000/1 ! ovmetapublish method=mqtt address="
                    + broker.address() + " topic=backlog ! fakesink", Duration.ofSeconds(60),
                    p -> outage.thread.start(), warnings::add);
            outage.done.get();
            assertTrue(outcome.ok(), outcome + " " + warnings);
            subscriber.awaitFrame(frames - 1);
            List<Long> distinct = subscriber.frames().stream().distinct().toList();
            assertEquals(LongStream.range(0, frames).boxed().toList(), distinct);
            assertEquals(1, warnings.stream().filter(w -> w.contains("lost the MQTT broker")).count(),
                    warnings::toString);
            String back = warnings.stream().filter(w -> w.contains(" is back after ")).findFirst().orElseThrow();
            Matcher queued = Pattern.compile("then the (\\d+) records held").matcher(back);
            assertTrue(queued.find() && Integer.parseInt(queued.group(1)) > 2000, "a backlog of thousands: " + back);
            assertTrue(back.contains("no record was dropped"), back);
            assertEquals(2, warnings.size(), warnings::toString);
            System.out.printf("backlog: %d records, %d received, WARNINGs: %s%n", frames, subscriber.received.size(),
                    warnings);
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
                MqttSubscriber subscriber = new MqttSubscriber(broker, "secure", "cam", "s3cret")) {
            Path good = Files.writeString(dir.resolve("good.properties"), "username = cam\npassword = s3cret\n");
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=" + broker.address() + " topic=secure mqtt-config=" + good
                    + " ! fakesink");
            subscriber.awaitFrame(4);
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

    /**
     * TLS: a broker whose certificate, for the name localhost only, a CA of the test's signed;
     * mqtt-config names the CA (ca-file). ssl://localhost connects (Paho is given 127.0.0.1: the
     * check is against the name written); 127.0.0.1 itself is refused, as is plain TCP.
     */
    @Test
    void tlsWithTheCaFromTheConfigFile() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        org.ovgst.testing.TestCertificates.make(tls, "localhost", "DNS:localhost");
        try (MosquittoBroker broker = new MosquittoBroker(dir.resolve("broker"), List.of("allow_anonymous true",
                "cafile " + tls.resolve("ca.pem"), "certfile " + tls.resolve("server.pem"),
                "keyfile " + tls.resolve("server.key")))) {
            Path config = Files.writeString(dir.resolve("tls.properties"), "ca-file = tls/ca.pem\n");
            GstTestSupport.assertRunsInProcess("videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48"
                    + " ! ovmetapublish method=mqtt address=ssl://localhost:" + broker.port() + " mqtt-config=" + config
                    + " ! fakesink");
            assertTrue(broker.log().contains("ovgst-"), "the element connected over TLS: " + broker.log());

            Pipeline.Outcome byIp = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,"
                    + "width=64,height=48 ! ovmetapublish method=mqtt address=" + broker.address() + " mqtt-config="
                    + config + " ! fakesink");
            assertFalse(byIp.ok(), "a certificate for localhost does not do for 127.0.0.1");
            assertTrue(byIp.errorMessage().contains("could not connect to the MQTT broker at ssl://" + broker.address()
                    + " (1 attempt): the broker's certificate is not for the host in 'address'"), byIp.toString());

            Pipeline.Outcome plain = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,"
                    + "width=64,height=48 ! ovmetapublish method=mqtt address=" + broker.address() + " ! fakesink");
            assertFalse(plain.ok(), "plain TCP to a TLS listener must not connect");
        }
    }
}
