package org.ovgst.gst;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.ovgst.testing.MosquittoBroker;

/**
 * The tests' oracle: a subscriber with a persistent session (QoS 1), so the broker keeps what comes
 * for it while it reconnects after a restart, and what it receives is what ovmetapublish
 * delivered. It notes when each record came.
 */
public final class MqttSubscriber implements AutoCloseable {
    /** A record received: its frame and when it came (System.nanoTime()). */
    public record Received(long frame, long at, String json) {}

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final MqttClient client;

    MqttSubscriber(MosquittoBroker broker, String topic) throws Exception {
        this(broker, topic, null, null);
    }

    MqttSubscriber(MosquittoBroker broker, String topic, String user, String password) throws Exception {
        client = new MqttClient("tcp://" + broker.address(), "test-subscriber", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(200);
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
                String json = new String(message.getPayload(), StandardCharsets.UTF_8);
                long frame = ((Number) ((Map<?, ?>) new GstTestSupport.Json(json).parseComplete()).get("frame"))
                        .longValue();
                received.add(new Received(frame, System.nanoTime(), json));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        client.connect(options);
        client.subscribe(topic, 1);
    }

    /** The frame of each record received, in arrival order. */
    public List<Long> frames() {
        List<Long> frames = new ArrayList<>();
        received.forEach(r -> frames.add(r.frame()));
        return frames;
    }

    /** Waits until the record of {@code frame} came (records come in order), or a few seconds passed. */
    public void awaitFrame(long frame) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (received.stream().noneMatch(r -> r.frame() == frame) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        // No quiescing (Paho's default waits 30 s when the broker is gone).
        client.disconnectForcibly(0, 1000);
        client.close(true);
    }
}
