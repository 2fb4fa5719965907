package dev.tandem.sink.apply;

import dev.tandem.sink.metrics.SinkMetrics;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.checkpoint.Checkpoints;
import dev.tandem.sink.schema.TableCreator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Applies runs of change records of one origin, each as one destination transaction that begins
 * with the checkpoint rows: changes to the same key reduced to the last state, deletes and
 * upserts by table in multi-row statements (rows the source created through
 * {@link LoadDataWriter} where the task has one). A transient error rolls back and retries the whole
 * transaction with backoff; any other error rolls back and re-applies record by record, so the
 * record at fault is named (and sent to the dead-letter queue when one is configured) while the
 * others are applied.
 */
public final class Applier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /** How the task gets a (new) connection after one broke. */
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final ConnectionFactory connections;
    private final StatementWriter writer;
    private final Checkpoints checkpoints;
    private final TableCreator tables;
    private final boolean createTables;
    private final NonEmptyTables nonEmptyPolicy;
    private final ErrantRecordReporter reporter;
    private final SinkMetrics metrics;
    private final int maxRetries;
    private final long backoffMs;
    private final boolean appliedBefore;
    /** Conflict detection and resolution for changes of other regions, or null (one-way links). */
    private ConflictCheck conflicts;
    private final Set<TableId> checkedForRows = new HashSet<>();
    private final Set<TableId> keepExisting = new HashSet<>();
    private Connection connection;
    /** Whether the connection holds a destination transaction kept open for a source transaction. */
    private volatile boolean openTransaction;
    private long openedNanos;

    public Applier(ConnectionFactory connections, Connection connection, StatementWriter writer, Checkpoints checkpoints,
                   boolean createTables, NonEmptyTables nonEmptyPolicy, ErrantRecordReporter reporter, SinkMetrics metrics,
                   int maxRetries, long backoffMs) throws SQLException {
        this.connections = connections;
        this.connection = connection;
        this.writer = writer;
        this.checkpoints = checkpoints;
        this.tables = new TableCreator();
        this.createTables = createTables;
        this.nonEmptyPolicy = nonEmptyPolicy;
        this.reporter = reporter;
        this.metrics = metrics;
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.appliedBefore = checkpoints.any(connection);
    }

    public Connection connection() {
        return connection;
    }

    /** Turns conflict handling on: every run's changes are compared with the destination before they are written. */
    public void detectConflicts(ConflictCheck check) {
        this.conflicts = check;
    }

    /** Applies {@code run} (records of one origin, in order) in one transaction, retrying transient failures. */
    public void apply(List<ChangeRecord> run, String origin, Map<TopicPartition, Long> lastOffsets) {
        if (openTransaction) { // its own transaction would commit the open one half-way
            throw new IllegalStateException("a destination transaction is open for a source transaction: " + run.size()
                    + " records ending at " + run.get(run.size() - 1).describe() + " cannot be applied apart from it");
        }
        long started = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                ensureConnection();
                if (attempt > 0 && checkpoints.covers(connection, lastOffsets)) {
                    LOG.info("{} records ending at {} were committed before the connection was lost: not applied again",
                            run.size(), run.get(run.size() - 1).describe());
                    break;
                }
                applyReduced(run, origin, lastOffsets);
                if (attempt > 0) {
                    LOG.info("Applied {} records ending at {} after {} attempts ({} ms): the destination answers again",
                            run.size(), run.get(run.size() - 1).describe(), attempt + 1, (System.nanoTime() - started) / 1_000_000L);
                }
                break;
            } catch (SQLException e) {
                rollbackQuietly();
                if (writer.dialect().isTransient(e)) {
                    if (attempt >= maxRetries) {
                        throw new ConnectException("Gave up after " + (attempt + 1) + " attempts to apply " + run.size()
                                + " records ending at " + run.get(run.size() - 1).describe() + ": " + e.getMessage(), e);
                    }
                    long wait = Backoff.delayMs(backoffMs, attempt);
                    if (attempt == 0) { // once per outage: the next attempts only at debug level, the recovery at info
                        LOG.warn("Transient error applying {} records ({}); retrying with backoff from {} ms, up to {} more "
                                + "attempts (tandem.max.retries)", run.size(), e.getMessage(), wait, maxRetries);
                    } else {
                        LOG.debug("Attempt {} of {} to apply {} records failed, retrying in {} ms: {}", attempt + 1,
                                maxRetries + 1, run.size(), wait, e.getMessage());
                    }
                    closeQuietly();
                    Backoff.sleep(wait);
                } else {
                    LOG.warn("Applying {} records as one batch failed ({}); re-applying them one by one to find the "
                            + "record at fault", run.size(), e.getMessage());
                    applyOneByOne(run, origin, lastOffsets, attempt);
                    break;
                }
            }
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000L;
        metrics.transaction(run.size(), latencyMs, newestSourceTimestamp(run));
    }

    /** The source commit time of the newest change of {@code run}, -1 when none carries one. */
    private static long newestSourceTimestamp(List<ChangeRecord> run) {
        return run.stream().mapToLong(ChangeRecord::sourceTimestampMs).max().orElse(-1);
    }

    private void applyReduced(List<ChangeRecord> run, String origin, Map<TopicPartition, Long> lastOffsets) throws SQLException {
        Map<TableId, List<ChangeRecord>> byTable = byTable(run);
        prepareTables(byTable);
        connection.setAutoCommit(false);
        checkpoints.write(connection, origin, lastOffsets, null, newestSourceTimestamp(run));
        for (var e : byTable.entrySet()) {
            writeTable(e.getKey(), reduce(resolved(e.getKey(), e.getValue(), origin)));
        }
        connection.commit();
    }

    /** The records to write after conflicts with the destination are resolved (all of them without conflict handling). */
    private List<ChangeRecord> resolved(TableId table, List<ChangeRecord> records, String origin) throws SQLException {
        return conflicts == null ? records : conflicts.resolve(connection, table, records, origin);
    }

    private static Map<TableId, List<ChangeRecord>> byTable(List<ChangeRecord> run) {
        Map<TableId, List<ChangeRecord>> byTable = new LinkedHashMap<>();
        for (ChangeRecord r : run) {
            byTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r);
        }
        return byTable;
    }

    /**
     * Creates missing tables and applies the non-empty policy before the transaction begins: DDL
     * commits implicitly, and would split the checkpoint row from the data it marks.
     */
    private void prepareTables(Map<TableId, List<ChangeRecord>> byTable) throws SQLException {
        connection.setAutoCommit(true);
        for (var e : byTable.entrySet()) {
            prepareTable(connection, e.getKey(), e.getValue());
        }
        if (conflicts != null) {
            conflicts.purgeIfDue(connection);
        }
    }

    /** The last state of every key, in the order keys last changed; changes of a table without a key all, in order. */
    static List<ChangeRecord> reduce(List<ChangeRecord> records) {
        if (records.stream().anyMatch(ChangeRecord::keyless)) {
            return records;
        }
        Map<List<Object>, ChangeRecord> last = new LinkedHashMap<>();
        for (ChangeRecord r : records) {
            List<Object> key = r.keyValues();
            last.remove(key);
            last.put(key, r);
        }
        return new ArrayList<>(last.values());
    }

    private void writeTable(TableId table, List<ChangeRecord> records) throws SQLException {
        if (records.stream().anyMatch(ChangeRecord::keyless)) {
            writeInOrder(table, records);
            return;
        }
        Map<Schema, List<Struct>> deletes = new LinkedHashMap<>();
        Map<Schema, List<Struct>> upserts = new LinkedHashMap<>();
        Map<Schema, List<Struct>> inserts = new LinkedHashMap<>();
        Map<Schema, List<Struct>> created = new LinkedHashMap<>();
        Map<Schema, Set<String>> keyColumns = new HashMap<>();
        for (ChangeRecord r : records) {
            if (r.isDelete()) {
                deletes.computeIfAbsent(r.keySchema(), s -> new ArrayList<>()).add(r.key());
            } else {
                Map<Schema, List<Struct>> target = r.snapshot() && keepExisting.contains(table) ? inserts
                        : r.created() ? created : upserts;
                target.computeIfAbsent(r.row().schema(), s -> new ArrayList<>()).add(r.row());
                keyColumns.putIfAbsent(r.row().schema(), r.keySchema().fields().stream().map(Field::name).collect(Collectors.toSet()));
            }
        }
        for (var e : deletes.entrySet()) {
            writer.delete(connection, table, e.getKey(), e.getValue());
        }
        for (var e : upserts.entrySet()) {
            writer.upsert(connection, table, e.getKey(), keyColumns.get(e.getKey()), e.getValue(), false);
        }
        for (var e : created.entrySet()) {
            writer.writeNew(connection, table, e.getKey(), keyColumns.get(e.getKey()), e.getValue());
        }
        for (var e : inserts.entrySet()) {
            writer.upsert(connection, table, e.getKey(), keyColumns.get(e.getKey()), e.getValue(), true);
        }
    }

    /**
     * Changes of a table without a key, in their order: runs of new rows in multi-row INSERTs, each
     * update and delete on one row equal to its before image. A change whose row is not there fails
     * like any other bad record (dead-letter queue, or the task names it): the destination has
     * drifted from the source, and guessing a row would hide it.
     */
    private void writeInOrder(TableId table, List<ChangeRecord> records) throws SQLException {
        List<Struct> inserts = new ArrayList<>();
        for (ChangeRecord r : records) {
            boolean insert = r.keyless() && r.before() == null && r.row() != null;
            if (!inserts.isEmpty() && (!insert || !inserts.get(0).schema().equals(r.row().schema()))) {
                writer.insert(connection, table, inserts.get(0).schema(), inserts);
                inserts = new ArrayList<>();
            }
            if (insert) {
                inserts.add(r.row());
            } else if (!r.keyless()) {
                writeTable(table, List.of(r));
            } else if (writer.changeOne(connection, table, r.before(), r.row()) == 0) {
                throw new SQLException("no row of " + table + " equals the before image of " + r.describe()
                        + ": the destination differs from the source (compare them with the verifier)", "02000");
            }
        }
        if (!inserts.isEmpty()) {
            writer.insert(connection, table, inserts.get(0).schema(), inserts);
        }
    }

    /** Creates a missing table; on a first full migration, applies the policy for tables that already hold rows. */
    private void prepareTable(Connection c, TableId table, List<ChangeRecord> records) throws SQLException {
        ChangeRecord withRow = records.stream().filter(r -> !r.isDelete()).findFirst().orElse(null);
        if (createTables && withRow != null) {
            tables.ensure(c, table, withRow.keySchema(), withRow.row().schema());
        }
        boolean snapshot = records.stream().anyMatch(ChangeRecord::snapshot);
        if (snapshot && !appliedBefore && checkedForRows.add(table) && TableCreator.exists(c, table) && hasRows(c, table)) {
            if (withRow != null && withRow.keyless()) {
                throw new ConnectException("Destination table " + table + " has no key and already has rows: a full "
                        + "migration cannot tell which source rows are there already. Empty the table first");
            }
            switch (nonEmptyPolicy) {
                case FAIL -> throw new ConnectException("Destination table " + table + " already has rows and this connector "
                        + "has applied nothing yet: full migration refuses non-empty tables. Empty the table, or set "
                        + "tandem.destination.nonempty=overwrite (source rows replace rows with the same key) or keep");
                case KEEP -> keepExisting.add(table);
                case OVERWRITE -> {
                    // the upsert replaces rows with the same key
                }
            }
            LOG.info("Destination table {} already had rows; policy '{}'", table, nonEmptyPolicy);
        }
    }

    private static boolean hasRows(Connection c, TableId table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM " + StatementWriter.qualified(table) + " LIMIT 1")) {
            return rs.next();
        }
    }

    /**
     * Re-applies a run that failed as a batch, one record per statement in original order, each
     * behind a savepoint: a failing record is reported (dead-letter queue) or fails the task with
     * its table, key and cause; the others and the checkpoint commit together.
     */
    private void applyOneByOne(List<ChangeRecord> run, String origin, Map<TopicPartition, Long> lastOffsets, int attempt) {
        try {
            ensureConnection();
            prepareTables(byTable(run));
            connection.setAutoCommit(false);
            checkpoints.write(connection, origin, lastOffsets, null, newestSourceTimestamp(run));
            writeEach(run, origin);
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            if (writer.dialect().isTransient(e) && attempt < maxRetries) {
                closeQuietly();
                Backoff.sleep(Backoff.delayMs(backoffMs, attempt));
                applyOneByOne(run, origin, lastOffsets, attempt + 1);
                return;
            }
            throw new ConnectException("Cannot apply records ending at " + run.get(run.size() - 1).describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes each record behind its own savepoint; one that fails is reported (or fails the task) and the others go on. */
    private void writeEach(List<ChangeRecord> run, String origin) throws SQLException {
        for (ChangeRecord r : run) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                writeTable(r.table(), resolved(r.table(), List.of(r), origin));
                connection.releaseSavepoint(savepoint);
            } catch (SQLException | RuntimeException e) {
                if (e instanceof SQLException sql && writer.dialect().isTransient(sql)) {
                    throw sql;
                }
                connection.rollback(savepoint);
                report(r, e);
            }
        }
    }

    /**
     * Writes part of a source transaction into the destination transaction kept open for it,
     * committing nothing ({@link #commitOpen} does). The first part opens it with the checkpoint
     * rows (the loop marker heads the transaction, as always). A part that fails as a batch is
     * written again record by record behind savepoints (dead-letter queue, or a task failure naming
     * the record); anything else that fails rolls the whole transaction back and is thrown as
     * {@link OpenTransactionLost}, for the caller to read the source transaction again.
     */
    public void applyOpen(List<ChangeRecord> part, String origin, Map<TopicPartition, Long> offsets) {
        try {
            ensureConnection();
            Map<TableId, List<ChangeRecord>> byTable = byTable(part);
            if (!openTransaction) {
                prepareTables(byTable);
                connection.setAutoCommit(false);
                checkpoints.write(connection, origin, offsets);
                openTransaction = true;
                openedNanos = System.nanoTime();
            } else {
                prepareAside(byTable);
            }
            Savepoint savepoint = connection.setSavepoint();
            try {
                for (var e : byTable.entrySet()) {
                    writeTable(e.getKey(), reduce(resolved(e.getKey(), e.getValue(), origin)));
                }
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (writer.dialect().isTransient(e)) {
                    throw e;
                }
                connection.rollback(savepoint);
                LOG.warn("Writing {} records of an open source transaction as one batch failed ({}); writing them one by one "
                        + "to find the record at fault", part.size(), e.getMessage());
                writeEach(part, origin);
            }
        } catch (SQLException e) {
            abandonOpen();
            throw new OpenTransactionLost(e, writer.dialect().isTransient(e));
        } catch (RuntimeException e) {
            abandonOpen();
            throw e;
        }
    }

    /** Commits the destination transaction kept open, its checkpoint rows moved to {@code lastOffsets}. */
    public void commitOpen(String origin, Map<TopicPartition, Long> lastOffsets, int records, long sourceTimestampMs) {
        try {
            if (!openTransaction) { // nothing written (every change was this region's own): the checkpoint alone
                ensureConnection();
                connection.setAutoCommit(false);
                openedNanos = System.nanoTime();
            }
            checkpoints.write(connection, origin, lastOffsets, null, sourceTimestampMs);
            connection.commit();
            connection.setAutoCommit(true);
            openTransaction = false;
        } catch (SQLException e) {
            abandonOpen();
            throw new OpenTransactionLost(e, writer.dialect().isTransient(e));
        } catch (RuntimeException e) {
            abandonOpen();
            throw e;
        }
        metrics.transaction(records, (System.nanoTime() - openedNanos) / 1_000_000L, sourceTimestampMs);
    }

    /** Rolls the destination transaction kept open back (nothing of it stays). */
    public void abandonOpen() {
        openTransaction = false;
        rollbackQuietly();
        try {
            if (connection != null && !connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            closeQuietly();
        }
    }

    /** Whether a destination transaction is kept open for a source transaction. */
    public boolean hasOpen() {
        return openTransaction;
    }

    /**
     * Creates tables a part of an open transaction needs on a connection of their own: DDL on the
     * transaction's connection would commit it half-way.
     */
    private void prepareAside(Map<TableId, List<ChangeRecord>> byTable) throws SQLException {
        List<TableId> missing = new ArrayList<>();
        for (TableId t : byTable.keySet()) {
            if (createTables && !tables.known(t)) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (Connection aside = connections.open()) {
            for (TableId t : missing) {
                prepareTable(aside, t, byTable.get(t));
            }
        }
    }

    /** A destination transaction kept open for a source transaction was rolled back: the source transaction must be read again. */
    public static final class OpenTransactionLost extends ConnectException {
        private final boolean transientCause;

        OpenTransactionLost(SQLException cause, boolean transientCause) {
            super("The destination transaction of an open source transaction was rolled back: " + cause.getMessage(), cause);
            this.transientCause = transientCause;
        }

        /** Whether reading the source transaction again may succeed (a lost connection, a deadlock). */
        public boolean isTransient() {
            return transientCause;
        }
    }

    private void report(ChangeRecord r, Exception cause) {
        String message = "Cannot apply " + r.describe() + ": " + cause.getMessage();
        if (reporter == null) {
            rollbackQuietly();
            throw new ConnectException(message + " (configure errors.tolerance=all and errors.deadletterqueue.topic.name "
                    + "to send such records to a dead-letter queue instead)", cause);
        }
        LOG.warn("{}; sent to the dead-letter queue", message);
        try {
            reporter.report(r.source(), new ConnectException(message, cause)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting " + r.describe(), e);
        } catch (ExecutionException e) {
            throw new ConnectException("could not report " + r.describe() + " to the dead-letter queue: " + e.getMessage(), e);
        }
    }

    private void ensureConnection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connections.open();
        }
    }

    private void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // the connection is broken anyway; a new one is opened on the next attempt
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
