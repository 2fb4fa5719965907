package dev.tandem.rocketmq;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka → RocketMQ: change topics (or any topics) into RocketMQ topics, one message per record,
 * per-key order kept (one key, one queue), at least once. See the module README.
 */
public class RocketMqSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        new RocketMqSinkConfig(props).topicMap();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RocketMqSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return RocketMqSinkConfig.CONFIG_DEF;
    }

    /** Field checks, then (when they pass) the name server and the mapped topics' routes. */
    @Override
    public Config validate(Map<String, String> props) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        for (ConfigValue v : RocketMqSinkConfig.CONFIG_DEF.validate(props)) {
            values.put(v.name(), v);
        }
        if (values.values().stream().allMatch(v -> v.errorMessages().isEmpty())) {
            RocketMqSinkConfig c = new RocketMqSinkConfig(props);
            try {
                List<String> topics = new ArrayList<>(c.topicMap().values());
                BridgePrecheck.run(c, topics, true).forEach((field, m) -> values.computeIfAbsent(field, ConfigValue::new)
                        .addErrorMessage(m));
            } catch (org.apache.kafka.common.config.ConfigException e) {
                values.get(RocketMqSinkConfig.TOPIC_MAP).addErrorMessage(e.getMessage());
            }
        }
        return new Config(new ArrayList<>(values.values()));
    }
}
