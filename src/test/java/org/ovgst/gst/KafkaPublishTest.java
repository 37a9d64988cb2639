package org.ovgst.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.ovgst.testing.KafkaBroker;

/**
 * ovmetapublish method=kafka against a real single-node KRaft broker started on 127.0.0.1, with a
 * real consumer reading the topic back as the oracle: every record, in order in one partition per
 * key, each equal to the line method=file writes for the same frame; the broker stopped for 10 s
 * under a live stream, and the records missing in the topic are exactly those the WARNINGs count
 * (none twice: the producer is idempotent); a kafka-config that cannot serve, a topic the cluster
 * lacks and a cluster that is not there are bus ERRORs that say so.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KafkaPublishTest {
    /** A WARNING's drops: "57 records were dropped while it was away … (frames 100 to 156; …". */
    private static final Pattern DROPPED = Pattern.compile(
            "(\\d+) records? (?:was|were) dropped[^(]*\\(frames? (\\d+)(?: to (\\d+))?");

    @TempDir
    Path dir;

    /**
     * Two cameras into a topic of 3 partitions: each camera's records are keyed by its source, all
     * in one partition, in frame order, once each, and each equals the line method=file writes for
     * that frame (the same pipeline, written to a file). A third, without a source, into a topic
     * the cluster creates on first use: keyed by the element's name.
     */
    @Test
    void eachCamerasRecordsArriveInOrderInOnePartitionAsTheFileHasThem() throws Exception {
        long started = System.nanoTime();
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"), List.of("auto.create.topics.enable=true"),
                Map.of())) {
            System.out.printf("Kafka broker: listening %.1f s after start (formatting included), RSS %d MiB%n",
                    (System.nanoTime() - started) / 1e9, broker.residentKb() / 1024);
            KafkaTopic.create(broker, "cams", 3);
            String branch = "videotestsrc num-buffers=60 pattern=%s ! video/x-raw,width=64,height=48,framerate=30/1"
                    + " ! ovmetapublish source=%s %s ! fakesink ";
            String kafka = "method=kafka address=" + broker.address() + " topic=cams";
            GstTestSupport.assertRunsInProcess(branch.formatted("ball", "cam1", kafka)
                    + branch.formatted("snow", "cam2", kafka) + "videotestsrc num-buffers=10 ! ovmetapublish name=third"
                    + " method=kafka address=" + broker.address() + " topic=made ! fakesink");
            Path file1 = dir.resolve("cam1.jsonl");
            Path file2 = dir.resolve("cam2.jsonl");
            GstTestSupport.assertRunsInProcess(branch.formatted("ball", "cam1", "location=" + file1)
                    + branch.formatted("snow", "cam2", "location=" + file2));
            System.out.printf("Kafka broker RSS after the stream: %d MiB%n", broker.residentKb() / 1024);

            List<KafkaTopic.Consumed> consumed = KafkaTopic.readAll(broker, "cams");
            assertEquals(120, consumed.size(), consumed::toString);
            for (String cam : List.of("cam1", "cam2")) {
                List<KafkaTopic.Consumed> mine = consumed.stream().filter(r -> cam.equals(r.key())).toList();
                assertEquals(1, mine.stream().map(KafkaTopic.Consumed::partition).distinct().count(),
                        cam + " in one partition");
                assertEquals(LongStream.range(0, 60).boxed().toList(),
                        mine.stream().map(KafkaTopic.Consumed::frame).toList(), cam + ": every frame, in order");
                List<String> lines = Files.readAllLines(cam.equals("cam1") ? file1 : file2);
                assertEquals(lines, mine.stream().map(KafkaTopic.Consumed::json).toList(), cam);
                assertEquals(cam, ((Map<?, ?>) new GstTestSupport.Json(mine.getFirst().json()).parseComplete())
                        .get("source"));
            }
            List<KafkaTopic.Consumed> made = KafkaTopic.readAll(broker, "made");
            assertEquals(LongStream.range(0, 10).boxed().toList(), made.stream().map(KafkaTopic.Consumed::frame)
                    .toList());
            assertEquals(Set.of("third"), made.stream().map(KafkaTopic.Consumed::key).collect(Collectors.toSet()));
        }
    }

    /**
     * A live stream at 30 fps with max-queued=40, and the broker stopped for 10 s under it: about
     * 300 records come while it is away, and the oldest of them beyond the bound drop. The
     * WARNINGs count exactly the records missing in the topic, their frames hold exactly those;
     * every other record is there once, in order; one loss and one return are told.
     */
    @Test
    void aTenSecondOutageDropsExactlyWhatTheWarningsCount() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"))) {
            KafkaTopic.create(broker, "outage", 1);
            Outage outage = new Outage(broker, 3000, 10_000);
            // 3 s before, 10 s away, the stop and the restart (some seconds), and 8 s after.
            int frames = 30 * 30;
            long streamStart = System.nanoTime();
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=" + frames
                    + " ! video/x-raw,width=64,height=48,framerate=30/1 ! ovmetapublish method=kafka address="
                    + broker.address() + " topic=outage source=cam max-queued=40 max-reconnect-interval=1"
                    + " ! fakesink", Duration.ofSeconds(90), p -> outage.thread.start(), warnings::add);
            double streamSeconds = (System.nanoTime() - streamStart) / 1e9;
            outage.done.get();
            assertTrue(outcome.ok(), outcome + " " + warnings);
            // The streaming thread never waited on the broker: the live stream took its 30 s, plus
            // the start (the cluster asked for the topic) and the end (what is held delivered).
            System.out.printf("the live stream of 30 s took %.1f s%n", streamSeconds);
            assertTrue(streamSeconds < 33, "the stream took " + streamSeconds + " s");
            assertTrue(outage.startedAt < System.nanoTime() - 3_000_000_000L,
                    "the stream went on 3 s after the return");

            List<Long> received = KafkaTopic.readAll(broker, "outage").stream().map(KafkaTopic.Consumed::frame)
                    .toList();
            assertEquals(received.stream().distinct().sorted().toList(), received, "once each, in order");
            assertEquals(0, received.getFirst());
            assertEquals(frames - 1, received.getLast());
            Set<Long> missing = LongStream.range(0, frames).filter(f -> !received.contains(f)).boxed()
                    .collect(Collectors.toSet());
            long counted = 0;
            long inRanges = 0;
            for (String warning : warnings) {
                Matcher m = DROPPED.matcher(warning);
                if (m.find()) {
                    long from = Long.parseLong(m.group(2));
                    long to = m.group(3) == null ? from : Long.parseLong(m.group(3));
                    long count = missing.stream().filter(f -> f >= from && f <= to).count();
                    assertEquals(Long.parseLong(m.group(1)), count, "missing in frames " + from + " to " + to + ": "
                            + warning);
                    counted += Long.parseLong(m.group(1));
                    inRanges += count;
                }
            }
            System.out.printf("10 s outage: %d records, %d missing, WARNINGs count %d: %s%n", frames, missing.size(),
                    counted, warnings);
            assertTrue(missing.size() > 200, "about 300 records came while the broker was away, 40 kept: "
                    + missing.size() + " missing");
            assertEquals(missing.size(), counted, warnings::toString);
            assertEquals(missing.size(), inRanges, warnings::toString);
            assertEquals(1, warnings.stream().filter(w -> w.contains("lost the Kafka cluster")).count(),
                    warnings::toString);
            assertEquals(1, warnings.stream().filter(w -> w.contains(" is back after ")).count(),
                    warnings::toString);
        }
    }

    /**
     * A slow stream (5 fps) and the broker away 5 s: the loss and the return are told once each,
     * and with the default bounds nothing is dropped: every record arrives, once, in order.
     */
    @Test
    void aSlowStreamLosesNothingThroughAnOutageAndTellsIt() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"))) {
            KafkaTopic.create(broker, "slow", 1);
            Outage outage = new Outage(broker, 2000, 5000);
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc is-live=true num-buffers=75"
                    + " ! video/x-raw,width=64,height=48,framerate=5/1 ! ovmetapublish method=kafka address="
                    + broker.address() + " topic=slow max-reconnect-interval=1 ! fakesink", Duration.ofSeconds(60),
                    p -> outage.thread.start(), warnings::add);
            outage.done.get();
            assertTrue(outcome.ok(), outcome + " " + warnings);
            assertEquals(LongStream.range(0, 75).boxed().toList(), KafkaTopic.readAll(broker, "slow").stream()
                    .map(KafkaTopic.Consumed::frame).toList());
            assertEquals(2, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("lost the Kafka cluster at " + broker.address()), warnings::toString);
            assertTrue(warnings.get(1).contains("is back after") && warnings.get(1).contains("no record was dropped"),
                    warnings::toString);
        }
    }

    /**
     * Stops the broker after {@code leadMs} for {@code awayMs} and starts it again, in a thread of
     * its own, noting when it was back (System.nanoTime()).
     */
    private static final class Outage {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Thread thread;
        volatile long startedAt;

        Outage(KafkaBroker broker, long leadMs, long awayMs) {
            thread = Thread.ofPlatform().unstarted(() -> {
                try {
                    Thread.sleep(leadMs);
                    long stopping = System.nanoTime();
                    broker.stop();
                    Thread.sleep(awayMs);
                    long starting = System.nanoTime();
                    broker.start();
                    startedAt = System.nanoTime();
                    System.out.printf("Kafka broker: stopped in %.1f s, started again in %.1f s%n",
                            (starting - stopping) / 1e9 - awayMs / 1e3, (startedAt - starting) / 1e9);
                    done.complete(null);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            });
        }
    }

    /**
     * kafka-config reaches the producer: with max.request.size=100 the producer refuses every
     * record (each is larger), and the WARNINGs count exactly those, by frame; the topic stays empty.
     */
    @Test
    void recordsTheProducerRefusesAreCountedByFrame() throws Exception {
        Path config = Files.writeString(dir.resolve("small.properties"), "max.request.size = 100\nlinger.ms = 0\n");
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"))) {
            KafkaTopic.create(broker, "small", 1);
            Pipeline.Outcome outcome = GstTestSupport.runInProcess("videotestsrc num-buffers=25 ! video/x-raw,"
                    + "width=64,height=48 ! ovmetapublish method=kafka address=" + broker.address() + " topic=small"
                    + " kafka-config=" + config + " ! fakesink", Duration.ofSeconds(40), p -> { }, warnings::add);
            assertTrue(outcome.ok(), outcome + " " + warnings);
            System.out.println("refused: " + warnings);
            assertEquals(List.of(), KafkaTopic.readAll(broker, "small"));
            Set<Long> counted = new java.util.TreeSet<>();
            for (String warning : warnings) {
                Matcher m = DROPPED.matcher(warning);
                assertTrue(m.find() && warning.contains("refused and not retried")
                        && warning.contains("max.request.size"), warning);
                long from = Long.parseLong(m.group(2));
                long to = m.group(3) == null ? from : Long.parseLong(m.group(3));
                assertEquals(to - from + 1, Long.parseLong(m.group(1)), warning);
                LongStream.rangeClosed(from, to).forEach(f -> assertTrue(counted.add(f), "told twice: " + f));
            }
            assertEquals(LongStream.range(0, 25).boxed().toList(), List.copyOf(counted), warnings::toString);
        }
    }

    /**
     * SASL from kafka-config: a broker that takes only the users it knows (PLAIN over plain TCP);
     * with cam's password every record arrives, with a wrong one the element does not start and
     * says the credentials were refused.
     */
    @Test
    void saslCredentialsComeFromKafkaConfig() throws Exception {
        String login = "security.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\nsasl.jaas.config ="
                + " org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cam\""
                + " password=\"%s\";\n";
        Path good = Files.writeString(dir.resolve("good.properties"), login.formatted("s3cret"));
        Path bad = Files.writeString(dir.resolve("bad.properties"), login.formatted("wrong"));
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"), List.of(), Map.of("cam", "s3cret"))) {
            KafkaTopic.create(broker, "secure", 1);
            String publish = "videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48 ! ovmetapublish"
                    + " method=kafka address=" + broker.address() + " topic=secure kafka-config=";
            GstTestSupport.assertRunsInProcess(publish + good + " ! fakesink");
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), KafkaTopic.readAll(broker, "secure").stream()
                    .map(KafkaTopic.Consumed::frame).toList());
            Pipeline.Outcome refused = GstTestSupport.runInProcess(publish + bad + " ! fakesink");
            assertFalse(refused.ok());
            assertTrue(refused.errorMessage().contains("could not publish to the Kafka cluster at " + broker.address()
                    + " (1 attempt): it refused the credentials (sasl.* in kafka-config)"), refused.toString());
            System.out.println("wrong password: " + refused.errorMessage());
        }
    }

    /** Errors before any broker is needed: the element does not start, and says why. */
    @Test
    void aKafkaConfigThatCannotServeIsAnErrorNamingIt() throws Exception {
        String publish = "videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48 ! ovmetapublish method=kafka"
                + " address=127.0.0.1:1 max-connect-attempts=1 ";
        Path folder = Files.createDirectories(dir.resolve("folder.properties"));
        Path reserved = Files.writeString(dir.resolve("acks.properties"), "acks = 1\n");
        Path typo = Files.writeString(dir.resolve("typo.properties"), "security.protocl = SSL\n");
        Map<String, String> cases = Map.of(
                "kafka-config=/nonexistent/kafka.properties",
                "/nonexistent/kafka.properties: kafka-config does not exist: there is no directory /nonexistent",
                "kafka-config=" + folder, folder + ": kafka-config is a directory",
                "kafka-config=/dev/zero", "/dev/zero: kafka-config is not a regular file (a character device)",
                "kafka-config=" + reserved, "kafka-config " + reserved + ": acks is set by ovmetapublish",
                "kafka-config=" + typo,
                "kafka-config " + typo + ": 'security.protocl' is not a Kafka producer property",
                "topic=a/b", "topic 'a/b' cannot be published to",
                "address=kafka://127.0.0.1:9092", "address 'kafka://127.0.0.1:9092' is not a list of Kafka bootstrap"
                        + " servers: 'kafka://127.0.0.1:9092' has a scheme",
                "address=127.0.0.1:9092,", "an empty server between commas",
                "address=127.0.0.1:99999", "port 99999 is not a TCP port");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Pipeline.Outcome outcome = GstTestSupport.runInProcess(publish + c.getKey() + " ! fakesink");
            assertFalse(outcome.ok(), c.getKey());
            assertTrue(outcome.errorMessage().contains(c.getValue()), c.getKey() + ": " + outcome);
        }
    }

    /** No cluster at the address, and a cluster without the topic: ERRORs saying so, and what to do. */
    @Test
    void noClusterOrNoTopicIsAnError() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Pipeline.Outcome none = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,width=64,"
                + "height=48 ! ovmetapublish method=kafka address=127.0.0.1:" + port + " max-connect-attempts=1"
                + " ! fakesink", Duration.ofSeconds(40), p -> { });
        assertFalse(none.ok());
        assertTrue(none.errorMessage().contains("could not publish to the Kafka cluster at 127.0.0.1:" + port
                + " (1 attempt): no answer within 10 s; start the cluster"), none.toString());
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("broker"))) {
            Pipeline.Outcome noTopic = GstTestSupport.runInProcess("videotestsrc num-buffers=3 ! video/x-raw,"
                    + "width=64,height=48 ! ovmetapublish method=kafka address=" + broker.address() + " topic=nope"
                    + " ! fakesink", Duration.ofSeconds(40), p -> { });
            assertFalse(noTopic.ok());
            assertTrue(noTopic.errorMessage().contains("could not publish to the Kafka cluster at " + broker.address()
                    + ": it has no topic 'nope' and does not create topics on first use"), noTopic.toString());
        }
    }
}
