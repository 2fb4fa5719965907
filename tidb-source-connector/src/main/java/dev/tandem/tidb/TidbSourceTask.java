package dev.tandem.tidb;

import dev.tandem.common.SourceRun;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.TandemVersion;
import dev.tandem.source.SourceFlavor;
import dev.tandem.source.snapshot.ChunkCopier;
import dev.tandem.source.snapshot.SnapshotClock;
import dev.tandem.source.snapshot.SnapshotEvents;
import dev.tandem.source.snapshot.StreamStart;
import dev.tandem.tidb.cdc.CdcStream;
import dev.tandem.tidb.cdc.ChangeEvents;
import dev.tandem.tidb.cdc.ColumnValues;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TiDB source task: a copy task of the snapshot (chunks read as of the snapshot's TSO), or the
 * streaming task, which first writes the records ending the snapshot and then turns the TiCDC
 * topic into change events from the snapshot's TSO (or from its own offsets after a restart).
 */
public class TidbSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(TidbSourceTask.class);

    private ChunkCopier copier;
    private CdcStream stream;
    /** This start of the stream, named on every record it sends. */
    private SourceRun run;
    private SnapshotEvents events;
    private List<SourceRecord> before = List.of();

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        TidbSourceConfig config = new TidbSourceConfig(props);
        SnapshotClock clock = TsoClocks.forDialect(config.dialect());
        Map<String, String> debeziumProps = config.debeziumProperties();
        if (StreamStart.isCopyTask(props)) {
            copier = new ChunkCopier(context, SourceFlavor.MYSQL, debeziumProps, clock);
            return;
        }
        long startTso = config.getLong(TidbSourceConfig.START_TSO);
        if (StreamStart.isStreamTask(props)) {
            StreamStart start;
            try (var c = java.sql.DriverManager.getConnection(jdbcUrl(config), config.getString(TidbSourceConfig.USER),
                    config.password().value())) {
                start = StreamStart.of(props, c);
            } catch (SQLException e) {
                throw new ConnectException("Cannot read the tables' definitions from TiDB: " + e.getMessage(), e);
            }
            before = new ArrayList<>(start.records());
            if (!start.streams()) {
                LOG.info("Snapshot of '{}' is complete; nothing is streamed ({}=initial_only)", props.get("name"),
                        TidbSourceConfig.SNAPSHOT_MODE);
                return;
            }
            startTso = TsoClocks.tso(start.position());
        }
        Map<String, Object> stored = context.offsetStorageReader().offset(Map.of("server", config.prefix()));
        CdcStream.Resume resume = CdcStream.Resume.of(stored);
        if (resume == null) {
            resume = CdcStream.Resume.after(startTso);
        }
        try {
            events = SnapshotEvents.open(SourceFlavor.MYSQL, debeziumProps);
            events.readDefinitionsThrough(clock::definition);
            ChangeEvents changes = new ChangeEvents(config.prefix(), events, new ColumnValues(config.changefeedZone()),
                    config.ddlTableTopics(), debeziumProps);
            run = SourceRun.startingNow(props.getOrDefault("name", "tidb"));
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
    public List<SourceRecord> poll() throws InterruptedException {
        if (copier != null) {
            return copier.poll();
        }
        if (!before.isEmpty()) {
            List<SourceRecord> first = before;
            before = List.of();
            return first;
        }
        if (stream == null) {
            Thread.sleep(1000);
            return null;
        }
        List<SourceRecord> records = stream.poll(Duration.ofMillis(500));
        if (records != null) {
            String value = run.toString(); // which start of the stream sent them: see TandemHeaders.SOURCE_RUN
            records.forEach(r -> r.headers().addString(TandemHeaders.SOURCE_RUN, value));
        }
        return records;
    }

    @Override
    public void stop() {
        if (copier != null) {
            copier.close();
        }
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
