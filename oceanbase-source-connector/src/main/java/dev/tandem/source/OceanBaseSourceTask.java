package dev.tandem.source;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.clients.producer.RecordMetadata;
import dev.tandem.common.TandemHeaders;
import dev.tandem.source.snapshot.ChunkCopier;
import dev.tandem.source.snapshot.StreamStart;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the Debezium task of the flavour the connector resolved, by composition. On the first
 * start of an incremental-only link with a start position, Debezium is shown that position as its
 * stored offset and rebuilds its schema history from the current table definitions ({@code
 * snapshot.mode=recovery}); afterwards it resumes from its own offsets. With a region
 * (active-active), a restart replays an interrupted transaction from its start
 * ({@link TransactionReplayOffsets}).
 */
public class OceanBaseSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(OceanBaseSourceTask.class);

    private SourceTask debezium;
    private ChunkCopier copier;
    private List<SourceRecord> before = List.of();
    private boolean ddlTableTopics;
    private String topicPrefix;
    private java.util.function.Predicate<dev.tandem.common.select.TableId> captured;
    private DatabaseDefaults databaseDefaults;
    /** The partition of Debezium's own records: only those are handed back to it on commit. */
    private Map<String, String> debeziumPartition;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        SourceFlavor flavor = SourceFlavor.fromConfigValue(props.getOrDefault(OceanBaseSourceConfig.RESOLVED_FLAVOR,
                SourceFlavor.MYSQL.configValue()));
        Map<String, String> taskProps = new HashMap<>(props);
        OceanBaseSourceConfig config = new OceanBaseSourceConfig(props);
        ddlTableTopics = config.ddlTableTopics();
        captured = Precheck.captures(props, config);
        databaseDefaults = new DatabaseDefaults(props);
        topicPrefix = props.get("topic.prefix");
        debeziumPartition = StartingOffsets.debeziumPartition(props);
        if (StreamStart.isCopyTask(props)) {
            copier = new ChunkCopier(context, flavor, props);
            return;
        }
        SourceTaskContext taskContext = context;
        if (config.activeActive()) {
            taskContext = StartingOffsets.contextWith(context, new TransactionReplayOffsets(context.offsetStorageReader()));
        }
        Optional<StartPosition> start = config.startPosition();
        StreamStart afterCopy = StreamStart.isStreamTask(props) ? streamStart(props) : null;
        if (afterCopy != null) {
            before = new ArrayList<>(afterCopy.records());
            if (!afterCopy.streams()) {
                LOG.info("Full migration of '{}' is complete; nothing is streamed (migration types without 'incremental')",
                        props.get("name"));
                return;
            }
            start = Optional.of(afterCopy.position());
            taskProps.put("snapshot.mode", "no_data"); // the rows were copied; Debezium only streams
        }
        if (start.isPresent()) {
            Map<String, String> partition = StartingOffsets.debeziumPartition(props);
            if (context.offsetStorageReader().offset(partition) == null) {
                StartPosition position = start.get().resolvedFor(flavor, props);
                LOG.info("First start of '{}': capturing from {} (the schema history is rebuilt from the current tables)",
                        props.get("name"), position);
                taskProps.put("snapshot.mode", "recovery");
                taskContext = StartingOffsets.contextWith(context,
                        new StartingOffsets(taskContext.offsetStorageReader(), partition, position.debeziumOffset()));
            }
        }
        debezium = flavor.newDebeziumTask();
        debezium.initialize(taskContext);
        debezium.start(taskProps);
    }

    /** The start after a chunked copy, its records carrying each table's CREATE TABLE as it is now (when readable). */
    private static StreamStart streamStart(Map<String, String> props) {
        try (var c = ServerConnection.open(props)) {
            return StreamStart.of(props, c);
        } catch (java.sql.SQLException e) {
            LOG.warn("Cannot read the tables' definitions for their 'snapshot complete' records: {}", e.getMessage());
            return StreamStart.of(props, (java.sql.Connection) null);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (copier != null) {
            return KeylessOrder.pin(copier.poll());
        }
        if (!before.isEmpty()) {
            List<SourceRecord> first = before;
            before = List.of();
            return first;
        }
        if (debezium == null) {
            Thread.sleep(1000);
            return null;
        }
        List<SourceRecord> records = KeylessOrder.pin(debezium.poll());
        if (!ddlTableTopics || records == null) {
            return records;
        }
        for (SourceRecord r : records) {
            String database = DdlCopies.databaseChanged(r);
            if (database != null) {
                databaseDefaults.changed(database);
            }
        }
        return DdlCopies.withCopies(records, topicPrefix, captured, databaseDefaults);
    }

    @Override
    public void commit() throws InterruptedException {
        if (debezium != null) {
            debezium.commit();
        }
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        if (debezium == null || record.headers().lastWithName(TandemHeaders.DDL_COPY) != null
                || !debeziumPartition.equals(record.sourcePartition())) {
            return; // ours: Debezium knows only its own records
        }
        debezium.commitRecord(record, metadata);
    }

    @Override
    public void stop() {
        if (copier != null) {
            copier.close();
        }
        if (debezium != null) {
            debezium.stop();
        }
        if (databaseDefaults != null) {
            databaseDefaults.close();
        }
    }
}
