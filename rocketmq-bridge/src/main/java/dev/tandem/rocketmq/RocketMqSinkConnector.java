package dev.tandem.rocketmq;

import dev.tandem.common.StagedValidation;
import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.Collections;
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
        return StagedValidation.run(RocketMqSinkConfig.CONFIG_DEF, props, RocketMqSinkConfig::new, c -> Map.of(),
                (c, validation) -> {
                    try {
                        BridgePrecheck.run(c, new ArrayList<>(c.topicMap().values()), true).forEach(validation::error);
                    } catch (org.apache.kafka.common.config.ConfigException e) {
                        validation.error(RocketMqSinkConfig.TOPIC_MAP, e.getMessage());
                    }
                });
    }
}
