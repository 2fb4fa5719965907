package dev.tandem.rocketmq;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.rocketmq.common.message.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Kafka record as one RocketMQ message: the body from the body converter, the tag from the
 * change event's table, the message keys from the record key's values (RocketMQ indexes them:
 * {@code mqadmin queryMsgByKey}), the Kafka key's bytes and every header in properties
 * ({@link KafkaHeadersCodec}), each header also as a plain text property.
 */
final class MessageBuilder {

    static final byte[] TOMBSTONE_BODY = "null".getBytes(StandardCharsets.UTF_8);
    static final byte[] EMPTY_BODY = " ".getBytes(StandardCharsets.UTF_8);

    private final RocketMqSinkConfig config;
    private final Converter body;
    private final Converter key;
    private final HeaderConverter headers;
    private final Map<String, String> topicMap;

    MessageBuilder(RocketMqSinkConfig config, Converter body, Converter key, HeaderConverter headers) {
        this.config = config;
        this.body = body;
        this.key = key;
        this.headers = headers;
        this.topicMap = config.topicMap();
    }

    /** The message, and the bytes its queue is chosen by (the Kafka key's, so one key stays on one queue). */
    record Built(Message message, byte[] routingKey) {
    }

    Built build(SinkRecord record) {
        String topic = config.rocketTopic(record.topic(), topicMap);
        byte[] value = body.fromConnectData(record.topic(), record.valueSchema(), record.value());
        // RocketMQ refuses empty bodies: a tombstone travels as "null" (JSON's null), an empty value as one space, each flagged.
        byte[] bodyBytes = value == null ? TOMBSTONE_BODY : value.length == 0 ? EMPTY_BODY : value;
        Message m = new Message(topic, tag(record), bodyBytes);
        byte[] keyBytes = record.key() == null && record.keySchema() == null ? null
                : key.fromConnectData(record.topic(), record.keySchema(), record.key());
        if (keyBytes != null) {
            m.putUserProperty(KafkaHeadersCodec.KEY, KafkaHeadersCodec.encodeBytes(keyBytes));
            String keys = keysText(record.key(), keyBytes);
            if (!keys.isEmpty()) {
                m.setKeys(keys);
            }
        }
        if (value == null) {
            m.putUserProperty(KafkaHeadersCodec.TOMBSTONE, "true");
        } else if (value.length == 0) {
            m.putUserProperty(KafkaHeadersCodec.EMPTY, "true");
        }
        m.putUserProperty(KafkaHeadersCodec.TOPIC, record.topic());
        List<KafkaHeadersCodec.Header> all = new ArrayList<>();
        for (Header h : record.headers()) {
            byte[] bytes = headers.fromConnectHeader(record.topic(), h.key(), h.schema(), h.value());
            all.add(new KafkaHeadersCodec.Header(h.key(), bytes));
            if (bytes != null && isPropertyName(h.key())) {
                m.putUserProperty(h.key(), new String(bytes, StandardCharsets.UTF_8));
            }
        }
        if (!all.isEmpty()) {
            m.putUserProperty(KafkaHeadersCodec.HEADERS, KafkaHeadersCodec.encode(all));
        }
        return new Built(m, keyBytes == null ? new byte[0] : keyBytes);
    }

    private String tag(SinkRecord record) {
        String format = config.getString(RocketMqSinkConfig.TAG);
        String table = null;
        if (record.value() instanceof Struct s && s.schema().field("source") != null && s.get("source") instanceof Struct src
                && src.schema().field("table") != null) {
            table = src.getString("table");
        }
        if (table == null) {
            String t = record.topic();
            table = t.substring(t.lastIndexOf('.') + 1);
        }
        return format.replace("${table}", table).replace("${topic}", record.topic());
    }

    /** The key's field values joined by '_' (Debezium keys are structs of the primary key), else the key's text. */
    private static String keysText(Object key, byte[] keyBytes) {
        if (key instanceof Struct s) {
            return s.schema().fields().stream().map(f -> String.valueOf(s.get(f))).collect(Collectors.joining("_"));
        }
        if (key instanceof byte[] || key == null) {
            return ""; // opaque bytes: no readable key
        }
        return key.toString();
    }

    private static boolean isPropertyName(String name) {
        // RocketMQ reserves its own property names (KEYS, TAGS, ...) and separates properties with \u0001/\u0002.
        return !name.isEmpty() && name.chars().noneMatch(c -> c < 32) && !org.apache.rocketmq.common.message.MessageConst
                .STRING_HASH_SET.contains(name);
    }

}
