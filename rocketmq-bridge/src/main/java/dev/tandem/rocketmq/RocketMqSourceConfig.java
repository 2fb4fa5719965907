package dev.tandem.rocketmq;

import dev.tandem.common.Project;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Options of the RocketMQ → Kafka source. */
public final class RocketMqSourceConfig extends AbstractConfig {

    static final String GROUP = "RocketMQ to Kafka";

    public static final String TOPICS = "rocketmq.topics";
    public static final String TAGS = "rocketmq.tags";
    public static final String KAFKA_TOPIC = "rocketmq.kafka.topic.format";
    public static final String START = "rocketmq.start";
    public static final String BATCH = "rocketmq.pull.batch.size";
    static final String TASK_INDEX = "rocketmq.task.index";
    static final String TASK_COUNT = "rocketmq.task.count";

    public static final ConfigDef CONFIG_DEF = RocketMqSettings.define(Project.define(new ConfigDef()), "tandem_${connector}")
            .define(TOPICS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "RocketMQ topics to read; their queues are shared among the tasks.", GROUP, 1, Width.LONG, "Topics")
            .define(TAGS, Type.STRING, "*", Importance.MEDIUM,
                    "Tag filter: * for every message, or tags separated by || (orders || payments).", GROUP, 2,
                    Width.MEDIUM, "Tags")
            .define(KAFKA_TOPIC, Type.STRING, "${topic}", Importance.HIGH,
                    "Kafka topic of a message: ${topic} is the RocketMQ topic, ${kafka.topic} the Kafka topic a Tandem "
                            + "sink read the message from (property " + KafkaHeadersCodec.TOPIC + "; ${topic} when absent).",
                    GROUP, 3, Width.LONG, "Kafka topic")
            .define(START, Type.STRING, "earliest", ConfigDef.ValidString.in("earliest", "latest"), Importance.MEDIUM,
                    "Where a queue is read from the first time (afterwards: from the offsets Connect stored).", GROUP, 4,
                    Width.SHORT, "First start")
            .define(BATCH, Type.INT, 256, ConfigDef.Range.between(1, 1024), Importance.LOW,
                    "Messages per pull.", GROUP, 5, Width.SHORT, "Pull batch");

    public RocketMqSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
    }

    /** The tags of {@link #TAGS}, or null for every tag. */
    Set<String> tags() {
        String t = getString(TAGS).trim();
        if (t.isEmpty() || t.equals("*")) {
            return null;
        }
        return Arrays.stream(t.split("\\|\\|")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
