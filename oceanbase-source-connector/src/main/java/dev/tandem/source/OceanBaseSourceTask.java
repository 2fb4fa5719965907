package dev.tandem.source;

import dev.tandem.common.ChangeRecords;
import dev.tandem.common.ConnectionFailure;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.TandemVersion;
import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DdlCopies;
import dev.tandem.source.core.ServerConnection;
import dev.tandem.source.core.StartPosition;
import dev.tandem.source.core.snapshot.ChunkCopier;
import dev.tandem.source.core.snapshot.SnapshotThenStreamTask;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Runs the Debezium task of the flavour the connector resolved, by composition. On the first
 * start of an incremental-only link with a start position, Debezium is shown that position as its
 * stored offset and rebuilds its schema history from the current table definitions ({@code
 * snapshot.mode=recovery}); afterwards it resumes from its own offsets. With a region
 * (active-active), a restart replays an interrupted transaction from its start
 * ({@link TransactionReplayOffsets}). When Debezium stops on something it cannot go past, the
 * link's sink is told before the task fails ({@link SourceStop}).
 */
public class OceanBaseSourceTask extends SnapshotThenStreamTask {

    private static final Logger LOG = LoggerFactory.getLogger(OceanBaseSourceTask.class);

    private SourceTask debezium;
    private boolean ddlTableTopics;
    private String topicPrefix;
    private Predicate<TableId> captured;
    private DatabaseDefaults databaseDefaults;
    /** The partition of Debezium's own records: only those are handed back to it on commit. */
    private Map<String, String> debeziumPartition;
    private Map<String, String> props;
    private OceanBaseSourceConfig config;
    /** The table of the last row this task read: told of a stop when the captured tables cannot be listed. */
    private TableId lastTable;
    /** Set when Debezium stopped on something it cannot go past: the sink is told before the task fails. */
    private SourceStop stop;
    /** The binlog retention gauges, once the stream started. */
    private RetentionHeadroom headroom;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    private static SourceFlavor flavor(Map<String, String> props) {
        return SourceFlavor.fromConfigValue(props.getOrDefault(OceanBaseSourceConfig.RESOLVED_FLAVOR,
                SourceFlavor.MYSQL.configValue()));
    }

    @Override
    protected ChunkCopier copier(Map<String, String> props) {
        debeziumPartition = StartingOffsets.debeziumPartition(props);
        return new ChunkCopier(context, flavor(props).format(), props);
    }

    @Override
    protected List<SourceRecord> copied(List<SourceRecord> records) {
        return KeylessOrder.pin(records);
    }

    @Override
    protected Connection connect(Map<String, String> props) throws SQLException {
        return ServerConnection.open(props);
    }

    @Override
    protected void startStream(Map<String, String> props, StartPosition afterCopy) {
        SourceFlavor flavor = flavor(props);
        Map<String, String> taskProps = new HashMap<>(props);
        OceanBaseSourceConfig config = new OceanBaseSourceConfig(props);
        this.props = props;
        this.config = config;
        ddlTableTopics = config.ddlTableTopics();
        captured = Precheck.captures(props, config);
        databaseDefaults = new DatabaseDefaults(props);
        topicPrefix = props.get("topic.prefix");
        debeziumPartition = StartingOffsets.debeziumPartition(props);
        SourceTaskContext taskContext = context;
        if (config.activeActive() || !"false".equalsIgnoreCase(props.getOrDefault("provide.transaction.metadata", "true"))) {
            taskContext = StartingOffsets.contextWith(context, new TransactionReplayOffsets(context.offsetStorageReader()));
        }
        Optional<StartPosition> start = config.startPosition();
        if (afterCopy != null) {
            start = Optional.of(afterCopy);
            taskProps.put("snapshot.mode", "no_data"); // the rows were copied; Debezium only streams
        }
        Map<String, Object> stored = context.offsetStorageReader().offset(debeziumPartition);
        // Copied again because the stored position was purged: the copy's position replaces it.
        replacingLost = afterCopy != null && stored != null && config.recopyWhenPurged() && purged(props, stored) != null;
        if (start.isPresent() && (stored == null || replacingLost)) {
            StartPosition position = start.get().resolvedFor(flavor.format(), props);
            LOG.info("{} of '{}': capturing from {} (the schema history is rebuilt from the current tables)",
                    replacingLost ? "After copying again" : "First start", props.get("name"), position);
            taskProps.put("snapshot.mode", "recovery");
            firstOffset = position.debeziumOffset();
            taskContext = StartingOffsets.contextWith(context,
                    new StartingOffsets(taskContext.offsetStorageReader(), debeziumPartition, firstOffset, replacingLost));
        }
        pendingStart = new PendingStart(flavor, taskContext, taskProps);
        startDebezium();
    }

    /**
     * The position handed to Debezium on the link's first start (none stored yet), or after the
     * tables were copied again because the stored one was purged; else null.
     */
    private Map<String, Object> firstOffset;
    /** Whether {@link #firstOffset} replaces a stored position the server no longer has. */
    private boolean replacingLost;
    /** Debezium's task waiting to start while the source server cannot be reached, or null once started. */
    private PendingStart pendingStart;
    private int startFailures;
    /** When the next start is tried (backoff from 1 s to 30 s). */
    private long nextStartAt;

    private record PendingStart(SourceFlavor flavor, SourceTaskContext context, Map<String, String> props) {
    }

    /**
     * Starts Debezium's task. A source server that cannot be reached (restarting, or the network
     * down) does not fail the task for good, as a failed start would: the start is tried again at
     * each poll, with a backoff, until the server answers.
     */
    private void startDebezium() {
        ConnectException purged = purged(props);
        if (purged != null) { // the sink is told too, as for a statement the parser cannot read
            stop = SourceStop.of(purged, props.getOrDefault("name", topicPrefix), topicPrefix, capturedTables(),
                    System.currentTimeMillis());
            pendingStart = null;
            return;
        }
        SourceTask task = pendingStart.flavor().newDebeziumTask();
        try {
            task.initialize(pendingStart.context());
            task.start(pendingStart.props());
        } catch (RuntimeException e) {
            if (!ConnectionFailure.unreachable(e)) {
                throw e;
            }
            stopQuietly(task);
            nextStartAt = System.currentTimeMillis() + Math.min(30_000L, 1_000L << Math.min(startFailures, 5));
            if (startFailures++ == 0) {
                LOG.warn("The source {} cannot be reached ({}); '{}' starts streaming once it answers", ServerConnection.server(props),
                        ConnectionFailure.rootMessage(e), props.getOrDefault("name", topicPrefix));
            }
            return;
        }
        if (startFailures > 0) {
            LOG.info("The source {} answers again: '{}' streams after {} attempts", ServerConnection.server(props),
                    props.getOrDefault("name", topicPrefix), startFailures + 1);
        }
        LastEventSummary.install(task);
        debezium = task;
        pendingStart = null;
        startFailures = 0;
        if (headroom == null) {
            headroom = new RetentionHeadroom(retentionSeconds(), System::currentTimeMillis);
            headroom.register(context.pluginMetrics(), config.retentionMinHours() * 3600L);
        }
    }

    /** How long the source keeps binlogs, read when the stream starts; NaN when it cannot be read. */
    private double retentionSeconds() {
        try (Connection c = ServerConnection.open(props)) {
            return RetentionHeadroom.retentionSeconds(c);
        } catch (SQLException e) {
            LOG.debug("Cannot read the binlog retention of {}: {}", ServerConnection.server(props), e.getMessage());
            return Double.NaN;
        }
    }

    private static void stopQuietly(SourceTask task) {
        try {
            task.stop();
        } catch (RuntimeException e) {
            LOG.debug("Stopping a Debezium task that did not start: {}", e.getMessage());
        }
    }

    /**
     * The failure to stop with when the binlog after the position the stream starts from is gone
     * from the server ({@link PurgedBinlog}), else null: the stored position, or on a first start
     * the one handed to Debezium (after a full migration, where the copy began).
     */
    private ConnectException purged(Map<String, String> props) {
        Map<String, ?> from = replacingLost ? firstOffset : context.offsetStorageReader().offset(debeziumPartition);
        return purged(props, from != null ? from : firstOffset);
    }

    /** The failure to stop with when the binlog after {@code offset} is gone, else (or when it cannot be told) null. */
    private ConnectException purged(Map<String, String> props, Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        try (Connection c = ServerConnection.open(props)) {
            return PurgedBinlog.check(c, offset, ServerConnection.server(props), props.getOrDefault("name", topicPrefix),
                    config.recopyWhenPurged());
        } catch (SQLException e) {
            return null; // unreachable now: Debezium's start says so, and is tried again
        }
    }

    @Override
    protected List<SourceRecord> pollStream() throws InterruptedException {
        List<SourceRecord> records = readStream();
        if (headroom != null) {
            if (debezium == null || stop != null) {
                headroom.notReading();
            } else {
                headroom.polled(records);
            }
        }
        return records;
    }

    private List<SourceRecord> readStream() throws InterruptedException {
        if (stop != null) {
            return stop.poll(System.currentTimeMillis());
        }
        if (pendingStart != null) {
            long now = System.currentTimeMillis();
            if (now < nextStartAt) {
                Thread.sleep(Math.min(200L, nextStartAt - now)); // short waits: a stop of the task is not held up
                return null;
            }
            startDebezium();
            if (pendingStart != null) {
                return null;
            }
        }
        List<SourceRecord> records;
        try {
            records = TransactionReplayOffsets.markingEnds(KeylessOrder.pin(debezium.poll()), debeziumPartition);
        } catch (RetriableException e) {
            newRun(); // Connect polls again, and Debezium starts again from the stored offsets
            throw e;
        } catch (RuntimeException e) {
            stop = SourceStop.of(e, props.getOrDefault("name", topicPrefix), topicPrefix, capturedTables(),
                    System.currentTimeMillis());
            if (stop.records().isEmpty()) {
                throw e;
            }
            return stop.records();
        }
        if (records == null || records.isEmpty()) {
            return records;
        }
        lastTable = ChangeRecords.sourceTable(records.get(records.size() - 1).value());
        if (!ddlTableTopics) {
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
    private List<TableId> capturedTables() {
        List<TableId> tables = new ArrayList<>();
        if (lastTable != null) {
            tables.add(lastTable);
        }
        try (var c = ServerConnection.open(props)) {
            tables.addAll(Precheck.selectedTables(c, props, config));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot list the captured tables: {}", e.getMessage());
        }
        return tables;
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
    protected void stopStream() {
        if (debezium != null) {
            debezium.stop();
        }
        if (databaseDefaults != null) {
            databaseDefaults.close();
        }
    }
}
