package dev.tandem.testkit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a topic from the beginning, incrementally: each {@link #poll} returns only what arrived
 * since the last one. For tests that watch a stream grow (e.g. to kill a worker half-way) without
 * re-reading everything each time. Waits for the topic to exist.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private boolean assigned;

    public TopicReader(EmbeddedKafkaCluster kafka, String topic) {
        this(kafka, topic, Map.of());
    }

    /**
     * A reader with consumer settings of its own on top of the defaults, e.g. {@code
     * isolation.level=read_committed} to see only what committed Kafka transactions hold.
     */
    public TopicReader(EmbeddedKafkaCluster kafka, String topic, Map<String, Object> consumerSettings) {
        this.topic = topic;
        Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
        settings.putAll(consumerSettings);
        this.consumer = kafka.createConsumer(settings);
    }

    /** Records that arrived since the last call, waiting at most {@code timeout} for the first. */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (!assigned) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                partitions = List.of(); // not created yet
            }
            if (partitions == null || partitions.isEmpty()) {
                sleep(timeout);
                return out;
            }
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            assigned = true;
        }
        consumer.poll(timeout).forEach(out::add);
        return out;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
