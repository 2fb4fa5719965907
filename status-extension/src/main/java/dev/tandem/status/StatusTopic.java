package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The compacted topic every worker of the cluster writes its tasks' samples and the projects'
 * step times to, and reads whole: so each worker answers from the same records, and a worker that
 * (re)starts reads them back. One partition, so every worker sees the records in the same order.
 * Keys: {@code sample/<connector>/<task>}, {@code steps/<link>}, {@code history/<link>} (the delay
 * of the last hour), {@code verification/<link>} (the verifier's last report) and {@code
 * pending/<project>} (the description of a project whose reverse link is still to be created, with
 * its passwords as posted: the topic wants the access rights of Connect's config topic); values are JSON.
 */
final class StatusTopic implements AutoCloseable {

    static final String SAMPLE = "sample/";
    static final String STEPS = "steps/";
    static final String VERIFICATION = "verification/";
    static final String HISTORY = "history/";
    static final String PENDING = "pending/";

    private static final Logger LOG = LoggerFactory.getLogger(StatusTopic.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final StatusSettings settings;
    private final Map<String, JsonNode> entries = new ConcurrentHashMap<>();
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private volatile boolean running;
    private volatile long readUpTo = -1;
    private volatile boolean caughtUp;
    private long endAtStart;

    StatusTopic(StatusSettings settings) {
        this.settings = settings;
    }

    /** Creates the topic when missing (compacted, one partition), and starts reading it from its beginning. */
    void start() {
        try (Admin admin = Admin.create(new HashMap<>(settings.clients()))) {
            NewTopic topic = new NewTopic(settings.topic(), Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            LOG.info("Created the status topic {}", settings.topic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the status topic " + settings.topic() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating the status topic", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s creating the status topic " + settings.topic(), e);
        }
        Map<String, Object> p = new HashMap<>(settings.clients());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tandem-status-producer");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Map<String, Object> c = new HashMap<>(settings.clients());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "tandem-status-reader");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        TopicPartition partition = new TopicPartition(settings.topic(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        endAtStart = consumer.endOffsets(List.of(partition)).getOrDefault(partition, 0L);
        caughtUp = endAtStart == 0;
        running = true;
        reader = new Thread(this::read, "tandem-status-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        entries.remove(r.key());
                    } else {
                        try {
                            entries.put(r.key(), JSON.readTree(r.value()));
                        } catch (IOException e) {
                            LOG.warn("Skipping the unreadable status record {} at offset {}: {}", r.key(), r.offset(), e.getMessage());
                        }
                    }
                    readUpTo = r.offset();
                }
                if (!caughtUp && consumer.position(new TopicPartition(settings.topic(), 0)) >= endAtStart) {
                    caughtUp = true;
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Reading the status topic {} failed (retrying): {}", settings.topic(), e.getMessage());
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void publish(String key, Object value) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), 0, key, JSON.writeValueAsString(value)), (m, e) -> {
                if (e != null) {
                    LOG.warn("Writing {} to the status topic {} failed: {}", key, settings.topic(), e.getMessage());
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + key + " as JSON", e);
        }
    }

    /** Writes {@code key} and waits until Kafka has it (acks=all), up to 30 s; throws when it does not. */
    void publishAndWait(String key, Object value) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), 0, key, JSON.writeValueAsString(value))).get(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + key + " as JSON", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted writing " + key + " to the status topic " + settings.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Writing " + key + " to the status topic " + settings.topic() + " failed: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /** Removes {@code key} from the topic (a tombstone). */
    void delete(String key) {
        producer.send(new ProducerRecord<>(settings.topic(), 0, key, null));
    }

    /** The records read so far, latest per key. */
    Map<String, JsonNode> entries() {
        return Map.copyOf(entries);
    }

    /** Whether every record that was in the topic when the worker started has been read. */
    boolean caughtUp() {
        return caughtUp;
    }

    /** The offset of the last record read, -1 before any. */
    long readUpTo() {
        return readUpTo;
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
