package org.ovgst.gst.meta;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * ovmetapublish's MQTT output (Eclipse Paho, MQTT 3.1.1, QoS 1): records go into a bounded queue
 * that the streaming thread never waits on, and one sender thread publishes them in order, each
 * acknowledged before the next. A broker that goes away does not stop the pipeline: the sender
 * reconnects with a backoff (1 s, doubled up to {@code maxReconnectInterval}), the queue keeps the
 * newest records up to {@code maxQueued} records and {@code maxQueuedBytes} bytes (the oldest are
 * dropped beyond that, and counted), and once the broker is back the queue is sent in order and the
 * drops are reported. Only the first connection may fail the element (after
 * {@code maxConnectAttempts}). QoS 1 is at least once: a record the broker took just as the
 * connection broke may arrive twice (its {@code frame} tells).
 */
public final class MqttPublisher implements AutoCloseable {
    /** ovmetapublish's MQTT properties. */
    public record Settings(String address, String topic, String clientId, int maxConnectAttempts,
            Duration maxReconnectInterval, int maxQueued, long maxQueuedBytes, MqttConfig config) {}

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** How long close() lets the sender send what is queued to a connected broker. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final Settings settings;
    /** Told, on the sender thread, when the broker is lost and when it is back (with what was dropped). */
    private final Consumer<String> warnings;
    private final String uri;
    private final MqttClient client;
    private final MqttConnectOptions options;
    // Guarded by queue.
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long droppedSinceLost;
    /** The head of the queue while the sender publishes it: never dropped. */
    private byte[] sending;
    private boolean closing;
    private final Thread sender;

    private MqttPublisher(Settings settings, Consumer<String> warnings, String uri, MqttClient client,
            MqttConnectOptions options) {
        this.settings = settings;
        this.warnings = warnings;
        this.uri = uri;
        this.client = client;
        this.options = options;
        this.sender = Thread.ofPlatform().daemon().name("ovmetapublish-mqtt " + uri).unstarted(this::send);
    }

    /**
     * Connects (up to {@code maxConnectAttempts} times, with the backoff between) and starts sending.
     *
     * @throws IllegalArgumentException naming the broker and why, when no attempt connected or the
     *     settings are wrong
     */
    public static MqttPublisher open(Settings settings, Consumer<String> warnings) throws InterruptedException {
        String uri = uri(settings.address(), settings.config().tls());
        MqttClient client;
        try {
            client = new MqttClient(uri, settings.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("address '" + settings.address() + "' is not an MQTT broker address: "
                    + reason(e) + "; give host:port (e.g. 127.0.0.1:1883) or tcp://host:port, ssl://host:port", e);
        }
        // Acknowledgements are waited for with a bound: a broker that vanished must not hold the sender.
        client.setTimeToWait(10_000);
        MqttConnectOptions options = settings.config().options();
        MqttPublisher publisher = new MqttPublisher(settings, warnings, uri, client, options);
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                client.connect(options);
                break;
            } catch (MqttException e) {
                if (attempt >= settings.maxConnectAttempts()) {
                    closeQuietly(client);
                    throw new IllegalArgumentException("could not connect to the MQTT broker at " + uri + " ("
                            + attempt + (attempt == 1 ? " attempt" : " attempts") + "): " + reason(e)
                            + "; start the broker, check address and mqtt-config, or raise max-connect-attempts", e);
                }
            }
            Thread.sleep(wait);
            wait = next(wait, settings.maxReconnectInterval());
        }
        publisher.sender.start();
        return publisher;
    }

    /** {@code host:port} gets {@code tcp://} (or {@code ssl://} with TLS); a URI stays as it is. */
    static String uri(String address, boolean tls) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("property 'address' is not set: give the MQTT broker as host:port,"
                    + " e.g. 127.0.0.1:1883");
        }
        return address.contains("://") ? address : (tls ? "ssl://" : "tcp://") + address;
    }

    /** The broker's URI, for messages. */
    public String uri() {
        return uri;
    }

    /**
     * Queues a record; never waits. Beyond the bounds the oldest queued records make room and are
     * counted as dropped.
     */
    public void offer(CharSequence record) {
        byte[] bytes = record.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (queue) {
            queue.addLast(bytes);
            queuedBytes += bytes.length;
            // The record being sent stays (it may be delivered), and so does the newest.
            while (queue.size() > (queue.peekFirst() == sending ? 2 : 1)
                    && (queue.size() > settings.maxQueued() || queuedBytes > settings.maxQueuedBytes())) {
                byte[] head = queue.pollFirst();
                if (head == sending) {
                    queuedBytes -= queue.pollFirst().length;
                    queue.addFirst(head);
                } else {
                    queuedBytes -= head.length;
                }
                droppedSinceLost++;
            }
            queue.notifyAll();
        }
    }

    /** The sender thread: the oldest record, published and acknowledged, then the next, in order. */
    private void send() {
        Duration wait = FIRST_RETRY;
        long lostAt = 0;
        while (true) {
            byte[] next;
            synchronized (queue) {
                while (queue.isEmpty() && !closing) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                next = queue.peekFirst();
                sending = next;
            }
            try {
                if (!client.isConnected()) {
                    client.connect(options);
                    if (lostAt != 0) {
                        long dropped;
                        synchronized (queue) {
                            dropped = droppedSinceLost;
                            droppedSinceLost = 0;
                        }
                        warnings.accept(String.format(Locale.ROOT, "MQTT broker %s is back after %.1f s; %d record%s"
                                + " dropped while it was away (beyond max-queued=%d, max-queued-bytes=%d); the"
                                + " queued ones follow in order", uri, (System.nanoTime() - lostAt) / 1e9, dropped,
                                dropped == 1 ? " was" : "s were", settings.maxQueued(), settings.maxQueuedBytes()));
                        lostAt = 0;
                    }
                    wait = FIRST_RETRY;
                }
                MqttMessage message = new MqttMessage(next);
                message.setQos(1);
                client.publish(settings.topic(), message);
                synchronized (queue) {
                    queue.pollFirst();
                    queuedBytes -= next.length;
                    sending = null;
                }
            } catch (MqttException e) {
                if (lostAt == 0) {
                    lostAt = System.nanoTime();
                    warnings.accept("lost the MQTT broker at " + uri + ": " + reason(e) + "; reconnecting (every "
                            + settings.maxReconnectInterval().toSeconds() + " s at most), queueing up to "
                            + settings.maxQueued() + " records / " + settings.maxQueuedBytes() + " bytes");
                }
                closeConnection();
                synchronized (queue) {
                    if (closing) {
                        return;
                    }
                    try {
                        queue.wait(wait.toMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
                wait = next(wait, settings.maxReconnectInterval());
            }
        }
    }

    private static Duration next(Duration wait, Duration most) {
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(most) > 0 ? most : doubled;
    }

    private void closeConnection() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException ignored) {
            // Already gone: nothing to close.
        }
    }

    /**
     * Lets the sender send what is queued while the broker is there (up to a few seconds), then
     * disconnects. What is still queued then is left unsent.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (queue) {
            closing = true;
            queue.notifyAll();
        }
        sender.join(DRAIN);
        sender.interrupt();
        sender.join();
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException ignored) {
            // Closing anyway.
        }
        closeQuietly(client);
    }

    private static void closeQuietly(MqttClient client) {
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // Nothing more to do.
        }
    }

    static String reason(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return e instanceof MqttException && e.getCause() != null ? e.getMessage() + " (" + message + ")" : message;
    }
}
