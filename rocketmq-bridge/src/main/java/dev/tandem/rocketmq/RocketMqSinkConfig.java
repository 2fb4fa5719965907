package dev.tandem.rocketmq;

import dev.tandem.common.Project;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of the Kafka → RocketMQ sink. */
public final class RocketMqSinkConfig extends AbstractConfig {

    static final String GROUP = "Kafka to RocketMQ";

    public static final String TOPIC_MAP = "rocketmq.topic.map";
    public static final String TOPIC_FORMAT = "rocketmq.topic.format";
    public static final String TAG = "rocketmq.tag";
    public static final String BODY_CONVERTER = "rocketmq.body.converter";
    public static final String KEY_CONVERTER = "rocketmq.key.converter";
    public static final String HEADER_CONVERTER = "rocketmq.header.converter";
    public static final String SEND_TIMEOUT = "rocketmq.send.timeout.ms";
    public static final String BATCH = "rocketmq.batch.max.messages";
    public static final String MAX_MESSAGE = "rocketmq.max.message.bytes";
    public static final String QUEUES = "rocketmq.topic.queues";

    public static final ConfigDef CONFIG_DEF = RocketMqSettings.define(Project.define(new ConfigDef()), "tandem-${connector}")
            .define(TOPIC_MAP, Type.LIST, "", Importance.HIGH,
                    "Explicit topic mapping kafkaTopic:rocketmqTopic, comma separated; topics not listed follow "
                            + TOPIC_FORMAT + ".", GROUP, 1, Width.LONG, "Topic map")
            .define(TOPIC_FORMAT, Type.STRING, "${topic}", Importance.HIGH,
                    "RocketMQ topic of a Kafka topic not in the map: ${topic} is the Kafka topic with every character "
                            + "RocketMQ refuses (anything but letters, digits, '_', '-', '%', '|') made '_' "
                            + "(shop.shop.orders becomes shop_shop_orders).", GROUP, 2, Width.LONG, "Topic format")
            .define(TAG, Type.STRING, "${table}", Importance.MEDIUM,
                    "Message tag: ${table} is the change event's source table (the Kafka topic's last segment for other "
                            + "records), ${topic} the Kafka topic; a fixed text is used as it is.", GROUP, 3, Width.MEDIUM,
                    "Tag")
            .define(BODY_CONVERTER, Type.CLASS, "org.apache.kafka.connect.json.JsonConverter", Importance.MEDIUM,
                    "Converter that writes the record value into the message body; its options as "
                            + BODY_CONVERTER + ".<option> (JsonConverter: schemas.enable, default false). Debezium JSON: "
                            + "the default; Canal JSON or OMS Default: Tandem's MessageFormat SMT before this sink with the "
                            + "default converter; the Kafka bytes unchanged: ByteArrayConverter (with the worker's "
                            + "value.converter ByteArrayConverter too).", GROUP, 4, Width.LONG, "Body converter")
            .define(KEY_CONVERTER, Type.CLASS, "org.apache.kafka.connect.json.JsonConverter", Importance.LOW,
                    "Converter that writes the record key into property " + KafkaHeadersCodec.KEY + " and, as text, the "
                            + "message keys; options as " + KEY_CONVERTER + ".<option>.", GROUP, 5, Width.LONG,
                    "Key converter")
            .define(HEADER_CONVERTER, Type.CLASS, "org.apache.kafka.connect.storage.SimpleHeaderConverter", Importance.LOW,
                    "HeaderConverter that writes each Kafka header's bytes (kept in property " + KafkaHeadersCodec.HEADERS
                            + " and, as text, in a property of the header's name); ByteArrayConverter with the worker's "
                            + "header.converter ByteArrayConverter keeps them byte for byte.", GROUP, 5, Width.LONG,
                    "Header converter")
            .define(SEND_TIMEOUT, Type.INT, 3000, ConfigDef.Range.atLeast(100), Importance.LOW,
                    "Timeout of one send to the broker, ms.", GROUP, 6, Width.SHORT, "Send timeout")
            .define(BATCH, Type.INT, 256, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                    "Messages per send to one queue (one batch request, in order).", GROUP, 7, Width.SHORT, "Batch")
            .define(MAX_MESSAGE, Type.INT, 4 * 1024 * 1024, ConfigDef.Range.atLeast(1024), Importance.LOW,
                    "Largest message body accepted (the broker's maxMessageSize); a larger record goes to the "
                            + "dead-letter queue when one is configured, else fails the task naming it.", GROUP, 8,
                    Width.SHORT, "Max message bytes")
            .define(QUEUES, Type.INT, 8, ConfigDef.Range.between(1, 1024), Importance.LOW,
                    "Queues of a RocketMQ topic this sink creates (when the brokers allow topics to be created); keys are "
                            + "spread over the queues by hash, so keep the count of an existing topic unchanged.", GROUP, 9,
                    Width.SHORT, "Queues of new topics");

    public RocketMqSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
    }

    /** Kafka topic → RocketMQ topic of {@link #TOPIC_MAP}. */
    Map<String, String> topicMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : getList(TOPIC_MAP)) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(TOPIC_MAP, entry, "write kafkaTopic:rocketmqTopic");
            }
            out.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        return out;
    }

    /** The RocketMQ topic for {@code kafkaTopic}. */
    String rocketTopic(String kafkaTopic, Map<String, String> map) {
        String mapped = map.get(kafkaTopic);
        if (mapped != null) {
            return mapped;
        }
        return getString(TOPIC_FORMAT).replace("${topic}", kafkaTopic.replaceAll("[^A-Za-z0-9_%|-]", "_"));
    }
}
