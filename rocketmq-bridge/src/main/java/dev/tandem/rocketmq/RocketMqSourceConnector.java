package dev.tandem.rocketmq;

import dev.tandem.common.StagedValidation;
import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** RocketMQ → Kafka: messages of RocketMQ topics as Kafka records, resuming from Connect's offsets. See the README. */
public class RocketMqSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        new RocketMqSourceConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RocketMqSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> c = new HashMap<>(props);
            c.put(RocketMqSourceConfig.TASK_INDEX, Integer.toString(i));
            c.put(RocketMqSourceConfig.TASK_COUNT, Integer.toString(maxTasks));
            configs.add(c);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return RocketMqSourceConfig.CONFIG_DEF;
    }

    /** Field checks, then (when they pass) the name server and the topics' routes. */
    @Override
    public Config validate(Map<String, String> props) {
        return StagedValidation.run(RocketMqSourceConfig.CONFIG_DEF, props, RocketMqSourceConfig::new, c -> Map.of(),
                (c, validation) -> BridgePrecheck.run(c, c.getList(RocketMqSourceConfig.TOPICS), false).forEach((field, m) ->
                        validation.error(field.equals(RocketMqSinkConfig.TOPIC_MAP) ? RocketMqSourceConfig.TOPICS : field, m)));
    }
}
