package org.ovgst.gst.publish;

import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * ovmetapublish's MQTT output (Eclipse Paho, MQTT 3.1.1, QoS 1). Records go into a bounded queue
 * that the streaming thread never waits on; one sender thread publishes them in order with up to
 * {@link #WINDOW} unacknowledged at a time (one at a time cannot keep 30 records a second over a
 * 50 ms round trip). A broker that goes away does not stop the pipeline: the sender reconnects with
 * a backoff (1 s, doubled up to {@code maxReconnectInterval}) and resends first, in order, every
 * record it had sent without an acknowledgement (QoS 1 is at least once: the broker may have had
 * them), then the queue. What is held (queued or unacknowledged) is bounded by {@code maxQueued}
 * records and {@code maxQueuedBytes} bytes: beyond that the oldest records not yet sent are
 * dropped, and every drop is told exactly once ({@link Drops}). Only the first connection may fail
 * the element (after {@code maxConnectAttempts}).
 */
public final class MqttPublisher implements RecordPublisher {
    /** ovmetapublish's MQTT properties. */
    public record Settings(String address, String topic, String clientId, int maxConnectAttempts,
            Duration maxReconnectInterval, int maxQueued, long maxQueuedBytes, MqttConfig config) {}

    /** Records published and not yet acknowledged, at most (and Paho's maxInflight). */
    static final int WINDOW = 16;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** How long close() lets the sender send what is held to a broker that is there. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final Duration REPORT_EVERY = HeldRecords.REPORT_EVERY;

    /** A record, and the connection it was last published on (0: not on the current one). */
    private static final class Record implements HeldRecords.Held {
        final long frame;
        final byte[] bytes;
        long connection;

        Record(long frame, byte[] bytes) {
            this.frame = frame;
            this.bytes = bytes;
        }

        @Override
        public long frame() {
            return frame;
        }

        @Override
        public int size() {
            return bytes.length;
        }
    }

    private final Settings settings;
    private final MqttAddress address;
    /** Told, on the sender thread, when the broker is lost, when it is back and what was dropped. */
    private final Consumer<String> warnings;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final int window;
    private final Thread sender;

    private final Object lock = new Object();
    // Guarded by lock.
    /** Not yet published ({@code held.waiting}): the oldest are dropped beyond the bounds. */
    private final HeldRecords<Record> held;
    /** Published, not acknowledged, in order: never dropped (the broker may have them), resent after a loss. */
    private final ArrayDeque<Record> unacked = new ArrayDeque<>();
    /** The current connection's number; 0 while there is none. */
    private long connection;
    private long connections;
    /** Records of {@code unacked} published on the current connection, not yet answered. */
    private int inFlight;
    /** Why the current connection broke, as the callbacks found it; null while it holds. */
    private String lost;
    /** When the broker was lost (System.nanoTime()), 0 while it is there. */
    private long lostAt;
    /** Its return, not told yet. */
    private Return back;
    /** close(): the sender ends. */
    private boolean closing;
    /** The element is stopping: a flush waits no longer. */
    private boolean released;

    private MqttPublisher(Settings settings, MqttAddress address, Consumer<String> warnings) throws MqttException {
        this.settings = settings;
        this.address = address;
        this.warnings = warnings;
        this.window = Math.min(WINDOW, settings.maxQueued());
        held = new HeldRecords<>(settings.maxQueued(), settings.maxQueuedBytes());
        options = settings.config().options();
        // Paho counts a publish out before it tells us it was acknowledged (CommsCallback), so with
        // its bound at ours its "too many publishes in progress" (32202) cannot come.
        options.setMaxInflight(window);
        if (address.tls()) {
            SSLSocketFactory tls = settings.config().socketFactory();
            options.setSocketFactory(new TlsSocketFactory(tls != null ? tls
                    : (SSLSocketFactory) SSLSocketFactory.getDefault(), address.host()));
        }
        // Paho wants a URI here; each connection gives it the addresses the host has then (setServerURIs).
        client = new MqttAsyncClient("tcp://127.0.0.1:" + address.port(), settings.clientId(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // Paho tells this after its state is DISCONNECTED: by then the sender may be connected anew.
                long current = connection();
                if (!client.isConnected()) {
                    broke(current, cause);
                }
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        sender = Thread.ofPlatform().daemon().name("ovmetapublish-mqtt " + address.uri()).unstarted(this::send);
    }

    /**
     * Connects (up to {@code maxConnectAttempts} times, with the backoff between) and starts sending.
     *
     * @throws IllegalArgumentException naming the broker and why, when no attempt connected or the
     *     settings are wrong
     */
    public static MqttPublisher open(Settings settings, Consumer<String> warnings) throws InterruptedException {
        MqttAddress address = MqttAddress.parse(settings.address(), settings.config().tls());
        try {
            MqttTopic.validate(settings.topic(), false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("topic '" + settings.topic() + "' cannot be published to: a topic is 1"
                    + " to 65535 bytes, without the wildcards + and #", e);
        }
        MqttPublisher publisher;
        try {
            publisher = new MqttPublisher(settings, address, warnings);
        } catch (MqttException e) {
            throw new IllegalArgumentException("could not set up the MQTT client for " + address.uri() + ": "
                    + MqttReasons.of(e), e);
        }
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            String failed = publisher.connect();
            if (failed == null) {
                break;
            }
            if (attempt >= settings.maxConnectAttempts()) {
                publisher.closeClient();
                throw new IllegalArgumentException("could not connect to the MQTT broker at " + address.uri() + " ("
                        + attempt + (attempt == 1 ? " attempt" : " attempts") + "): " + failed
                        + "; start the broker, check address and mqtt-config, or raise max-connect-attempts");
            }
            Thread.sleep(wait);
            wait = next(wait, settings.maxReconnectInterval());
        }
        publisher.sender.start();
        return publisher;
    }

    /** The broker's URI as written, for messages. */
    public String uri() {
        return address.uri();
    }

    /**
     * Queues the record of {@code frame}; never waits. Beyond the bounds the oldest records not yet
     * sent make room, counted as dropped; the newest always stays.
     */
    public void offer(long frame, CharSequence record) {
        Record added = new Record(frame, record.toString().getBytes(StandardCharsets.UTF_8));
        synchronized (lock) {
            held.add(added, unacked.size());
            lock.notifyAll();
        }
    }

    /**
     * Resolves the host and connects; null when connected, otherwise why not (in words). A new
     * connection resends every unacknowledged record first.
     */
    private String connect() {
        try {
            options.setServerURIs(address.pahoUris());
        } catch (UnknownHostException e) {
            return address.unknownHost();
        }
        try {
            IMqttToken token = client.connect(options);
            // Paho bounds the TCP connection and the TLS handshake, not the wait for the broker's CONNACK.
            token.waitForCompletion((options.getConnectionTimeout() + 5) * 1000L * options.getServerURIs().length);
        } catch (MqttException e) {
            closeConnection();
            return MqttReasons.of(e);
        }
        synchronized (lock) {
            connection = ++connections;
            inFlight = 0;
            lost = null;
            lock.notifyAll();
        }
        return null;
    }

    private long connection() {
        synchronized (lock) {
            return connection;
        }
    }

    /** A callback's news that connection {@code broken} failed; later news of an old connection is stale. */
    private void broke(long broken, Throwable cause) {
        synchronized (lock) {
            if (broken == connection && broken != 0 && lost == null) {
                lost = MqttReasons.of(cause);
                lock.notifyAll();
            }
        }
    }

    /** What Paho says of each record published: acknowledged, or not (then the connection broke). */
    private final IMqttActionListener answered = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            Sent sent = (Sent) token.getUserContext();
            synchronized (lock) {
                // Also when it comes after a reconnection: the record arrived, no need to resend it.
                if (unacked.remove(sent.record())) {
                    held.answered(sent.record());
                }
                if (sent.connection() == connection) {
                    inFlight--;
                }
                lock.notifyAll();
            }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable problem) {
            broke(((Sent) token.getUserContext()).connection(), problem);
        }
    };

    private record Sent(Record record, long connection) {}

    /** The sender thread: publishes in order, reconnects, and tells what was dropped. */
    private void send() {
        Duration wait = FIRST_RETRY;
        try {
            while (true) {
                Record next = null;
                long on;
                String report = null;
                String broken = null;
                synchronized (lock) {
                    while (!closing && (broken = lost) == null && (report = dueReport()) == null
                            && (next = sendable()) == null) {
                        lock.wait(untilReportMillis());
                    }
                    if (closing) {
                        return;
                    }
                    on = connection;
                    if (broken == null && report == null) {
                        if (next.connection == 0 && held.waiting.peekFirst() == next) {
                            unacked.addLast(held.waiting.pollFirst());
                        }
                        next.connection = on;
                        inFlight++;
                    }
                }
                if (report != null) {
                    warnings.accept(report);
                } else if (broken != null) {
                    reconnect(broken, wait);
                    wait = connection() != 0 ? FIRST_RETRY : next(wait, settings.maxReconnectInterval());
                } else {
                    publish(next, on);
                }
            }
        } catch (InterruptedException e) {
            // close()
        }
    }

    /** After a loss: tells it (the first time), waits {@code wait}, and tries once to connect again. */
    private void reconnect(String broken, Duration wait) throws InterruptedException {
        String told = null;
        synchronized (lock) {
            if (back != null) {
                // Lost again before its return was told: that comes first.
                told = back.report(0);
            }
            if (lostAt == 0) {
                lostAt = System.nanoTime();
                told = (told == null ? "" : told + "; then ") + "lost the MQTT broker at " + uri() + ": " + broken
                        + "; reconnecting (every " + settings.maxReconnectInterval().toSeconds() + " s at most),"
                        + " keeping up to " + settings.maxQueued() + " records / " + settings.maxQueuedBytes()
                        + " bytes";
            }
        }
        if (told != null) {
            warnings.accept(told);
        }
        closeConnection();
        pause(wait);
        if (connect() == null) {
            synchronized (lock) {
                back = new Return(System.nanoTime() - lostAt, unsentAgain(), held.waiting.size());
                lostAt = 0;
            }
        }
    }

    /**
     * A return of the broker, told once what it held is sent (or after {@link #REPORT_EVERY}) with
     * every drop until then: one WARNING an outage.
     */
    private final class Return {
        final long awayNanos;
        final long resent;
        final int queued;
        final long at = System.nanoTime();

        Return(long awayNanos, long resent, int queued) {
            this.awayNanos = awayNanos;
            this.resent = resent;
            this.queued = queued;
        }

        /**
         * The WARNING, with the drops so far; then the return is told. {@code sentAfterNanos}: how
         * long sending the backlog took (0: not all sent).
         */
        String report(long sentAfterNanos) {
            back = null;
            held.told();
            return String.format(Locale.ROOT, "MQTT broker %s is back after %.1f s; %s%s; then the %d records"
                    + " held, in order%s", uri(), awayNanos / 1e9, held.drops.take(" while it was away or the"
                    + " backlog was sent", held.bounds()), resent == 0 ? "" : "; " + resent + " unacknowledged record"
                    + (resent == 1 ? " was" : "s were") + " sent again first (the broker may have had "
                    + (resent == 1 ? "it" : "them") + ": QoS 1 is at least once)", queued,
                    sentAfterNanos == 0 ? "" : String.format(Locale.ROOT, " (sent in %.1f s)", sentAfterNanos / 1e9));
        }
    }

    /** The next record to publish on the current connection: unacknowledged ones first, in order. */
    private Record sendable() {
        if (connection == 0 || inFlight >= window) {
            return null;
        }
        for (Record record : unacked) {
            if (record.connection != connection) {
                return record;
            }
        }
        return held.waiting.peekFirst();
    }

    /**
     * What to tell while the broker is there: its return, once what it held is sent; drops since,
     * once the queue is sent again or the first is {@link #REPORT_EVERY} old, at most that often
     * (a broker slower than the stream).
     */
    private String dueReport() {
        if (connection == 0) {
            return null;
        }
        long now = System.nanoTime();
        if (back != null) {
            return held.waiting.isEmpty() && unsentAgain() == 0 ? back.report(now - back.at)
                    : now - back.at >= REPORT_EVERY.toNanos() ? back.report(0) : null;
        }
        return held.slowerReport("the MQTT broker at " + uri());
    }

    private long unsentAgain() {
        return unacked.stream().filter(r -> r.connection != connection).count();
    }

    /** How long the sender may wait for news before a report falls due; 0: none pending. */
    private long untilReportMillis() {
        if (back != null) {
            return Math.max(1, REPORT_EVERY.toMillis() - (System.nanoTime() - back.at) / 1_000_000);
        }
        return held.untilSlowerReportMillis();
    }

    private void publish(Record record, long on) {
        try {
            client.publish(settings.topic(), record.bytes, 1, false, new Sent(record, on), answered);
        } catch (MqttException e) {
            synchronized (lock) {
                record.connection = 0;
                inFlight--;
            }
            broke(on, e);
        }
    }

    /** Waits {@code wait} before the next attempt, unless closing; new records do not cut it short. */
    private void pause(Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            for (long left = wait.toNanos(); left > 0 && !closing; left = until - System.nanoTime()) {
                lock.wait(Math.max(1, left / 1_000_000));
            }
            if (closing) {
                throw new InterruptedException();
            }
        }
    }

    private static Duration next(Duration wait, Duration most) {
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(most) > 0 ? most : doubled;
    }

    private void closeConnection() {
        synchronized (lock) {
            connection = 0;
        }
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException ignored) {
            // Already gone: nothing to close.
        }
    }

    /**
     * At the end of the stream: waits (up to a few seconds, or until {@link #release}) for the
     * broker to acknowledge every record held, then tells what was dropped and what is left.
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
     * Waits up to {@link #DRAIN} for every record held to be acknowledged, unless {@code releasable}
     * and released; then tells, once, what was dropped and what is left. The records not sent then
     * are given up: sent later, they would arrive after they were told missing.
     */
    private void finish(boolean releasable) throws InterruptedException {
        String report;
        synchronized (lock) {
            HeldRecords.awaitEnd(lock, DRAIN,
                    () -> releasable && released || held.waiting.isEmpty() && unacked.isEmpty());
            int unsent = held.dropWaiting();
            if (held.drops.isEmpty() && unacked.isEmpty()) {
                return;
            }
            report = "MQTT broker " + uri() + ", at the end of the stream: " + held.drops.take("", unsent == 0 ? held.bounds() : unsent + " of them"
                    + " not sent when the stream ended" + (connection == 0 ? ", the broker away" : ""))
                    + (unacked.isEmpty() ? "" : "; " + unacked.size() + " sent, not acknowledged (they may have"
                    + " arrived)");
        }
        warnings.accept(report);
    }

    /**
     * Lets the sender send what is held while the broker is there (up to a few seconds), tells what
     * is left, and disconnects.
     */
    @Override
    public void close() throws InterruptedException {
        finish(false);
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        // Out of a connection attempt too (Paho's wait for it ends on an interrupt).
        sender.interrupt();
        sender.join();
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException ignored) {
            // Closing anyway.
        }
        closeClient();
    }

    private void closeClient() {
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // Nothing more to do.
        }
    }
}
