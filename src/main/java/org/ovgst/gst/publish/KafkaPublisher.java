package org.ovgst.gst.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * ovmetapublish's Kafka output (kafka-clients). Records go into a bounded queue that the streaming
 * thread never waits on; one sender thread hands them, in order, to an idempotent producer
 * ({@code acks=all}, retried until delivered: neither lost, duplicated nor reordered by a broker's
 * restart), up to {@link #WINDOW} unacknowledged at a time, each with the same key (the source by
 * default) so that they land in one partition in order. What is held (queued or in the producer)
 * is bounded by {@code maxQueued} records and {@code maxQueuedBytes} bytes: beyond that the oldest
 * records not yet handed over are dropped, and every drop is told exactly once ({@link Drops}).
 * Records handed over never expire ({@code delivery.timeout.ms} unbounded), so each record is
 * either delivered or counted: dropped from the queue, or refused by the cluster (an error the
 * producer does not retry, e.g. a record too large or not authorized). The producer reconnects by
 * itself and says nothing of it; a cluster that has acknowledged nothing for {@link #STALL} while
 * records wait is told lost, and back at its next acknowledgement. Only the first connection may
 * fail the element (after {@code maxConnectAttempts}).
 */
public final class KafkaPublisher implements RecordPublisher {
    /** ovmetapublish's Kafka properties; {@code key}: each record's key (UTF-8). */
    public record Settings(String address, String topic, String key, int maxConnectAttempts,
            Duration maxReconnectInterval, int maxQueued, long maxQueuedBytes, KafkaConfig config) {}

    /**
     * Records handed to the producer and not yet acknowledged, at most (and at most half of
     * max-queued): enough for its batches to fill (it sends up to 5 requests at once), few enough
     * that a long outage keeps the newest records in the queue, not only the oldest in the producer.
     */
    static final int WINDOW = 256;
    /** No acknowledgement for this long while records wait: the cluster is told lost. */
    static final Duration STALL = Duration.ofSeconds(2);
    /**
     * How long handing a record over may wait for the topic's partitions (max.block.ms). A broker
     * that shuts down can leave the producer without them, and then send() waits until the cluster
     * is back: the record returns to the head of the queue, the sender tells the loss and tries again.
     */
    private static final Duration METADATA_WAIT = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** How long each first-connection attempt waits for the cluster. */
    private static final Duration ATTEMPT = Duration.ofSeconds(10);
    /** How long close() lets the sender deliver what is held to a cluster that is there. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** While drops or refusals go on with the cluster there, they are told this often. */
    private static final Duration REPORT_EVERY = HeldRecords.REPORT_EVERY;
    /** A refusal: an error the producer does not retry (by the cluster, or by the producer's own checks). */
    private static final String REFUSED = ", refused and not retried";

    /** A record; {@code seq}: its place among the records offered. */
    private record Record(long frame, long seq, byte[] bytes) implements HeldRecords.Held {
        @Override
        public int size() {
            return bytes.length;
        }
    }

    private final Settings settings;
    private final KafkaAddress address;
    private final byte[] key;
    /** Told, on the sender thread, when the cluster is lost, when it is back and what was dropped. */
    private final Consumer<String> warnings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final int window;
    private final Thread sender;

    private final Object lock = new Object();
    // Guarded by lock.
    /** Not yet handed to the producer ({@code held.waiting}): the oldest are dropped beyond the bounds. */
    private final HeldRecords<Record> held;
    /** Records in the producer, not yet answered. */
    private int inProducer;
    private long offered;
    /** The newest record acknowledged (records are acknowledged in order: one partition). */
    private long ackedSeq = -1;
    /** When the producer last answered, or was handed a record while it held none (System.nanoTime()). */
    private long lastProgress;
    /** The producer had no partitions for the topic at the last record handed over (see {@link #METADATA_WAIT}). */
    private boolean noPartitions;
    /** Records the cluster refused for good, and the latest reason. */
    private final Drops refused = new Drops();
    private String refusedWhy;
    /** Since when (System.nanoTime()) the cluster has acknowledged nothing, once told lost; 0 while there. */
    private long lostAt;
    /** Its return, not told yet. */
    private Return back;
    /** When refusals were last told, to tell them at most every {@link #REPORT_EVERY}. */
    private long lastRefusalReport = System.nanoTime() - REPORT_EVERY.toNanos();
    /** Records left in the producer at the end have been told of. */
    private boolean leftTold;
    /** close(): the sender ends, answers are no longer counted. */
    private boolean closing;
    /** The element is stopping: a flush waits no longer. */
    private boolean released;

    private KafkaPublisher(Settings settings, KafkaAddress address, KafkaProducer<byte[], byte[]> producer,
            Consumer<String> warnings) {
        this.settings = settings;
        this.address = address;
        this.key = settings.key() == null ? null : settings.key().getBytes(StandardCharsets.UTF_8);
        this.warnings = warnings;
        this.producer = producer;
        // At most half the bound in the producer: the other half keeps the newest records through an outage.
        this.window = Math.max(1, Math.min(WINDOW, settings.maxQueued() / 2));
        held = new HeldRecords<>(settings.maxQueued(), settings.maxQueuedBytes());
        sender = Thread.ofPlatform().daemon().name("ovmetapublish-kafka " + address).unstarted(this::send);
    }

    /**
     * Reaches the cluster and finds the topic (up to {@code maxConnectAttempts} times, with a
     * backoff between), or has the cluster create it if it creates topics on first use, then
     * starts sending.
     *
     * @throws IllegalArgumentException naming the cluster and why, when no attempt succeeded or the
     *     settings are wrong
     */
    public static KafkaPublisher open(Settings settings, Consumer<String> warnings) throws InterruptedException {
        KafkaAddress address = KafkaAddress.parse(settings.address());
        try {
            Topic.validate(settings.topic());
        } catch (InvalidTopicException e) {
            throw new IllegalArgumentException("topic '" + settings.topic() + "' cannot be published to: a Kafka topic"
                    + " is 1 to 249 of the characters a-z A-Z 0-9 . _ - (not . or ..)", e);
        }
        Duration wait = FIRST_RETRY;
        Answer answer;
        for (int attempt = 1; ; attempt++) {
            answer = findTopic(settings, address);
            if (answer.failure() == null) {
                break;
            }
            if (attempt >= settings.maxConnectAttempts()) {
                throw new IllegalArgumentException("could not publish to the Kafka cluster at " + address + " ("
                        + attempt + (attempt == 1 ? " attempt" : " attempts") + "): " + answer.failure());
            }
            Thread.sleep(wait);
            wait = wait.multipliedBy(2).compareTo(settings.maxReconnectInterval()) > 0
                    ? settings.maxReconnectInterval() : wait.multipliedBy(2);
        }
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(producerProperties(settings, address), new ByteArraySerializer(),
                    new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new IllegalArgumentException("could not set up the Kafka producer for " + address + ": "
                    + innermost(e) + " (check kafka-config)", e);
        }
        boolean created;
        try {
            created = answer.hasTopic() || createdOnFirstUse(producer, settings.topic());
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new IllegalArgumentException("could not publish to the Kafka cluster at " + address + ": "
                    + reason(e, settings.topic()), e);
        }
        if (!created) {
            producer.close(Duration.ZERO);
            throw new IllegalArgumentException("could not publish to the Kafka cluster at " + address + ": it has no"
                    + " topic '" + settings.topic() + "' and does not create topics on first use"
                    + " (auto.create.topics.enable); create it (kafka-topics.sh --create --topic " + settings.topic()
                    + ") or fix 'topic'");
        }
        KafkaPublisher publisher = new KafkaPublisher(settings, address, producer, warnings);
        publisher.sender.start();
        return publisher;
    }

    private static Map<String, Object> producerProperties(Settings settings, KafkaAddress address) {
        Map<String, Object> properties = new HashMap<>(settings.config().properties());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address.toString());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) METADATA_WAIT.toMillis());
        // Our bounds keep the producer's records far below this: handing one over never waits for room.
        properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2 * settings.maxQueuedBytes()));
        properties.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                settings.maxReconnectInterval().toMillis());
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ovgst-" + ProcessHandle.current().pid());
        return properties;
    }

    /** The cluster's answer: whether it has the topic, or why it could not be asked (in words). */
    private record Answer(boolean hasTopic, String failure) {}

    /** Asks the cluster for the topic. */
    private static Answer findTopic(Settings settings, KafkaAddress address) throws InterruptedException {
        Map<String, Object> properties = new HashMap<>();
        settings.config().properties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                properties.put(k, v);
            }
        });
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address.toString());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ATTEMPT.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ATTEMPT.toMillis());
        try (Admin admin = Admin.create(properties)) {
            admin.describeTopics(List.of(settings.topic()), new DescribeTopicsOptions()
                    .timeoutMs((int) ATTEMPT.toMillis())).allTopicNames().get();
            return new Answer(true, null);
        } catch (ExecutionException e) {
            return e.getCause() instanceof UnknownTopicOrPartitionException ? new Answer(false, null)
                    : new Answer(false, reason(e.getCause(), settings.topic()));
        } catch (KafkaException e) {
            return new Answer(false, "could not set up the Kafka client: " + innermost(e) + " (check kafka-config)");
        }
    }

    /**
     * Whether the cluster made the topic when the producer asked for it (a cluster with
     * auto.create.topics.enable does; each ask waits {@link #METADATA_WAIT}).
     */
    private static boolean createdOnFirstUse(KafkaProducer<byte[], byte[]> producer, String topic) {
        for (int ask = 0; ask < 5; ask++) {
            try {
                producer.partitionsFor(topic);
                return true;
            } catch (TimeoutException notYet) {
                // asked again
            }
        }
        return false;
    }

    /** Why the cluster could not be published to, in words for the user. */
    private static String reason(Throwable e, String topic) {
        return switch (e) {
            case TimeoutException timeout -> "no answer within " + ATTEMPT.toSeconds() + " s; start the cluster, check"
                    + " address and kafka-config (security.protocol), or raise max-connect-attempts";
            case SslAuthenticationException tls -> "the TLS handshake failed (ssl.* in kafka-config): "
                    + innermost(tls);
            case AuthenticationException auth -> "it refused the credentials (sasl.* in kafka-config): "
                    + innermost(auth);
            case AuthorizationException denied -> "it does not allow this client to describe or write topic '"
                    + topic + "': " + innermost(denied);
            default -> innermost(e);
        };
    }

    private static String innermost(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner && inner.getCause().getMessage() != null) {
            inner = inner.getCause();
        }
        return inner.getMessage();
    }

    /** The bootstrap servers, for messages. */
    public String address() {
        return address.toString();
    }

    /**
     * Queues the record of {@code frame}; never waits. Beyond the bounds the oldest records not yet
     * handed over make room, counted as dropped; the newest always stays.
     */
    public void offer(long frame, CharSequence record) {
        byte[] bytes = record.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            held.add(new Record(frame, offered++, bytes), inProducer);
            lock.notifyAll();
        }
    }

    /** The sender thread: hands records over in order, and tells what happens to them. */
    private void send() {
        try {
            while (true) {
                Record next = null;
                String report = null;
                synchronized (lock) {
                    while (!closing && (report = dueReport()) == null && (next = sendable()) == null) {
                        lock.wait(untilReportMillis());
                    }
                    if (closing) {
                        return;
                    }
                    if (report == null) {
                        held.waiting.pollFirst();
                        // A record back from a send() without partitions does not restart the stall's clock.
                        if (inProducer++ == 0 && !noPartitions) {
                            lastProgress = System.nanoTime();
                        }
                    }
                }
                if (report != null) {
                    warnings.accept(report);
                } else {
                    hand(next);
                }
            }
        } catch (InterruptedException | InterruptException e) {
            // close()
        }
    }

    private Record sendable() {
        return inProducer < window ? held.waiting.peekFirst() : null;
    }

    /** To the producer; its answer comes on its own thread ({@link #answered}). */
    private void hand(Record record) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), key, record.bytes()),
                    (metadata, problem) -> answered(record, problem));
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // Not taken (the producer calls back only for the errors it returns): refused here.
            answered(record, e);
        }
    }

    /**
     * The producer's answer for a record: delivered, or refused for good ({@code problem}). On the
     * sender thread it is an answer from send() itself: the record was not taken; without
     * partitions for the topic, it goes back to the head of the queue.
     */
    private void answered(Record record, Exception problem) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            inProducer--;
            if (Thread.currentThread() == sender && problem instanceof TimeoutException) {
                noPartitions = true;
                held.waiting.addFirst(record);
                return;
            }
            noPartitions = false;
            held.answered(record);
            long now = System.nanoTime();
            lastProgress = now;
            if (problem == null) {
                ackedSeq = record.seq();
            } else {
                refused.add(record.frame());
                refusedWhy = innermost(problem);
            }
            if (lostAt != 0) {
                back = new Return(now - lostAt, offered, held.waiting.size() + inProducer);
                lostAt = 0;
            }
            lock.notifyAll();
        }
    }

    /**
     * A return of the cluster, told once what it held is delivered (or after {@link #REPORT_EVERY})
     * with every drop until then: one WARNING an outage.
     *
     * @param until the records offered before it (what it held is delivered once the last is answered)
     */
    private record Return(long awayNanos, long until, int held, long at) {
        Return(long awayNanos, long until, int held) {
            this(awayNanos, until, held, System.nanoTime());
        }
    }

    /** {@code sentAfterNanos}: how long delivering the backlog took (0: not all delivered yet). */
    private String backReport(long sentAfterNanos) {
        Return told = back;
        back = null;
        held.told();
        return String.format(Locale.ROOT, "Kafka cluster %s is back after %.1f s; %s; then the %d records held, in"
                + " order%s", address, told.awayNanos() / 1e9, held.drops.take(" while it was away or the backlog"
                + " was sent", held.bounds()), told.held(), sentAfterNanos == 0 ? ""
                : String.format(Locale.ROOT, " (delivered in %.1f s)", sentAfterNanos / 1e9));
    }

    /**
     * What to tell now, if anything: a refusal (at once, then at most every {@link #REPORT_EVERY});
     * a loss ({@link #STALL} without an answer); a return, once what it held is delivered; drops
     * with the cluster there, once the queue is empty again or the first is {@link #REPORT_EVERY}
     * old, at most that often (a cluster slower than the stream).
     */
    private String dueReport() {
        long now = System.nanoTime();
        if (!refused.isEmpty() && now - lastRefusalReport >= REPORT_EVERY.toNanos()) {
            lastRefusalReport = now;
            return "Kafka cluster " + address + ": " + refused.take(REFUSED, refusedWhy);
        }
        if (lostAt == 0 && back == null && (inProducer > 0 || noPartitions)
                && now - lastProgress >= STALL.toNanos()) {
            lostAt = lastProgress;
            return String.format(Locale.ROOT, "lost the Kafka cluster at %s: no acknowledgement for %.1f s; the"
                    + " producer keeps retrying (every %d s at most), keeping up to %d records / %d bytes", address,
                    (now - lastProgress) / 1e9, settings.maxReconnectInterval().toSeconds(), settings.maxQueued(),
                    settings.maxQueuedBytes());
        }
        if (lostAt != 0) {
            return null;
        }
        if (back != null) {
            return ackedSeq >= back.until() - 1 || held.waiting.isEmpty() && inProducer == 0
                    ? backReport(now - back.at())
                    : now - back.at() >= REPORT_EVERY.toNanos() ? backReport(0) : null;
        }
        return held.slowerReport("the Kafka cluster at " + address);
    }

    /** How long the sender may wait for news before a report may fall due; 0: none can. */
    private long untilReportMillis() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        if ((inProducer > 0 || noPartitions) && lostAt == 0 && back == null) {
            next = (lastProgress + STALL.toNanos() - now) / 1_000_000;
        }
        if (back != null) {
            next = Math.min(next, REPORT_EVERY.toMillis() - (now - back.at()) / 1_000_000);
        } else if (held.untilSlowerReportMillis() > 0) {
            next = Math.min(next, held.untilSlowerReportMillis());
        }
        if (!refused.isEmpty()) {
            next = Math.min(next, (lastRefusalReport + REPORT_EVERY.toNanos() - now) / 1_000_000);
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next);
    }

    /**
     * At the end of the stream: waits (up to a few seconds, or until {@link #release}) for the
     * cluster to acknowledge every record held, then tells what was dropped and what is left.
     */
    public void flush() throws InterruptedException {
        finish(true);
    }

    /** Ends a {@link #flush} at once: the element is stopping. */
    public void release() {
        synchronized (lock) {
            released = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits up to {@link #DRAIN} for every record held to be answered, unless {@code releasable}
     * and released; then tells, once, what was dropped or refused and what is left. The records
     * not handed over then are given up: delivered later, they would arrive after they were told
     * missing.
     */
    private void finish(boolean releasable) throws InterruptedException {
        String report;
        synchronized (lock) {
            HeldRecords.awaitEnd(lock, DRAIN,
                    () -> releasable && released || held.waiting.isEmpty() && inProducer == 0);
            int unsent = held.dropWaiting();
            boolean tellLeft = inProducer > 0 && !leftTold;
            leftTold |= tellLeft;
            if (held.drops.isEmpty() && refused.isEmpty() && !tellLeft) {
                return;
            }
            List<String> told = new ArrayList<>();
            if (!held.drops.isEmpty() || refused.isEmpty() && !tellLeft) {
                told.add(held.drops.take("", unsent == 0 ? held.bounds() : unsent + " of them not handed to the"
                        + " producer when the stream ended" + (lostAt != 0 ? ", the cluster away" : "")));
            }
            if (!refused.isEmpty()) {
                told.add(refused.take(REFUSED, refusedWhy));
            }
            if (tellLeft) {
                told.add(inProducer + " handed to the producer, not acknowledged (they may have arrived)");
            }
            report = "Kafka cluster " + address + ", at the end of the stream: " + String.join("; ", told);
        }
        warnings.accept(report);
    }

    /**
     * Lets the sender deliver what is held while the cluster is there (up to a few seconds), tells
     * what is left, and closes the producer.
     */
    @Override
    public void close() throws InterruptedException {
        finish(false);
        boolean left;
        synchronized (lock) {
            closing = true;
            left = inProducer > 0;
            lock.notifyAll();
        }
        sender.interrupt();
        sender.join();
        // What is still in the producer was told as not acknowledged: it is not waited for.
        producer.close(left ? Duration.ZERO : DRAIN);
    }
}
