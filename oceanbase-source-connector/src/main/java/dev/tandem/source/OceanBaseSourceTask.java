package dev.tandem.source;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.clients.producer.RecordMetadata;
import dev.tandem.common.SourceRun;
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
 * ({@link TransactionReplayOffsets}). When Debezium stops on something it cannot go past, the
 * link's sink is told before the task fails ({@link SourceStop}).
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
    private Map<String, String> props;
    private OceanBaseSourceConfig config;
    /** The table of the last row this task read: told of a stop when the captured tables cannot be listed. */
    private dev.tandem.common.select.TableId lastTable;
    /** The run of Debezium's binlog reader: a new one at each start, named on every record it streams. */
    private SourceRun run;
    /** Set when Debezium stopped on something it cannot go past: the sink is told before the task fails. */
    private SourceStop stop;

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
        this.props = props;
        this.config = config;
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
        if (config.activeActive() || !"false".equalsIgnoreCase(props.getOrDefault("provide.transaction.metadata", "true"))) {
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
        run = SourceRun.startingNow(props.getOrDefault("name", topicPrefix));
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
        if (stop != null) {
            return stop.poll(System.currentTimeMillis());
        }
        List<SourceRecord> records;
        try {
            records = KeylessOrder.pin(debezium.poll());
        } catch (org.apache.kafka.connect.errors.RetriableException e) {
            // Connect polls again, and Debezium starts again from the stored offsets: a new run
            run = SourceRun.startingNow(run.source());
            throw e;
        } catch (RuntimeException e) {
            stop = SourceStop.of(e, props.getOrDefault("name", topicPrefix), topicPrefix, capturedTables(),
                    System.currentTimeMillis());
            if (stop.records().isEmpty()) {
                throw e;
            }
            return stop.records();
        }
        if (records != null && !records.isEmpty()) {
            lastTable = tableOf(records.get(records.size() - 1));
            String value = run.toString();
            records.forEach(r -> r.headers().addString(TandemHeaders.SOURCE_RUN, value));
        }
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

    /** The tables the link captures, the one of the last row read first; as many as are known when the server is not reachable. */
    private List<dev.tandem.common.select.TableId> capturedTables() {
        List<dev.tandem.common.select.TableId> tables = new ArrayList<>();
        if (lastTable != null) {
            tables.add(lastTable);
        }
        try (var c = ServerConnection.open(props)) {
            tables.addAll(Precheck.selectedTables(c, props, config));
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("Cannot list the captured tables: {}", e.getMessage());
        }
        return tables;
    }

    private static dev.tandem.common.select.TableId tableOf(SourceRecord record) {
        if (!(record.value() instanceof org.apache.kafka.connect.data.Struct v)
                || v.schema().field(dev.tandem.common.Envelope.SOURCE) == null) {
            return null;
        }
        org.apache.kafka.connect.data.Struct source = v.getStruct(dev.tandem.common.Envelope.SOURCE);
        if (source == null || source.schema().field(dev.tandem.common.Envelope.SOURCE_TABLE) == null
                || source.get(dev.tandem.common.Envelope.SOURCE_TABLE) == null || source.get(dev.tandem.common.Envelope.SOURCE_DB) == null) {
            return null;
        }
        return new dev.tandem.common.select.TableId(source.getString(dev.tandem.common.Envelope.SOURCE_DB),
                source.getString(dev.tandem.common.Envelope.SOURCE_TABLE));
    }

    @Override
    public void commit() throws InterruptedException {
        if (debezium != null) {
            debezium.commit();
        }
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        if (stop != null && SourceStop.isStop(record)) {
            stop.delivered();
            return;
        }
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
