package dev.tandem.sink;

import dev.tandem.common.StagedValidation;
import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sink connector for OceanBase (MySQL mode), MySQL, MariaDB and TiDB: batched, exactly-once apply
 * of Debezium-compatible change records with the checkpoint / loop-marker row.
 */
public class OceanBaseSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        OceanBaseSinkConfig config = new OceanBaseSinkConfig(props);
        Map<String, String> errors = config.crossFieldErrors();
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.keySet().iterator().next(), null, String.join("; ", errors.values()));
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return OceanBaseSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return OceanBaseSinkConfig.CONFIG_DEF;
    }

    /** Field checks, then rules between fields, then (only when those pass) the precheck on the destination. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return StagedValidation.run(OceanBaseSinkConfig.CONFIG_DEF, connectorConfigs, OceanBaseSinkConfig::new,
                OceanBaseSinkConfig::crossFieldErrors, (config, validation) -> validation.errors(SinkPrecheck.run(config)));
    }
}
