package org.ovgst.gst;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ovgst.testing.KafkaBroker;

/**
 * The tests' oracle for method=kafka: a topic made with the admin client, and everything it holds
 * read back by a real consumer (read_committed: only what the broker has committed to its log).
 */
final class KafkaTopic {
    /** A record as consumed. */
    record Consumed(int partition, long offset, String key, long frame, String json) {}

    private KafkaTopic() {}

    static void create(KafkaBroker broker, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Every record of the topic, partition by partition, each in its log's order. */
    static List<Consumed> readAll(KafkaBroker broker, String topic) {
        Properties properties = new Properties();
        properties.putAll(broker.clientProperties());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<Consumed> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).sorted((a, b) -> a.partition() - b.partition())
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the consumer did not reach the end of " + topic + " in 30 s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    all.add(new Consumed(r.partition(), r.offset(), r.key(), frame(r.value()), r.value()));
                }
            }
        }
        all.sort((a, b) -> a.partition() != b.partition() ? a.partition() - b.partition()
                : Long.compare(a.offset(), b.offset()));
        return all;
    }

    private static long frame(String json) {
        return ((Number) ((Map<?, ?>) new GstTestSupport.Json(json).parseComplete()).get("frame")).longValue();
    }
}
