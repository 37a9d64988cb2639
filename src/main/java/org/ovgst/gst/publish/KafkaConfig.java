package org.ovgst.gst.publish;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.ovgst.files.UserFiles;

/**
 * What ovmetapublish's {@code kafka-config} file says: Kafka producer properties, as Kafka's own
 * tools take them ({@code --producer.config}), kept out of the pipeline description (credentials):
 * <pre>
 * security.protocol = SASL_SSL
 * sasl.mechanism = SCRAM-SHA-512
 * sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="cam" password="s3cret";
 * ssl.truststore.location = ca.p12     # relative to this file's folder
 * compression.type = zstd
 * </pre>
 * The properties that make a record either delivered or counted as dropped are the publisher's
 * ({@link #RESERVED}) and refused here; so is a name the producer does not know (a typo would
 * otherwise be ignored with a log line nobody sees).
 *
 * @param properties the file's, its {@code *.location} paths made absolute
 */
public record KafkaConfig(Map<String, String> properties) {
    /** No file: plain TCP, no credentials, the producer's defaults. */
    public static final KafkaConfig NONE = new KafkaConfig(Map.of());

    /** Set by {@link KafkaPublisher}, with why. */
    static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "it is ovmetapublish's address"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "all: a record is delivered once every in-sync replica has it"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true: retries neither duplicate nor reorder"
                    + " records"),
            Map.entry(ProducerConfig.RETRIES_CONFIG, "records handed to the producer are retried until delivered"),
            Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "records handed to the producer never expire: what is"
                    + " dropped is dropped from ovmetapublish's own queue, counted (max-queued)"),
            Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5 at most keeps records in order"),
            Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, "it follows max-queued-bytes"),
            Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1 s: the sender notices a cluster without the topic's"
                    + " partitions"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "records are UTF-8 JSON, keys UTF-8"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "records are UTF-8 JSON, keys UTF-8"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "records are not sent in transactions"));

    private static final int MAX_BYTES = 1 << 20;

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static KafkaConfig read(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(UserFiles.readText(file, "kafka-config", MAX_BYTES)));
        } catch (IOException e) {
            // UserFiles' words: the path, what it is for, and the reason.
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("kafka-config " + file + ": a \\u escape is not followed by four hex"
                    + " digits (write a backslash as \\\\)", malformed);
        }
        Path dir = file.toAbsolutePath().getParent();
        Map<String, String> read = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (RESERVED.containsKey(key)) {
                throw new IllegalArgumentException("kafka-config " + file + ": " + key + " is set by ovmetapublish ("
                        + RESERVED.get(key) + "); remove it");
            }
            if (!ProducerConfig.configNames().contains(key)) {
                throw new IllegalArgumentException("kafka-config " + file + ": '" + key + "' is not a Kafka producer"
                        + " property (see https://kafka.apache.org/documentation/#producerconfigs)");
            }
            String value = properties.getProperty(key).strip();
            read.put(key, key.endsWith(".location") && !value.isEmpty() ? dir.resolve(value).toString() : value);
        }
        return new KafkaConfig(Map.copyOf(read));
    }
}
