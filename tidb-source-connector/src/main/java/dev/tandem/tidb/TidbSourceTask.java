package dev.tandem.tidb;

import dev.tandem.common.TandemVersion;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.StartPosition;
import dev.tandem.source.core.snapshot.ChunkCopier;
import dev.tandem.source.core.snapshot.SnapshotClock;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import dev.tandem.source.core.snapshot.SnapshotThenStreamTask;
import dev.tandem.tidb.cdc.CdcStream;
import dev.tandem.tidb.cdc.ChangeEvents;
import dev.tandem.tidb.cdc.ColumnValues;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A TiDB source task: a copy task of the snapshot (chunks read as of the snapshot's TSO), or the
 * streaming task, which first writes the records ending the snapshot and then turns the TiCDC
 * topic into change events from the snapshot's TSO (or from its own offsets after a restart).
 */
public class TidbSourceTask extends SnapshotThenStreamTask {

    private static final Logger LOG = LoggerFactory.getLogger(TidbSourceTask.class);

    private CdcStream stream;
    private SnapshotEvents events;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    protected ChunkCopier copier(Map<String, String> props) {
        TidbSourceConfig config = new TidbSourceConfig(props);
        return new ChunkCopier(context, DebeziumFormat.MYSQL, config.debeziumProperties(), TsoClocks.forDialect(config.dialect()));
    }

    @Override
    protected Connection connect(Map<String, String> props) throws SQLException {
        TidbSourceConfig config = new TidbSourceConfig(props);
        return DriverManager.getConnection(jdbcUrl(config), config.getString(TidbSourceConfig.USER), config.password().value());
    }

    @Override
    protected void startStream(Map<String, String> props, StartPosition afterCopy) {
        TidbSourceConfig config = new TidbSourceConfig(props);
        SnapshotClock clock = TsoClocks.forDialect(config.dialect());
        Map<String, String> debeziumProps = config.debeziumProperties();
        long startTso = afterCopy != null ? TsoClocks.tso(afterCopy) : config.getLong(TidbSourceConfig.START_TSO);
        Map<String, Object> stored = context.offsetStorageReader().offset(Map.of("server", config.prefix()));
        CdcStream.Resume resume = CdcStream.Resume.of(stored);
        if (resume == null) {
            resume = CdcStream.Resume.after(startTso);
        }
        try {
            events = SnapshotEvents.open(DebeziumFormat.MYSQL, debeziumProps);
            events.readDefinitionsThrough(clock::definition);
            ChangeEvents changes = new ChangeEvents(config.prefix(), events, new ColumnValues(config.changefeedZone()),
                    config.ddlTableTopics(), debeziumProps);
            stream = new CdcStream(config.getString(TidbSourceConfig.CDC_TOPIC), config.protocol(), changes,
                    new KafkaConsumer<>(config.consumerProperties()), resume,
                    config.activeActive() ? config.checkpointTable() : null);
            stream.reportTo(context.pluginMetrics());
            // The tables as they were at the resume point: later definitions come from the stream's DDL events.
            clock.pin(events.jdbc(), TsoClocks.position(resume.commitTs()));
            try {
                for (var table : events.capturedTables(null).keySet()) {
                    var shape = events.shape(table);
                    if (shape != null) {
                        changes.table(shape);
                    }
                }
            } finally {
                clock.unpin(events.jdbc());
            }
        } catch (SQLException e) {
            throw new ConnectException("Cannot read the captured tables' definitions from TiDB as of commit ts "
                    + resume.commitTs() + ": " + e.getMessage(), e);
        }
    }

    static String jdbcUrl(TidbSourceConfig config) {
        return "jdbc:mysql://" + config.getString(TidbSourceConfig.HOST) + ":" + config.getInt(TidbSourceConfig.PORT)
                + "/?connectTimeout=10000&useSSL=false&allowPublicKeyRetrieval=true";
    }

    @Override
    protected List<SourceRecord> pollStream() {
        return stream.poll(Duration.ofMillis(500));
    }

    @Override
    protected void stopStream() {
        if (stream != null) {
            stream.close();
        }
        if (events != null) {
            try {
                events.close();
            } catch (SQLException e) {
                LOG.debug("Closing the TiDB connection failed: {}", e.getMessage());
            }
        }
    }
}
