package dev.tandem.tidb;

import dev.tandem.common.StagedValidation;
import dev.tandem.common.TandemVersion;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.snapshot.FullMigration;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Source connector for TiDB: a consistent snapshot of the captured tables at one TSO, copied in
 * chunks by several tasks, then the TiCDC change stream from that TSO, in the change topics and
 * envelopes of Debezium's MySQL connector (the same as Tandem's OceanBase/MySQL source), so the
 * sink, the SMTs and the verifier serve TiDB unchanged.
 *
 * <p>The changefeed is the user's (TiCDC runs beside TiDB): create it with {@code --start-ts} at or
 * before the snapshot's TSO, which the connector logs and writes into the progress topic's plan
 * record; see the module's README for the exact commands.
 */
public class TidbSourceConnector extends SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(TidbSourceConnector.class);

    private TidbSourceConfig config;
    private FullMigration migration;
    private Map<String, String> props;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        config = new TidbSourceConfig(props);
        TidbSourceConfig.requireValid(config.crossFieldErrors());
        TidbPrecheck.Result precheck = TidbPrecheck.run(config);
        precheck.warnings().forEach(w -> LOG.warn("Precheck of TiDB source '{}': {}", props.get("name"), w));
        if (!precheck.errors().isEmpty()) {
            throw new ConnectException("Precheck of TiDB source '" + props.get("name") + "' failed: " + precheck.errors());
        }
        if (config.snapshotMode() == TidbSourceConfig.SnapshotMode.NEVER) {
            return;
        }
        migration = FullMigration.start(context(), props.get("name"), config.prefix(), new FullMigration.PlannerSettings(
                DebeziumFormat.MYSQL, config.debeziumProperties(), config.getInt(TidbSourceConfig.FULL_CHUNK_SIZE),
                config.activeActive() ? config.checkpointTable() : null, TsoClocks.forDialect(config.dialect())));
        if (migration != null) {
            LOG.info("TiDB source '{}': snapshot {} at TSO {}; the TiCDC changefeed must start at or before it "
                            + "(cdc cli changefeed create --start-ts={} ...)", props.get("name"), migration.planId(),
                    TsoClocks.tso(migration.position()), TsoClocks.tso(migration.position()));
        }
    }

    @Override
    public SourceConnectorContext context() {
        return (SourceConnectorContext) super.context();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TidbSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        Map<String, String> base = new HashMap<>(props);
        if (migration == null) {
            return List.of(base);
        }
        return migration.taskConfigs(base, maxTasks, new FullMigration.TaskSettings(config.progressTopic(),
                config.getInt(TidbSourceConfig.FULL_TASKS), config.ddlTableTopics(),
                config.getLong(TidbSourceConfig.FULL_ROWS_PER_SECOND), config.streams()));
    }

    @Override
    public void stop() {
        if (migration != null) {
            migration.stop();
            migration = null;
        }
    }

    /**
     * Exactly-once delivery works: every poll returns whole transactions (or whole snapshot
     * batches) and their offsets, so a worker with exactly-once source support commits both at once.
     */
    @Override
    public org.apache.kafka.connect.source.ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
        return org.apache.kafka.connect.source.ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConfigDef config() {
        return TidbSourceConfig.CONFIG_DEF;
    }

    /** Field checks, then the rules between fields, then (when nothing failed) the precheck on TiDB and the TiCDC topic. */
    @Override
    public Config validate(Map<String, String> props) {
        return StagedValidation.run(TidbSourceConfig.CONFIG_DEF, props, TidbSourceConfig::new, TidbSourceConfig::crossFieldErrors,
                (config, validation) -> {
                    TidbPrecheck.Result precheck = TidbPrecheck.run(config);
                    precheck.warnings().forEach(w -> LOG.warn("Precheck of TiDB source '{}': {}", props.get("name"), w));
                    validation.errors(precheck.errors());
                });
    }
}
