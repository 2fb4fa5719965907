package dev.tandem.source;

import dev.tandem.source.core.ServerConnection;
import dev.tandem.source.core.StartPosition;
import dev.tandem.common.ConnectionFailure;
import dev.tandem.common.StagedValidation;
import dev.tandem.common.TandemVersion;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import dev.tandem.source.core.snapshot.FullMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Source connector for OceanBase (MySQL mode, through its Binlog Service), MySQL and MariaDB. It
 * resolves the server flavour and runs the Debezium binlog connector that fits it, by composition:
 * Debezium's options pass through, its envelopes and topics are what users get.
 */
public class OceanBaseSourceConnector extends SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(OceanBaseSourceConnector.class);

    private static final ConfigDef CONFIG_DEF = documentedConfig();

    private SourceConnector debezium;
    private SourceFlavor flavor;
    private OceanBaseSourceConfig config;
    private FullMigration migration;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new OceanBaseSourceConfig(props);
        Map<String, String> crossField = config.crossFieldErrors();
        if (!crossField.isEmpty()) {
            throw new ConfigException(crossField.keySet().iterator().next(), null, String.join("; ", crossField.values()));
        }
        Precheck.Result precheck = Precheck.run(props, config);
        precheck.warnings().forEach(w -> LOG.warn("Precheck of source '{}': {}", props.get("name"), w));
        if (!precheck.errors().isEmpty()) {
            throw new ConnectException("Precheck of source '" + props.get("name") + "' failed: " + precheck.errors());
        }
        // The precheck has read the server's version strings already: no second connection to detect the flavour.
        flavor = config.configuredFlavor().orElse(precheck.detectedFlavor());
        debezium = flavor.newDebeziumConnector();
        debezium.initialize(context());
        Map<String, String> debeziumProps = config.debeziumProperties();
        debezium.start(debeziumProps);
        LOG.info("Started source '{}' for a {} server with Debezium {} {}", props.get("name"), flavor.configValue(),
                debezium.getClass().getSimpleName(), debezium.version());
        String prefix = props.getOrDefault("topic.prefix", "");
        // A link that may copy again resumes a recorded plan even without 'full': it may be the copy made again.
        StartPosition copied = config.recopyWhenPurged() ? FullMigration.recordedPosition(context().offsetStorageReader(), prefix) : null;
        boolean recopy = config.recopyWhenPurged() && storedPositionPurged(props, copied);
        if (config.chunkedFullMigration() || recopy || copied != null) {
            String name = props.get("name");
            FullMigration.PlannerSettings settings = new FullMigration.PlannerSettings(flavor.format(), debeziumProps,
                    config.fullChunkSize(), config.activeActive() ? config.checkpointTable() : null);
            migration = recopy ? FullMigration.recopy(context(), name, prefix, settings)
                    : FullMigration.start(context(), name, prefix, settings);
        }
    }

    /**
     * Whether the server lost binlog after the position the link stored ({@link PurgedBinlog}) and
     * no copy made since covers it ({@code copied}, the recorded copy's position, is null or lost
     * too); said in the
     * log: with {@code tandem.binlog.purged=recopy} the tables are then copied again.
     */
    private boolean storedPositionPurged(Map<String, String> props, StartPosition copied) {
        Map<String, Object> stored = context().offsetStorageReader().offset(StartingOffsets.debeziumPartition(props));
        if (stored == null) {
            return false;
        }
        String server = ServerConnection.server(props);
        try (java.sql.Connection c = ServerConnection.open(props)) {
            String lost = PurgedBinlog.lost(c, stored, server, props.get("name"));
            if (lost == null) {
                return false;
            }
            if (copied != null && PurgedBinlog.lost(c, copied.debeziumOffset(), server, props.get("name")) == null) {
                LOG.info("{}; the full migration recorded since covers it: streaming resumes from its position", lost);
                return false;
            }
            LOG.warn("{}. {}=recopy: every selected table is copied again, then the binlog is streamed from the new "
                    + "copy's position", lost, OceanBaseSourceConfig.BINLOG_PURGED);
            return true;
        } catch (SQLException e) {
            return false; // the precheck reached it a moment ago; the task checks again before streaming
        }
    }

    @Override
    public SourceConnectorContext context() {
        return (SourceConnectorContext) super.context();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return OceanBaseSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // Debezium's binlog connectors run one task; only the chunked copy runs more.
        Map<String, String> base = new HashMap<>(debezium.taskConfigs(1).get(0));
        base.put(OceanBaseSourceConfig.RESOLVED_FLAVOR, flavor.configValue());
        if (migration == null) {
            return List.of(base);
        }
        return migration.taskConfigs(base, maxTasks, new FullMigration.TaskSettings(config.fullProgressTopic(),
                config.fullTasks(), config.ddlTableTopics(), config.fullRowsPerSecond(), config.streams()));
    }

    @Override
    public void stop() {
        if (migration != null) {
            migration.stop();
            migration = null;
        }
        if (debezium != null) {
            debezium.stop();
            debezium = null;
        }
    }

    /**
     * Exactly-once delivery into Kafka works on a worker with {@code exactly.once.source.support=enabled}:
     * every record's offset is committed in the Kafka transaction that holds the record, by
     * whichever boundary the connector config names.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * {@code transaction.boundary=connector} makes one Kafka transaction of each source
     * transaction (see {@code TransactionBoundaries}); it needs Debezium's transaction markers,
     * so not with {@code provide.transaction.metadata=false}.
     */
    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> props) {
        return "false".equalsIgnoreCase(props.getOrDefault("provide.transaction.metadata", "true"))
                ? ConnectorTransactionBoundaries.UNSUPPORTED
                : ConnectorTransactionBoundaries.SUPPORTED;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    /**
     * Checks Tandem's options, then the rules between options, then has the Debezium connector of
     * the server's flavour check its own (it connects only when its fields are valid), and only
     * when nothing failed so far runs the precheck on the server. Each error stays on its field;
     * a refused login is reported on the password (Debezium reports every connection failure on
     * the host name), and every documented option gets a value in the answer.
     */
    @Override
    public Config validate(Map<String, String> props) {
        StagedValidation validation = new StagedValidation(OceanBaseSourceConfig.CONFIG_DEF, props);
        OceanBaseSourceConfig config = null;
        Map<String, String> debeziumProps = props;
        if (validation.clean()) {
            config = new OceanBaseSourceConfig(props);
            config.crossFieldErrors().forEach(validation::error);
            if (validation.clean()) {
                debeziumProps = config.debeziumProperties();
            }
        }
        SourceFlavor checkerFlavor = SourceFlavor.MARIADB;
        SQLException unreachable = null;
        if (config != null) {
            Optional<SourceFlavor> configured = config.configuredFlavor();
            try {
                checkerFlavor = configured.isPresent() ? configured.get() : SourceFlavor.detect(props);
            } catch (SQLException e) {
                unreachable = e;
                checkerFlavor = SourceFlavor.MYSQL; // Debezium reports the unreachable server on its connection fields
            }
        }
        validation.addAbsent(checkerFlavor.newDebeziumConnector().validate(debeziumProps).configValues());
        if (unreachable != null && ConnectionFailure.loginRefused(unreachable)) {
            validation.clearErrors(ServerConnection.HOST);
            validation.error(ServerConnection.PASSWORD, ConnectionFailure.describe(unreachable, ServerConnection.server(props),
                    props.get(ServerConnection.USER), ServerConnection.USER, ServerConnection.PASSWORD));
        }
        if (config != null && validation.clean()) {
            Precheck.Result precheck = Precheck.run(props, config);
            precheck.warnings().forEach(w -> LOG.warn("Precheck of source '{}': {}", props.get("name"), w));
            precheck.errors().forEach((field, messages) -> messages.forEach(m -> validation.error(field, m)));
        }
        return validation.result(CONFIG_DEF);
    }

    /** Tandem's options plus those of both Debezium connectors, so every pass-through option is documented. */
    private static ConfigDef documentedConfig() {
        ConfigDef def = new ConfigDef(OceanBaseSourceConfig.CONFIG_DEF);
        for (SourceFlavor f : List.of(SourceFlavor.MARIADB, SourceFlavor.MYSQL)) {
            for (ConfigDef.ConfigKey key : f.newDebeziumConnector().config().configKeys().values()) {
                if (!def.configKeys().containsKey(key.name)) {
                    def.define(key);
                }
            }
        }
        return def;
    }
}
