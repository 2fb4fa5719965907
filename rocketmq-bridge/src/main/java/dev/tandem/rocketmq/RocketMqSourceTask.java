package dev.tandem.rocketmq;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads its share of the topics' queues with a pull consumer and writes each message as a Kafka
 * record: key, value and headers restored byte for byte when a Tandem sink wrote the message
 * (else the message keys, body and user properties). Where to go on is Connect's source offset
 * of each queue (partition: topic, broker, queue id; offset: the next queue offset), so a restart
 * resumes exactly after the last committed record; RocketMQ's consumer offsets are not used.
 * A name server or broker that does not answer while the task finds its queues is retried, not fatal.
 */
public class RocketMqSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceTask.class);

    private RocketMqSourceConfig config;
    private DefaultLitePullConsumer consumer;
    private Set<String> tags;
    private String kafkaTopicFormat;
    private int index;
    private int count;
    /** Until the task's queues are known: null; then the queues not yet set to their position. */
    private List<MessageQueue> unpositioned;
    private Map<Map<String, String>, Map<String, Object>> stored;
    private long positioningDeadline;
    private int failedAttempts;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    static Map<String, String> partition(MessageQueue q) {
        return Map.of("rocketmq.topic", q.getTopic(), "broker", q.getBrokerName(), "queue", Integer.toString(q.getQueueId()));
    }

    @Override
    public void start(Map<String, String> props) {
        config = new RocketMqSourceConfig(props);
        tags = config.tags();
        kafkaTopicFormat = config.getString(RocketMqSourceConfig.KAFKA_TOPIC);
        index = Integer.parseInt(props.getOrDefault(RocketMqSourceConfig.TASK_INDEX, "0"));
        count = Integer.parseInt(props.getOrDefault(RocketMqSourceConfig.TASK_COUNT, "1"));
        consumer = new DefaultLitePullConsumer(RocketMqSettings.group(config, props.get("name")),
                RocketMqSettings.aclHook(config));
        consumer.setNamesrvAddr(config.getString(RocketMqSettings.NAMESRV));
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(config.getInt(RocketMqSourceConfig.BATCH));
        consumer.setInstanceName("tandem-" + props.get("name") + "-" + index + "-" + System.identityHashCode(this));
        try {
            consumer.start();
        } catch (MQClientException e) {
            throw new ConnectException("Cannot start a RocketMQ consumer for " + config.getList(RocketMqSourceConfig.TOPICS)
                    + " at " + config.getString(RocketMqSettings.NAMESRV) + ": " + e.getErrorMessage(), e);
        }
        positioningDeadline = System.currentTimeMillis() + config.getLong(RocketMqSettings.RETRY_TIMEOUT);
    }

    /**
     * Finds this task's queues and sets each to where Connect's offsets say (or {@link RocketMqSourceConfig#START}).
     * Each step asks the name server or the broker, which may be down, restarting or too busy to answer in
     * time: a failed step is tried again on the next poll, after the backoff, until {@link RocketMqSettings#RETRY_TIMEOUT}.
     *
     * @return whether every queue of the task is positioned
     */
    private boolean positioned() {
        if (unpositioned != null && unpositioned.isEmpty()) {
            return true;
        }
        try {
            if (unpositioned == null) {
                List<MessageQueue> all = new ArrayList<>();
                for (String topic : config.getList(RocketMqSourceConfig.TOPICS)) {
                    all.addAll(consumer.fetchMessageQueues(topic));
                }
                all.sort(Comparator.comparing(MessageQueue::getTopic).thenComparing(MessageQueue::getBrokerName)
                        .thenComparingInt(MessageQueue::getQueueId));
                List<MessageQueue> mine = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    if (i % count == index) {
                        mine.add(all.get(i));
                    }
                }
                if (!mine.isEmpty()) {
                    consumer.assign(mine);
                }
                stored = context.offsetStorageReader().offsets(mine.stream().map(RocketMqSourceTask::partition).toList());
                unpositioned = new ArrayList<>(mine);
                LOG.info("RocketMQ source task {} of {} reads {} queue(s): {}", index + 1, count, mine.size(), mine);
            }
            for (var it = unpositioned.iterator(); it.hasNext(); ) {
                MessageQueue q = it.next();
                Map<String, Object> o = stored.get(partition(q));
                if (o != null && o.get("offset") instanceof Number n) {
                    consumer.seek(q, n.longValue());
                } else if (config.getString(RocketMqSourceConfig.START).equals("latest")) {
                    consumer.seekToEnd(q);
                } else {
                    consumer.seekToBegin(q);
                }
                it.remove();
            }
            if (failedAttempts > 0) {
                LOG.info("RocketMQ source task {} of {} found its queues and their positions after {} failed attempt(s)",
                        index + 1, count, failedAttempts);
            }
            return true;
        } catch (MQClientException e) {
            failedAttempts++;
            String what = (unpositioned == null ? "the queues of " : "the positions of the queues of ")
                    + config.getList(RocketMqSourceConfig.TOPICS) + " at " + config.getString(RocketMqSettings.NAMESRV);
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String cause = firstLine(e.getErrorMessage() != null ? e.getErrorMessage() : String.valueOf(e))
                    + (root != e ? ": " + firstLine(root.getMessage()) : "");
            if (System.currentTimeMillis() > positioningDeadline) {
                throw new ConnectException("Cannot read " + what + " within " + RocketMqSettings.RETRY_TIMEOUT + " ("
                        + failedAttempts + " attempts): " + cause, e);
            }
            long backoff = config.getLong(RocketMqSettings.RETRY_BACKOFF);
            LOG.warn("Cannot read {} yet ({}); retrying in {} ms", what, cause, backoff);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** A RocketMQ client message without the FAQ link it appends on further lines. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    @Override
    public List<SourceRecord> poll() {
        if (!positioned()) {
            return null;
        }
        List<MessageExt> messages = consumer.poll(500);
        if (messages.isEmpty()) {
            return null;
        }
        List<SourceRecord> out = new ArrayList<>(messages.size());
        for (MessageExt m : messages) {
            if (tags != null && (m.getTags() == null || !tags.contains(m.getTags()))) {
                continue;
            }
            out.add(record(m));
        }
        return out;
    }

    private SourceRecord record(MessageExt m) {
        MessageQueue q = new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId());
        Map<String, Long> offset = Map.of("offset", m.getQueueOffset() + 1);
        String keyProperty = m.getUserProperty(KafkaHeadersCodec.KEY);
        byte[] key = keyProperty != null ? KafkaHeadersCodec.decodeBytes(keyProperty)
                : m.getKeys() == null ? null : m.getKeys().getBytes(StandardCharsets.UTF_8);
        byte[] value = "true".equals(m.getUserProperty(KafkaHeadersCodec.TOMBSTONE)) ? null
                : "true".equals(m.getUserProperty(KafkaHeadersCodec.EMPTY)) ? new byte[0] : m.getBody();
        ConnectHeaders headers = new ConnectHeaders();
        String encoded = m.getUserProperty(KafkaHeadersCodec.HEADERS);
        if (encoded != null) {
            for (KafkaHeadersCodec.Header h : KafkaHeadersCodec.decode(encoded)) {
                headers.addBytes(h.name(), h.value());
            }
        } else if (m.getProperties() != null) {
            m.getProperties().forEach((k, v) -> {
                if (!MessageConst.STRING_HASH_SET.contains(k) && !k.startsWith("TANDEM_")) {
                    headers.addString(k, v);
                }
            });
        }
        String kafkaTopic = m.getUserProperty(KafkaHeadersCodec.TOPIC);
        String topic = kafkaTopicFormat.replace("${kafka.topic}", kafkaTopic != null ? kafkaTopic : m.getTopic())
                .replace("${topic}", m.getTopic());
        return new SourceRecord(partition(q), offset, topic, null, Schema.OPTIONAL_BYTES_SCHEMA, key,
                Schema.OPTIONAL_BYTES_SCHEMA, value, m.getBornTimestamp(), headers);
    }

    @Override
    public void stop() {
        if (consumer != null) {
            consumer.shutdown();
        }
    }
}
