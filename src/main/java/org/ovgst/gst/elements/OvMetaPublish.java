package org.ovgst.gst.elements;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ovgst.files.UserFiles;
import org.ovgst.gst.binding.VideoCaps;
import org.ovgst.gst.bridge.BridgeBin;
import org.ovgst.gst.bridge.BufferFrame;
import org.ovgst.gst.gobject.ElementSpec;
import org.ovgst.gst.gobject.Property;
import org.ovgst.gst.meta.RoiMeta;
import org.ovgst.gst.meta.TensorMeta;
import org.ovgst.gst.publish.FrameMeta;
import org.ovgst.gst.publish.JsonLines;
import org.ovgst.gst.publish.KafkaConfig;
import org.ovgst.gst.publish.KafkaPublisher;
import org.ovgst.gst.publish.LineOutput;
import org.ovgst.gst.publish.MqttConfig;
import org.ovgst.gst.publish.MqttPublisher;
import org.ovgst.gst.publish.RecordPublisher;

/**
 * {@code ovmetapublish}: each frame's regions of interest and classifications as a JSON record in
 * DL Streamer's layout ({@link JsonLines}), with DL Streamer's gvametapublish property names.
 * {@code method=file}: to a file or standard output, one record a line ({@code file-format=json-lines})
 * or one JSON array of them ({@code json}); each frame's record is written before the frame goes on
 * ({@link LineOutput}), and the first write that fails stops the stream with an error naming the file
 * and the OS's reason. {@code method=mqtt}: to an MQTT broker ({@link MqttPublisher}), whose absence
 * after the first connection never stops the stream: records wait in a bounded queue, and what is
 * dropped is told in a bus WARNING; at the end of stream the records held go out first (a few
 * seconds at most). {@code method=kafka}: to a Kafka topic ({@link KafkaPublisher}), the same way, each
 * record keyed by its source (one camera's records in one partition, in order). Frames pass through.
 */
public final class OvMetaPublish extends BridgeBin {
    private static final Property.Text LOCATION = new Property.Text("location",
            "File to write the records to; - for standard output", "-", Property.Mutability.READY_ONLY);
    private static final Property.Choice FILE_FORMAT = new Property.Choice("file-format",
            "json-lines: one JSON record a line, written as each frame passes; json: one JSON array of the records,"
                    + " closed when the stream ends", "GstOvMetaPublishFileFormat",
            List.of(new Property.Choice.Value("json-lines", "one JSON record a line, each written as its frame passes"),
                    new Property.Choice.Value("json", "one JSON array of the records, closed at the end")),
            "json-lines", Property.Mutability.READY_ONLY);
    private static final Property.Text SOURCE = new Property.Text("source",
            "Where the frames come from, published as each record's source (e.g. the camera's URI); unset, none",
            null, Property.Mutability.READY_ONLY);

    private static final Property.Choice METHOD = new Property.Choice("method",
            "Where the records go: file (location), mqtt or kafka (address, topic)", "GstOvMetaPublishMethod",
            List.of(new Property.Choice.Value("file", "to the file location (- for standard output)"),
                    new Property.Choice.Value("mqtt", "to topic on the MQTT broker at address"),
                    new Property.Choice.Value("kafka", "to topic on the Kafka cluster whose bootstrap servers are"
                            + " address")), "file",
            Property.Mutability.READY_ONLY);
    private static final Property.Text ADDRESS = new Property.Text("address",
            "method=mqtt: the broker, host:port, [IPv6]:port, tcp://host:port or ssl://host:port (a name is resolved"
                    + " at each connection; unset, 127.0.0.1:1883); method=kafka: the bootstrap servers, host:port,"
                    + " comma-separated (unset, 127.0.0.1:9092)",
            null, Property.Mutability.READY_ONLY);
    private static final Property.Text TOPIC = new Property.Text("topic",
            "method=mqtt, kafka: the topic each record is published to (MQTT: QoS 1)", "ovgst",
            Property.Mutability.READY_ONLY);
    private static final Property.Text KAFKA_KEY = new Property.Text("kafka-key",
            "method=kafka: each record's key, which picks its partition (unset: source, else the element's name)",
            null, Property.Mutability.READY_ONLY);
    private static final Property.Text KAFKA_CONFIG = new Property.Text("kafka-config",
            "method=kafka: a Kafka producer properties file (security.protocol, sasl.*, ssl.*: credentials stay off"
                    + " the command line)", null, Property.Mutability.READY_ONLY);
    private static final Property.Text MQTT_CLIENT_ID = new Property.Text("mqtt-client-id",
            "method=mqtt: the client id (unset: ovgst-<process id>-<element name>)", null,
            Property.Mutability.READY_ONLY);
    private static final Property.Text MQTT_CONFIG = new Property.Text("mqtt-config",
            "method=mqtt: a properties file with username, password, tls, ca-file, cert-file, key-file (credentials"
                    + " stay off the command line)", null, Property.Mutability.READY_ONLY);
    private static final Property.Int MAX_CONNECT_ATTEMPTS = new Property.Int("max-connect-attempts",
            "method=mqtt, kafka: attempts at the first connection before the element fails (later losses never fail"
                    + " it)",
            1, 100, 1, Property.Mutability.READY_ONLY);
    private static final Property.Int MAX_RECONNECT_INTERVAL = new Property.Int("max-reconnect-interval",
            "method=mqtt, kafka: longest wait between connection attempts, seconds (from 1 s, doubled each time)",
            1, 3600,
            30, Property.Mutability.READY_ONLY);
    private static final Property.Int MAX_QUEUED = new Property.Int("max-queued",
            "method=mqtt, kafka: records held, queued or awaiting the broker's acknowledgement; beyond that the"
                    + " oldest not yet sent are dropped (counted in a WARNING)", 1, 10_000_000, 10_000, Property.Mutability.READY_ONLY);
    private static final Property.Int MAX_QUEUED_BYTES = new Property.Int("max-queued-bytes",
            "method=mqtt, kafka: bytes of records held; beyond that the oldest not yet sent are dropped",
            1024, Integer.MAX_VALUE, 64 << 20, Property.Mutability.READY_ONLY);

    public static final ElementSpec SPEC = new ElementSpec("ovmetapublish", "GstOvMetaPublish",
            "OpenVINO metadata publisher", "Sink/Metadata/Video",
            "Writes each frame's regions of interest and classifications as JSON (DL Streamer's layout) and passes"
                    + " the frame on",
            List.of(METHOD, LOCATION, FILE_FORMAT, SOURCE, ADDRESS, TOPIC, MQTT_CLIENT_ID, MQTT_CONFIG, KAFKA_KEY,
                    KAFKA_CONFIG,
                    MAX_CONNECT_ATTEMPTS, MAX_RECONNECT_INTERVAL, MAX_QUEUED, MAX_QUEUED_BYTES),
            VideoCaps.ANY_RAW_VIDEO, VideoCaps.ANY_RAW_VIDEO, OvMetaPublish::new);

    private final StringBuilder line = new StringBuilder(256);
    private LineOutput output;
    /** method=mqtt or kafka. */
    private RecordPublisher publisher;
    /** file-format=json: whether the array's first record is written (the next one needs a comma). */
    private boolean array;
    private long written;
    private String source;

    private OvMetaPublish(MemorySegment self, ElementSpec spec) {
        super(self, spec);
    }

    /** Only the regions and the frame size are read: any raw video passes. */
    @Override
    protected boolean readsPixels() {
        return false;
    }

    @Override
    protected void start() throws IOException, InterruptedException {
        array = false;
        source = get(SOURCE);
        if (get(METHOD).equals("mqtt")) {
            startMqtt();
            return;
        }
        if (get(METHOD).equals("kafka")) {
            startKafka();
            return;
        }
        String location = get(LOCATION);
        if (location == null) {
            throw new IllegalArgumentException("property 'location' is not set: give a file to write to, or - for"
                    + " standard output");
        }
        array = get(FILE_FORMAT).equals("json");
        written = 0;
        output = LineOutput.open(location);
        logInfo(() -> "writing " + get(FILE_FORMAT) + " records to " + output.name());
    }

    private void startMqtt() throws InterruptedException {
        String configFile = get(MQTT_CONFIG);
        MqttConfig config = configFile == null || configFile.isBlank() ? MqttConfig.NONE
                : MqttConfig.read(Path.of(configFile));
        String clientId = get(MQTT_CLIENT_ID) != null ? get(MQTT_CLIENT_ID)
                : "ovgst-" + ProcessHandle.current().pid() + "-" + name();
        String address = get(ADDRESS) != null ? get(ADDRESS) : "127.0.0.1:1883";
        MqttPublisher mqtt = MqttPublisher.open(new MqttPublisher.Settings(address, get(TOPIC), clientId,
                get(MAX_CONNECT_ATTEMPTS), Duration.ofSeconds(get(MAX_RECONNECT_INTERVAL)), get(MAX_QUEUED),
                get(MAX_QUEUED_BYTES), config), message -> postWarning(ErrorKind.WRITE, message, null));
        publisher = mqtt;
        logInfo(() -> "publishing records to " + mqtt.uri() + " topic '" + get(TOPIC) + "' as " + clientId
                + " (QoS 1, up to " + get(MAX_QUEUED) + " records queued)");
    }

    private void startKafka() throws InterruptedException {
        String configFile = get(KAFKA_CONFIG);
        KafkaConfig config = configFile == null || configFile.isBlank() ? KafkaConfig.NONE
                : KafkaConfig.read(Path.of(configFile));
        String key = get(KAFKA_KEY) != null ? get(KAFKA_KEY) : source != null ? source : name();
        KafkaPublisher kafka = KafkaPublisher.open(new KafkaPublisher.Settings(get(ADDRESS) != null ? get(ADDRESS)
                : "127.0.0.1:9092", get(TOPIC), key, get(MAX_CONNECT_ATTEMPTS),
                Duration.ofSeconds(get(MAX_RECONNECT_INTERVAL)), get(MAX_QUEUED), get(MAX_QUEUED_BYTES), config),
                message -> postWarning(ErrorKind.WRITE, message, null));
        publisher = kafka;
        logInfo(() -> "publishing records to the Kafka cluster at " + kafka.address() + " topic '" + get(TOPIC)
                + "' with key '" + key + "' (acks=all, idempotent, up to " + get(MAX_QUEUED) + " records queued)");
    }

    @Override
    protected void process(BufferFrame frame) {
        line.setLength(0);
        if (array) {
            line.append(written == 0 ? "[\n" : ",\n");
        }
        JsonLines.appendRecord(line, new FrameMeta(frame.index(), frame.streamTime(), frame.width(),
                frame.height(), source, RoiMeta.read(frame.buffer()), TensorMeta.read(frame.buffer()),
                frame.pts()));
        if (frameLogging()) {
            logFrame(line.toString());
        }
        if (publisher != null) {
            publisher.offer(frame.index(), line);
            send(frame);
            return;
        }
        if (!array) {
            line.append('\n');
        }
        try {
            output.write(line);
        } catch (IOException e) {
            discard(frame);
            fail(ErrorKind.WRITE, "could not write the record of frame " + frame.index() + " to " + output.name()
                    + ": " + UserFiles.reason(e), e);
            return;
        }
        written++;
        send(frame);
    }

    /** The records still held go to the broker (a few seconds at most) before the end of stream does. */
    @Override
    protected void endOfStream() throws Exception {
        if (publisher != null) {
            publisher.flush();
        }
        sendEos();
    }

    @Override
    protected void unblock() {
        if (publisher != null) {
            publisher.release();
        }
    }

    @Override
    protected void stop() {
        if (publisher != null) {
            try {
                publisher.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            publisher = null;
        }
        if (output == null) {
            return;
        }
        try {
            if (array) {
                // The array's end, also when no frame came: the file is then "[]", still JSON.
                output.write(written == 0 ? "[]\n" : "\n]\n");
            }
            output.close();
        } catch (IOException e) {
            postWarning(ErrorKind.WRITE, "could not end " + output.name() + ": " + UserFiles.reason(e), null);
        }
        output = null;
    }
}
