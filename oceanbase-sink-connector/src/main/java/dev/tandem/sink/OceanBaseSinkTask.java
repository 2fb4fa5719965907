package dev.tandem.sink;

import dev.tandem.sink.apply.OriginBatch;
import dev.tandem.sink.apply.ApplyPipeline;
import dev.tandem.sink.apply.Backoff;
import dev.tandem.common.ServerKind;
import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.TandemVersion;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.apply.Applier;
import dev.tandem.sink.apply.ChangeRecord;
import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.dialect.Jdbc;
import dev.tandem.sink.apply.RecordReader;
import dev.tandem.sink.apply.LoadDataWriter;
import dev.tandem.sink.metrics.SinkMetrics;
import dev.tandem.sink.apply.StatementWriter;
import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.sink.conflict.ConflictLog;
import dev.tandem.sink.conflict.ConflictResolver;
import dev.tandem.sink.schema.DdlApplier;
import dev.tandem.sink.schema.DdlBarrier;
import dev.tandem.sink.txn.SourceTransactions;
import dev.tandem.sink.txn.WholeTransactions;
import dev.tandem.sink.schema.DdlTranslator;
import dev.tandem.sink.schema.DestinationDdl;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Applies the records of its partitions to the destination, exactly once: on every assignment it
 * reads its checkpoints and seeks past what is already applied; every transaction it commits
 * carries the new checkpoint. Records that originated in the sink's own region are skipped.
 *
 * <p>Pipelined: a batch's transaction runs on the task's apply thread while Connect polls and
 * converts the next records and {@code put} reads them, with at most one transaction in flight.
 * Everything a later step depends on waits for it first: a DDL or a table's "snapshot complete"
 * (they meet the table after the rows before them), the next transaction, {@code preCommit}
 * (Kafka offsets are committed only for applied records), a rebalance and {@code stop}. A failed
 * transaction fails the task at the next of these; the restart resumes from the checkpoints.
 */
public class OceanBaseSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(OceanBaseSinkTask.class);

    private OceanBaseSinkConfig config;
    private RecordReader reader;
    private Checkpoints checkpoints;
    private Dialect dialect;
    private Applier applier;
    private SinkMetrics metrics;
    private ErrantRecordReporter reporter;
    private DdlApplier ddl;
    /** The last offset applied per partition: records at or below it are not applied again. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** The apply thread: one transaction at a time, in order, while Connect reads the next records. */
    private ApplyPipeline pipeline;
    /** Statements naming several tables that wait for their copies in other topics. */
    private DdlBarrier barrier;
    /** Partitions paused at such a copy (its offset), until the statement is applied. */
    private final Map<TopicPartition, Long> held = new HashMap<>();
    /** A transaction's failure, seen by preCommit (for the next put to fail the task with) or thrown by put: nothing more is committed. */
    private ConnectException failure;
    /** Whole source transactions (tandem.transactions=whole), or null (batched). */
    private WholeTransactions whole;
    /** The put in progress on the batched path (also for records outside transactions with whole transactions). */
    private Batch current;
    /** Destination transactions lost in a row (a deadlock, a lost connection) while whole transactions were read again. */
    private int lostInARow;
    /**
     * Set when an open source transaction's destination transaction was lost: its commit may
     * have reached the destination all the same, so the checkpoints are read back before anything
     * is applied again.
     */
    private boolean readBackApplied;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new OceanBaseSinkConfig(props);
        String connector = props.getOrDefault("name", "tandem-sink");
        reader = new RecordReader(config.tableFormat(), config.sourceRegion());
        reporter = context.errantRecordReporter();
        metrics = new SinkMetrics(context.pluginMetrics());
        barrier = new DdlBarrier(reads(props), config.multiTableDdlWaitMs(), System::currentTimeMillis);
        if (config.wholeTransactions()) {
            whole = new WholeTransactions(new SourceTransactions(reads(props)), new WholeTarget(), context, config.batchSize(),
                    applied);
        }
        try {
            Connection c = openConnection();
            dialect = config.configuredDialect().orElse(detect(c));
            checkpoints = new Checkpoints(config.checkpointTable(), connector, dialect);
            checkpoints.create(c);
            checkpoints.markDdlSync(c, config.ddlSync(), config.region());
            StatementWriter writer = new StatementWriter(dialect, maxAllowedPacket(c), loadData(c, dialect));
            applier = new Applier(this::openConnection, c, writer, checkpoints, config.createTables(), config.nonEmptyPolicy(),
                    reporter, metrics, config.maxRetries(), config.retryBackoffMs());
            pipeline = new ApplyPipeline("tandem-apply-" + connector + "-" + props.getOrDefault("task.id", "0"), applier, applied);
            metrics.uncommitted(context.pluginMetrics(), pipeline::uncommitted);
            if (config.detectsConflicts()) {
                ConflictLog log = new ConflictLog(config.checkpointTable(), connector, config.region(), dialect);
                log.create(c);
                applier.detectConflicts(new ConflictResolver(config.conflictSettings(), log, config.region(),
                        (table, type, failed) -> metrics.conflict(table.toString(), type.label(), failed)));
                LOG.info("Sink task of '{}' detects conflicts with the rows of {} (strategy {}; recorded in {})", connector,
                        config.region(), config.getString(OceanBaseSinkConfig.CONFLICT_STRATEGY), log.conflictTable());
            }
            ddl = new DdlApplier(applier::connection, checkpoints,
                    new DdlTranslator(t -> reader.destination(t.database(), t.table(), ""), DestinationDdl.read(c, dialect)),
                    metrics, config.ddlSync(),
                    config.createTables(), config.postIndexing(), config.unsupportedDdl());
            LOG.info("Sink task of '{}' started: {} dialect, checkpoints in {}, source transactions {}", connector, dialect.name(),
                    checkpoints.table(), config.transactionsChoice());
        } catch (SQLException e) {
            throw new ConnectException("Cannot prepare the destination " + Jdbc.redacted(config.url()) + ": " + e.getMessage(), e);
        }
    }

    /** Whether this sink reads a topic: one of its topics, or matched by its topics.regex. */
    private static java.util.function.Predicate<String> reads(Map<String, String> props) {
        String regex = props.getOrDefault(SinkTask.TOPICS_REGEX_CONFIG, "");
        Set<String> topics = new java.util.HashSet<>();
        for (String t : props.getOrDefault(SinkTask.TOPICS_CONFIG, "").split(",")) {
            if (!t.isBlank()) {
                topics.add(t.trim());
            }
        }
        java.util.regex.Pattern pattern = regex.isBlank() ? null : java.util.regex.Pattern.compile(regex);
        return t -> topics.contains(t) || pattern != null && pattern.matcher(t).matches();
    }

    private Connection openConnection() throws SQLException {
        return Jdbc.open(config.url(), config.user(), config.password());
    }

    /** The LOAD DATA writer for new rows, where the option, the driver and the destination allow it. */
    private LoadDataWriter loadData(Connection c, Dialect dialect) {
        if (!config.loadData() || !dialect.loadsLocalData() || !LoadDataWriter.supports(c)) {
            LOG.info("New rows are written with INSERT statements ({} disabled, or not a MariaDB/MySQL destination "
                    + "through the MariaDB driver)", OceanBaseSinkConfig.LOAD_DATA);
            return null;
        }
        LoadDataWriter loader = new LoadDataWriter(dialect);
        metrics.loadData(context.pluginMetrics(), loader::loadedRows, loader::fallbacks);
        return loader;
    }

    private static Dialect detect(Connection c) throws SQLException {
        return Dialect.of(ServerKind.of(c));
    }

    private static long maxAllowedPacket(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
            return rs.next() ? rs.getLong(1) : 4L * 1024 * 1024;
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        awaitApplied(); // a cooperative rebalance adds partitions without closing the others: one connection, one user
        Checkpoints.Claimed claimed = claim(partitions);
        metrics.resumedAt(claimed.sourceTimestampMs());
        Map<TopicPartition, Long> stored = claimed.offsets();
        for (var e : stored.entrySet()) {
            applied.put(e.getKey(), e.getValue());
            context.offset(e.getKey(), e.getValue() + 1);
        }
        if (!stored.isEmpty()) {
            LOG.info("Resuming after the checkpointed offsets {}", stored);
        }
    }

    /**
     * Claims the partitions' checkpoint rows (fencing a task that held them before and still
     * writes) on a connection of its own, retrying while an older owner's transaction holds a row.
     */
    private Checkpoints.Claimed claim(Collection<TopicPartition> partitions) {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = openConnection()) {
                return checkpoints.claim(c, partitions);
            } catch (SQLException e) {
                if (!dialect.isTransient(e) || attempt >= config.maxRetries()) {
                    throw new ConnectException("Cannot claim the checkpoints of " + partitions + " in " + checkpoints.table() + ": "
                            + e.getMessage(), e);
                }
                long wait = Backoff.delayMs(config.retryBackoffMs(), attempt);
                LOG.warn("Claiming the checkpoints of {} failed ({}); retrying in {} ms", partitions, e.getMessage(), wait);
                Backoff.sleep(wait);
            }
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        awaitApplied();
        partitions.forEach(applied::remove);
        checkpoints.release(partitions);
        // A partition waiting at a copy is no longer paused: whoever reads it next (from the checkpoints) meets the
        // copy again and gathers the statement anew. Connect would pause it again on a new assignment otherwise.
        for (TopicPartition tp : partitions) {
            if (held.remove(tp) != null) {
                try {
                    context.resume(tp);
                } catch (RuntimeException notAssigned) {
                    LOG.debug("{} was not assigned any more when released: {}", tp, notAssigned.getMessage());
                }
            }
        }
        barrier.forget(partitions);
        if (whole != null) {
            abandonOpen();
            whole.forget(partitions);
        }
    }

    /**
     * Kafka offsets are committed for what is applied: the transaction in flight first. When it
     * failed, nothing is committed and the next {@code put} fails the task (Connect would only
     * rewind and retry after an exception here).
     */
    @Override
    public Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> preCommit(
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> currentOffsets) {
        try {
            awaitApplied();
        } catch (ReadAgain e) {
            readAgain(e);
        } catch (ConnectException e) {
            failure = e;
            return Map.of();
        }
        if (failure != null) {
            return Map.of();
        }
        if (whole != null) {
            // Only what is committed in the destination: records read ahead belong to transactions still open.
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : currentOffsets.keySet()) {
                long done = Math.max(applied.getOrDefault(tp, -1L), whole.passed().getOrDefault(tp, -1L));
                if (done >= 0) {
                    offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(done + 1));
                }
            }
            return offsets;
        }
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>(super.preCommit(currentOffsets));
        offsets.keySet().removeAll(held.keySet()); // read past a waiting copy, which is read again
        return offsets;
    }

    /** Starts the next transaction on the apply thread once the one in flight is done. */
    private void submit(List<ChangeRecord> records, String origin, Map<TopicPartition, Long> offsets) {
        awaitApplied();
        pipeline.apply(records, origin, offsets);
    }

    /**
     * Waits for the transaction in flight; its failure fails the task (the restart resumes from the
     * checkpoints), except a transient loss of an open source transaction, which is read again.
     */
    private void awaitApplied() {
        if (pipeline == null) {
            return;
        }
        Map<TopicPartition, Long> done;
        try {
            done = pipeline.await();
        } catch (Applier.OpenTransactionLost lost) {
            if (lost.isTransient() && lostInARow < config.maxRetries()) {
                throw new ReadAgain(lost);
            }
            throw lost;
        }
        if (!done.isEmpty()) {
            lostInARow = 0;
        }
    }

    /**
     * Applies {@code records} (on the apply thread; a transaction's failure surfaces at the next
     * put or commit). A failure that ends the task is kept, so the commit Connect makes as it
     * closes the task's partitions commits nothing: records handed to an earlier put that failed
     * were never applied, and a restart without checkpoint rows (nothing applied yet) resumes
     * from the committed offsets.
     */
    @Override
    public void put(Collection<SinkRecord> records) {
        if (failure != null) {
            throw failure;
        }
        try {
            putRecords(records);
        } catch (org.apache.kafka.connect.errors.RetriableException e) {
            throw e;
        } catch (ConnectException e) {
            failure = e;
            throw e;
        } catch (RuntimeException e) {
            failure = new ConnectException(e.getMessage(), e);
            throw e;
        }
    }

    private void putRecords(Collection<SinkRecord> records) {
        if (records.isEmpty() || pipeline.doneInFlight()) {
            try {
                awaitApplied(); // nothing to overlap with, or done: its failure now rather than later
            } catch (ReadAgain e) {
                readAgain(e); // these records are read again too, from the applied offsets
                return;
            }
        }
        Batch batch = new Batch();
        current = batch;
        if (whole != null) {
            if (readBackApplied && !readBackApplied()) {
                return;
            }
            try {
                whole.put(records, held.keySet());
            } catch (ReadAgain e) {
                readAgain(e);
            }
            return;
        }
        for (SinkRecord record : records) {
            TopicPartition tp = Checkpoints.partitionOf(record);
            Long done = applied.get(tp);
            if (done != null && Checkpoints.offsetOf(record) <= done || held.containsKey(tp) || batch.waited.contains(tp)) {
                continue; // applied before a restart (the checkpoint says so), or after a copy that waited: read again
            }
            handle(batch, record, tp);
        }
        finish(batch);
    }

    /** What one put gathers on the batched path. */
    private final class Batch {
        final OriginBatch run = new OriginBatch(config.batchSize(), OceanBaseSinkTask.this::submit);
        final Set<TopicPartition> waited = new java.util.HashSet<>();
        final Set<TableId> loaded = new LinkedHashSet<>();
        int skipped;
    }

    /** One record on the batched path: a change joins the next destination transaction; DDL and markers are handled in order. */
    private void handle(Batch batch, SinkRecord record, TopicPartition tp) {
        OriginBatch run = batch.run;
        ChangeRecords.Kind kind = ChangeRecords.kind(record);
        if (kind == ChangeRecords.Kind.TRANSACTION && SourceTransactions.isBoundary(record)) {
            return; // a transaction's BEGIN or END, read by a sink applying in batches (tasks.max above 1, say): no row
        }
        if (kind == ChangeRecords.Kind.SOURCE_STOPPED) {
            run.flush();
            awaitApplied();
            sourceStopped(record, tp, record.headers().lastWithName(TandemHeaders.SOURCE_STOPPED).value());
        }
        if (kind == ChangeRecords.Kind.SNAPSHOT_COMPLETE) {
            // A chunked snapshot's "table complete" record: every snapshot row of the table is before it.
            run.flush();
            awaitApplied();
            TableId source = TableId.parse(String.valueOf(record.headers().lastWithName(TandemHeaders.SNAPSHOT_COMPLETE).value()));
            String createTable = ChangeRecords.ddl(record.value());
            ddl.tableLoaded(reader.destination(source.database(), source.table(), record.topic()), createTable,
                    source.database());
            applied.put(tp, Checkpoints.offsetOf(record));
            return;
        }
        if (kind == ChangeRecords.Kind.SCHEMA_CHANGE) {
            run.flush(); // a barrier: the rows before it are applied first, those after it meet the changed table
            awaitApplied();
            String origin = reader.origin(record);
            if (ownOrigin(origin)) {
                batch.skipped++;
                return; // our own DDL, back from the other region
            }
            if (!applyDdl(record, tp, origin)) {
                batch.waited.add(tp);
            }
            return;
        }
        ChangeRecord change = read(record);
        if (change == null) {
            return; // a tombstone without a key names no row, or the record went to the dead-letter queue
        }
        if (ownOrigin(change.origin())) {
            batch.skipped++;
            return;
        }
        if (ddl.hasDeferred() && ddl.waits(change.table()) && snapshotDone(record)) {
            batch.loaded.add(change.table());
        }
        run.add(change, tp, Checkpoints.offsetOf(record));
    }

    /** The change a record carries; null for a tombstone without a key, or when it went to the dead-letter queue. */
    private ChangeRecord read(SinkRecord record) {
        try {
            return reader.read(record);
        } catch (DataException e) {
            report(record, e);
            return null;
        }
    }

    /** The end of a put on the batched path: its last transaction in flight while Connect reads the next records. */
    private void finish(Batch batch) {
        batch.run.flush();
        barrier.check();
        if (!batch.loaded.isEmpty()) {
            awaitApplied();
            batch.loaded.forEach(ddl::tableLoaded);
        }
        if (batch.skipped > 0) {
            metrics.skipped(batch.skipped);
            batch.skipped = 0;
        }
    }

    /**
     * Applies a DDL copy. One of a statement naming several tables waits (its partition paused and
     * read again from the copy) until the copies in the other topics arrive; the last one applies it
     * once for all and lets the others go on after their copies. Returns false when the copy waits.
     */
    private boolean applyDdl(SinkRecord record, TopicPartition tp, String origin) {
        Map<TopicPartition, Long> at = Map.of(tp, Checkpoints.offsetOf(record));
        List<String> topics = DdlBarrier.topics(record);
        if (topics.size() > 1) {
            at = barrier.arrive(record, topics);
            if (at == null) {
                held.put(tp, Checkpoints.offsetOf(record));
                context.pause(tp);
                context.offset(tp, Checkpoints.offsetOf(record));
                LOG.info("{}-{}@{} waits for the copies of '{}' in {}", tp.topic(), tp.partition(), Checkpoints.offsetOf(record),
                        ChangeRecords.ddl(record.value()), topics);
                return false;
            }
        }
        ddl.apply(record, origin, at);
        applied.putAll(at);
        for (var e : at.entrySet()) {
            if (held.remove(e.getKey()) != null) {
                context.offset(e.getKey(), e.getValue() + 1);
                context.resume(e.getKey());
            }
        }
        return true;
    }

    /**
     * The link's source stopped on something it cannot go past and said so in this topic: this
     * task fails too, naming the cause, rather than wait for changes that will not come. The
     * checkpoint moves past the notice first, so a restart of this task goes on after it.
     */
    private void sourceStopped(SinkRecord record, TopicPartition tp, Object cause) {
        ddl.passOver(reader.origin(record), Map.of(tp, Checkpoints.offsetOf(record)));
        applied.put(tp, Checkpoints.offsetOf(record));
        throw new ConnectException("The source of this link stopped, so nothing more arrives: " + cause + " (notice at "
                + tp.topic() + "-" + tp.partition() + "@" + Checkpoints.offsetOf(record) + "). Fix the cause, restart the source's task, "
                + "then restart this task: it goes on after the notice.");
    }

    /** The destination transaction of an open source transaction was lost for a transient cause: read it again. */
    private static final class ReadAgain extends RuntimeException {
        ReadAgain(Applier.OpenTransactionLost cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reads everything not committed again after a transient loss, after the usual backoff. */
    private void readAgain(ReadAgain e) {
        long wait = Backoff.delayMs(config.retryBackoffMs(), lostInARow);
        lostInARow++;
        LOG.warn("The open source transaction's destination transaction was lost ({}); reading it again in {} ms (attempt {} of {})",
                e.getMessage(), wait, lostInARow, config.maxRetries());
        whole.readAgain();
        readBackApplied = true;
        Backoff.sleep(wait); // Connect waits on its own only after a RetriableException: the backoff is here
    }

    /**
     * After a lost destination transaction, the applied offsets as the destination holds them: a
     * commit whose answer was lost moved them, and what it applied is then not applied again (the
     * records up to them are passed over). While the destination cannot be read, the put waits the
     * backoff and takes none of the records (they are read again): returns false.
     */
    private boolean readBackApplied() {
        Map<TopicPartition, Long> stored;
        try (Connection c = openConnection()) {
            // Every assigned partition: one applied for the first time by the lost commit has no applied offset yet.
            stored = checkpoints.offsets(c, context.assignment());
        } catch (SQLException e) {
            if (!dialect.isTransient(e)) {
                throw new ConnectException("Cannot read the checkpoints in " + checkpoints.table() + ": " + e.getMessage(), e);
            }
            LOG.debug("The destination cannot be read yet ({}): these records are read again after the backoff", e.getMessage());
            whole.readAgain();
            Backoff.sleep(Backoff.delayMs(config.retryBackoffMs(), lostInARow)); // Connect calls put again at once
            return false;
        }
        for (var e : stored.entrySet()) {
            Long known = applied.get(e.getKey());
            if (known == null || e.getValue() > known) {
                LOG.info("{} was applied up to offset {} after all (its commit reached the destination before the connection "
                        + "was lost): not applied again", e.getKey(), e.getValue());
                applied.put(e.getKey(), e.getValue());
            }
        }
        readBackApplied = false;
        return true;
    }

    /** Rolls back a destination transaction kept open for a source transaction (nothing of it stays). */
    private void abandonOpen() {
        try {
            awaitApplied();
        } catch (ReadAgain e) {
            // rolled back already
        }
        pipeline.abandonOpen();
    }

    /** Whole source transactions: what {@link WholeTransactions} asks of this task. */
    private final class WholeTarget implements WholeTransactions.Target {
        @Override
        public boolean other(SinkRecord record, TopicPartition tp) {
            handle(current, record, tp);
            return !current.waited.contains(tp);
        }

        @Override
        public void flushOther() {
            finish(current);
        }

        @Override
        public ChangeRecord read(SinkRecord record) {
            return OceanBaseSinkTask.this.read(record);
        }

        @Override
        public boolean own(String origin) {
            boolean own = ownOrigin(origin);
            if (own) {
                current.skipped++; // counted with the put's other skipped records
            }
            return own;
        }

        @Override
        public void applyPart(List<ChangeRecord> part, String origin, Map<TopicPartition, Long> offsets) {
            awaitApplied();
            pipeline.applyOpen(part, origin, offsets);
        }

        @Override
        public void commit(String origin, Map<TopicPartition, Long> offsets, int records, long sourceTimestampMs) {
            awaitApplied();
            pipeline.commitOpen(origin, offsets, records, sourceTimestampMs);
        }

        @Override
        public void abandon() {
            abandonOpen();
        }
    }

    /** Whether a change was made in this sink's own region (so applying it would make a loop). */
    private boolean ownOrigin(String origin) {
        return !config.region().isEmpty() && config.region().equals(origin);
    }

    /** The last snapshot row of its table, or a change after the snapshot: the table's snapshot rows are (being) applied. */
    private static boolean snapshotDone(SinkRecord record) {
        if (ChangeRecords.kind(record.value()) != ChangeRecords.Kind.ROW_CHANGE) {
            return false;
        }
        return !Envelope.OP_READ.equals(ChangeRecords.get(record.value(), Envelope.OP))
                || ChangeRecords.isLastSnapshotRow(record.value());
    }

    private void report(SinkRecord record, DataException e) {
        if (reporter == null) {
            throw new ConnectException("Cannot read " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + ": " + e.getMessage(), e);
        }
        LOG.warn("Sending {}-{}@{} to the dead-letter queue: {}", record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), e.getMessage());
        try {
            reporter.report(record, e).get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting a record", ie);
        } catch (ExecutionException ee) {
            throw new ConnectException("could not report a record to the dead-letter queue: " + ee.getMessage(), ee);
        }
    }

    @Override
    public void stop() {
        try {
            if (pipeline != null) {
                pipeline.stop();
            }
        } finally {
            if (applier != null) {
                applier.close();
            }
        }
    }
}
