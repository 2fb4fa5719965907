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
 */
public class RocketMqSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceTask.class);

    private RocketMqSourceConfig config;
    private DefaultLitePullConsumer consumer;
    private Set<String> tags;
    private String kafkaTopicFormat;

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
        int index = Integer.parseInt(props.getOrDefault(RocketMqSourceConfig.TASK_INDEX, "0"));
        int count = Integer.parseInt(props.getOrDefault(RocketMqSourceConfig.TASK_COUNT, "1"));
        consumer = new DefaultLitePullConsumer(RocketMqSettings.group(config, props.get("name")),
                RocketMqSettings.aclHook(config));
        consumer.setNamesrvAddr(config.getString(RocketMqSettings.NAMESRV));
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(config.getInt(RocketMqSourceConfig.BATCH));
        consumer.setInstanceName("tandem-" + props.get("name") + "-" + index + "-" + System.identityHashCode(this));
        try {
            consumer.start();
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
            consumer.assign(mine);
            var stored = context.offsetStorageReader().offsets(mine.stream().map(RocketMqSourceTask::partition).toList());
            for (MessageQueue q : mine) {
                Map<String, Object> o = stored.get(partition(q));
                if (o != null && o.get("offset") instanceof Number n) {
                    consumer.seek(q, n.longValue());
                } else if (config.getString(RocketMqSourceConfig.START).equals("latest")) {
                    consumer.seekToEnd(q);
                } else {
                    consumer.seekToBegin(q);
                }
            }
            LOG.info("RocketMQ source task {} of {} reads {} queue(s): {}", index + 1, count, mine.size(), mine);
        } catch (MQClientException e) {
            throw new ConnectException("Cannot read RocketMQ topics " + config.getList(RocketMqSourceConfig.TOPICS) + " at "
                    + config.getString(RocketMqSettings.NAMESRV) + ": " + e.getErrorMessage(), e);
        }
    }

    @Override
    public List<SourceRecord> poll() {
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
