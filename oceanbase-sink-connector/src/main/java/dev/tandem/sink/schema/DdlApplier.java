package dev.tandem.sink.schema;

import dev.tandem.common.ChangeRecords;
import dev.tandem.common.CheckpointTable;
import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.metrics.SinkMetrics;
import dev.tandem.sink.checkpoint.Checkpoints;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies the schema-change events that reach the sink in a table's topic: the snapshot's CREATE
 * TABLE (schema migration, with every key, default and comment; with post-indexing, without the
 * non-unique secondary indexes, which {@link #tableLoaded} adds later), and, with DDL sync, later
 * DDL. Exactly once: the checkpoint row announcing the DDL (the DDL marker) is committed before the
 * DDL runs and the checkpoint moves past it after; a DDL repeated after a crash in between that
 * finds its work done (duplicate column, existing table, ...) counts as applied.
 */
public final class DdlApplier {

    private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);
    /** MySQL-family errors that mean "already done": table exists, unknown table, duplicate column/key, can't drop. */
    private static final Set<Integer> ALREADY_DONE = Set.of(1050, 1051, 1060, 1061, 1091, 1146);

    private final Supplier<Connection> connection;
    private final Checkpoints checkpoints;
    private final DdlTranslator translator;
    private final SinkMetrics metrics;
    private final boolean sync;
    private final boolean createTables;
    private final boolean postIndexing;
    private final UnsupportedDdl unsupported;
    /** Non-unique indexes held back per destination table until its snapshot rows are in. */
    private final Map<TableId, List<String>> deferred = new LinkedHashMap<>();

    public DdlApplier(Supplier<Connection> connection, Checkpoints checkpoints, DdlTranslator translator, SinkMetrics metrics,
                      boolean sync, boolean createTables, boolean postIndexing, UnsupportedDdl unsupported) {
        this.connection = connection;
        this.checkpoints = checkpoints;
        this.translator = translator;
        this.metrics = metrics;
        this.sync = sync;
        this.createTables = createTables;
        this.postIndexing = postIndexing;
        this.unsupported = unsupported;
    }

    /** Whether any table waits for its secondary indexes. */
    public boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    /**
     * Applies one schema-change event whose copies are at {@code at} (one partition, or each topic of
     * a statement naming several tables); returns whether it changed the destination. Either way the
     * checkpoints move past the copies, so a DDL passed over (ignored, skipped, a table that exists)
     * is not met again after a restart or rebalance, when it might no longer be a no-op (a table
     * renamed since would come back under its old name).
     */
    public boolean apply(SinkRecord record, String origin, Map<TopicPartition, Long> at) {
        if (run(record, origin, at)) {
            return true;
        }
        passOver(origin, at);
        return false;
    }

    /** Moves the checkpoints past records that change nothing in the destination, so they are not met again. */
    public void passOver(String origin, Map<TopicPartition, Long> at) {
        Connection c = connection.get();
        try {
            c.setAutoCommit(false);
            checkpoints.write(c, origin, at);
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new ConnectException("Cannot write the checkpoint past " + at + ": " + e.getMessage(), e);
        }
    }

    private boolean run(SinkRecord record, String origin, Map<TopicPartition, Long> at) {
        Struct value = (Struct) record.value();
        String ddl = ChangeRecords.ddl(value);
        boolean snapshot = ChangeRecords.isSnapshot(value);
        Object db = ChangeRecords.get(value, Envelope.DATABASE_NAME);
        DdlTranslator.Translation t;
        try {
            t = translator.translate(ddl, db == null ? "" : db.toString(), snapshot, postIndexing && snapshot);
        } catch (DdlTranslator.UnsupportedDdlException e) {
            if (!sync) {
                return false; // without DDL sync only CREATE TABLE is of interest
            }
            if (unsupported == UnsupportedDdl.SKIP) {
                LOG.warn("Skipping unsupported DDL from {}-{}@{} (tandem.ddl.unsupported=skip): {}", record.topic(),
                        record.kafkaPartition(), record.kafkaOffset(), e.getMessage());
                metrics.ddlSkipped();
                return false;
            }
            throw new ConnectException(e.getMessage() + " (record " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + "; set tandem.ddl.unsupported=skip to go on without it)");
        }
        if (t.ignored()) {
            LOG.debug("Ignoring DDL {}: {}", t.kind(), ddl);
            return false;
        }
        boolean isCreate = t.kind().equals("CREATE TABLE");
        if (isCreate ? !(createTables || sync) : !sync) {
            return false;
        }
        Connection c = connection.get();
        try {
            // A table created, or renamed into another database, may be the first of its database in the destination.
            alignDatabase(c, t.table().database(), record, isCreate || t.kind().equals("RENAME TABLE"));
            if (isCreate && TableCreator.exists(c, t.table())) {
                // Already there (migrated before, or the incremental link's schema snapshot): checked, not re-run, so
                // the destination's binlog gets no DDL for it.
                checkCompatible(c, t.table(), value, record);
                return false;
            }
            c.setAutoCommit(true);
            for (String statement : t.prepare()) {
                execute(c, statement, record);
            }
            c.setAutoCommit(false);
            // The DDL marker: committed before the DDL, at the offset before it (not applied yet).
            Map<TopicPartition, Long> before = new LinkedHashMap<>();
            at.forEach((tp, offset) -> before.put(tp, offset - 1));
            checkpoints.write(c, origin, before, CheckpointTable.normaliseDdl(t.statements().get(0)));
            c.commit();
            c.setAutoCommit(true);
            for (String statement : t.statements()) {
                execute(c, statement, record);
            }
            c.setAutoCommit(false);
            checkpoints.write(c, origin, at);
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new ConnectException("DDL from " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
                    + " failed on the destination: " + e.getMessage() + " (statement: " + t.statements() + ")", e);
        }
        metrics.ddlApplied();
        if (!t.deferredIndexes().isEmpty()) {
            deferred.put(t.table(), t.deferredIndexes());
            LOG.info("Created {} without its {} secondary index(es); they follow when its snapshot rows are in", t.table(),
                    t.deferredIndexes().size());
        }
        LOG.info("Applied {} on {}: {}", t.kind(), t.table(), t.statements().get(0).replaceAll("\\s+", " "));
        return true;
    }

    /**
     * Gives the destination database the source database's default character set and collation
     * (headers of the DDL copy, mapped to the destination's nearest): a missing database is created
     * with them; with DDL sync, an existing one whose defaults differ is altered (the source ran
     * ALTER DATABASE, or the database was created before with the server's defaults). A CREATE
     * TABLE that names no collation then gets the same one on both sides.
     */
    private void alignDatabase(Connection c, String database, SinkRecord record, boolean creates) throws SQLException {
        org.apache.kafka.connect.header.Header charset = record.headers().lastWithName(TandemHeaders.DATABASE_CHARSET);
        org.apache.kafka.connect.header.Header collation = record.headers().lastWithName(TandemHeaders.DATABASE_COLLATION);
        if (charset == null || collation == null || charset.value() == null || collation.value() == null) {
            if (creates) { // defaults unknown (a source that does not send them): the destination server's
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(database));
                }
            }
            return;
        }
        String[] wanted = translator.databaseDefaults(charset.value().toString(), collation.value().toString());
        String[] current = null;
        try (var ps = c.prepareStatement("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
                + "WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    current = new String[] {rs.getString(1), rs.getString(2)};
                }
            }
        }
        String options = " CHARACTER SET " + wanted[0] + " COLLATE " + wanted[1];
        String statement;
        if (current == null) {
            if (!creates) {
                return;
            }
            statement = "CREATE DATABASE IF NOT EXISTS " + Dialect.quote(database) + options;
        } else if (sync && !(current[0].equalsIgnoreCase(wanted[0]) && current[1].equalsIgnoreCase(wanted[1]))) {
            statement = "ALTER DATABASE " + Dialect.quote(database) + options;
        } else {
            return;
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
        LOG.info("{} (the source database's defaults)", statement);
    }

    /**
     * An existing destination table must have every column the source table has (by name); a column
     * whose type name differs is reported in the log. Extra destination columns are allowed.
     */
    private static void checkCompatible(Connection c, TableId table, Struct value, SinkRecord record) throws SQLException {
        Map<String, String> sourceColumns = new LinkedHashMap<>();
        if (ChangeRecords.get(value, Envelope.TABLE_CHANGES) instanceof List<?> changes) {
            for (Object change : changes) {
                Struct described = change instanceof Struct s && s.schema().field("table") != null ? s.getStruct("table") : null;
                if (described != null && described.schema().field("columns") != null && described.getArray("columns") != null) {
                    for (Object column : described.getArray("columns")) {
                        Struct col = (Struct) column;
                        sourceColumns.put(col.getString("name").toLowerCase(java.util.Locale.ROOT),
                                String.valueOf(col.get("typeName")).toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        Map<String, String> destColumns = new LinkedHashMap<>();
        try (var ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? "
                + "AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    destColumns.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        List<String> missing = sourceColumns.keySet().stream().filter(n -> !destColumns.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new ConnectException("Destination table " + table + " exists but lacks the source's column(s) " + missing
                    + " (record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset() + "): add them, "
                    + "or drop the table so that schema migration creates it. If this table was created by this link's own "
                    + "schema migration, the source table changed (DDL) during its full migration — between the start of the "
                    + "copy and the start of streaming — which Tandem does not support: migrate the table again");
        }
        sourceColumns.forEach((name, type) -> {
            String dest = destColumns.get(name);
            if (!type.startsWith(dest) && !dest.startsWith(type)) {
                LOG.warn("Destination table {} exists; its column {} is {} where the source's is {}", table, name, dest, type);
            }
        });
        LOG.info("Destination table {} exists and has every source column; its CREATE TABLE is not run again", table);
    }

    private static void execute(Connection c, String statement, SinkRecord record) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            if (ALREADY_DONE.contains(e.getErrorCode())) {
                LOG.info("DDL from {}-{}@{} was applied before (a replay after a restart): {}", record.topic(),
                        record.kafkaPartition(), record.kafkaOffset(), e.getMessage());
                return;
            }
            throw e;
        }
    }

    /** Adds the indexes held back for {@code table}, now that its snapshot rows are applied. */
    public void tableLoaded(TableId table) {
        tableLoaded(table, null, null);
    }

    /**
     * Adds the indexes held back for {@code table}. When this task holds none for it (it restarted
     * after creating the table, and what it held back was in memory) but post-indexing is on, the
     * non-unique indexes of the source's {@code createTable} (may be null) are added instead; those
     * already there count as done.
     */
    public void tableLoaded(TableId table, String createTable, String database) {
        List<String> indexes = deferred.remove(table);
        if (indexes == null && postIndexing && createTable != null && !createTable.isBlank()) {
            try {
                indexes = translator.translate(createTable, database == null ? "" : database, true, true).deferredIndexes();
            } catch (DdlTranslator.UnsupportedDdlException e) {
                LOG.warn("Cannot read the secondary indexes of {} from its CREATE TABLE: {}", table, e.getMessage());
            }
        }
        if (indexes == null || indexes.isEmpty()) {
            return;
        }
        Connection c = connection.get();
        long started = System.nanoTime();
        for (int i = 0; i < indexes.size(); i++) {
            LOG.info("Post-indexing {}: index {} of {}: {}", table, i + 1, indexes.size(), indexes.get(i));
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute(indexes.get(i));
            } catch (SQLException e) {
                if (!ALREADY_DONE.contains(e.getErrorCode())) {
                    throw new ConnectException("Post-indexing " + table + " failed: " + e.getMessage() + " (statement: "
                            + indexes.get(i) + ")", e);
                }
            }
        }
        LOG.info("Post-indexing {} done: {} index(es) in {} ms", table, indexes.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether {@code table} waits for its secondary indexes. */
    public boolean waits(TableId table) {
        return deferred.containsKey(table);
    }
}
