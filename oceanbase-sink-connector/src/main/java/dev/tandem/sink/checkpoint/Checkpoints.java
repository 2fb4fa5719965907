package dev.tandem.sink.checkpoint;

import dev.tandem.common.CheckpointTable;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint table of one sink connector. The first statement of every apply transaction
 * updates the rows of the partitions it applies (origin region, last Kafka offset): committed
 * with the data, they are the exactly-once position the task seeks to after a restart, and, in
 * the destination's binlog, the loop marker that tells the region's source where a replicated
 * transaction came from.
 *
 * <p>A task claims its partitions' rows when they are assigned ({@link #claim}): the claim
 * raises the row's {@code claim_epoch}, and every later checkpoint write of that task names the
 * epoch it got. A task that lost its partitions and still writes (a zombie: its worker was cut
 * off from the group while another worker took the partitions over) finds a newer epoch in the
 * row, writes nothing and rolls its transaction back ({@link Fenced}): it cannot overwrite the
 * checkpoint, nor the data, of the task that owns the partition now.
 */
public final class Checkpoints {

    /** The column that fences zombie tasks; added to checkpoint tables created before it existed. */
    public static final String CLAIM_EPOCH = "claim_epoch";
    /**
     * The source commit time (ms) of the last change the row's partition had applied: read back when
     * the partitions are claimed, so a restarted task reports its checkpoint and lag before it applies
     * anything. Added to checkpoint tables created before it existed.
     */
    public static final String SOURCE_TS = "source_ts_ms";
    /** The columns added after the first version of the table, with their definitions. */
    private static final List<Map.Entry<String, String>> ADDED_COLUMNS = List.of(
            Map.entry(CLAIM_EPOCH, "BIGINT NOT NULL DEFAULT 0"), Map.entry(SOURCE_TS, "BIGINT NULL"));

    private final TableId table;
    private final String connector;
    private final Dialect dialect;
    /** The epoch this task claimed each of its partitions with. */
    private final Map<TopicPartition, Long> claims = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What claimed rows held: the last applied offset of each partition that has one, and the newest
     * source commit time among them (-1: none), what the partitions had applied before this task.
     */
    public record Claimed(Map<TopicPartition, Long> offsets, long sourceTimestampMs) {
    }

    public Checkpoints(TableId table, String connector, Dialect dialect) {
        this.table = table;
        this.connector = connector;
        this.dialect = dialect;
    }

    public TableId table() {
        return table;
    }

    /**
     * The partition a record was read from, as Kafka and the worker know it: its topic before any
     * transformation of this connector renamed it (Kafka Connect 3.6 and later). Checkpoints, the
     * seek after a restart and the offsets handed to Connect are all keyed by it, so a sink-side
     * {@code RegexRouter} or Tandem {@code Rename} does not break exactly-once apply.
     */
    public static TopicPartition partitionOf(org.apache.kafka.connect.sink.SinkRecord record) {
        return new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
    }

    /** The record's offset in that partition. */
    public static long offsetOf(org.apache.kafka.connect.sink.SinkRecord record) {
        return record.originalKafkaOffset();
    }

    private String qualified() {
        return Dialect.quote(table.database()) + "." + Dialect.quote(table.table());
    }

    /**
     * Creates the database and table when missing. Looks first: MySQL-family servers write even a
     * {@code CREATE ... IF NOT EXISTS} of an existing object to the binlog, and every task start
     * would otherwise put a DDL event into the captured stream.
     */
    public void create(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                + "AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    addColumns(c);
                    return;
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(table.database()));
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified() + " ("
                    + Dialect.quote(CheckpointTable.CONNECTOR) + " VARCHAR(255) NOT NULL, "
                    + Dialect.quote(CheckpointTable.TOPIC) + " VARCHAR(249) NOT NULL, "
                    + Dialect.quote(CheckpointTable.PARTITION) + " INT NOT NULL, "
                    + Dialect.quote(CheckpointTable.ORIGIN) + " VARCHAR(64) NOT NULL, "
                    + Dialect.quote(CheckpointTable.KAFKA_OFFSET) + " BIGINT NOT NULL, "
                    + Dialect.quote(CheckpointTable.DDL) + " TEXT NULL, "
                    + Dialect.quote(CheckpointTable.UPDATED) + " TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                    + Dialect.quote(CLAIM_EPOCH) + " BIGINT NOT NULL DEFAULT 0, "
                    + Dialect.quote(SOURCE_TS) + " BIGINT NULL, "
                    + "PRIMARY KEY (" + Dialect.quote(CheckpointTable.CONNECTOR) + ", " + Dialect.quote(CheckpointTable.TOPIC)
                    + ", " + Dialect.quote(CheckpointTable.PARTITION) + ")) CHARACTER SET utf8mb4 "
                    + "COMMENT 'Tandem sink checkpoints and loop markers: do not edit'");
        }
    }

    /**
     * A table made by an earlier version gets the columns added since ({@link #ADDED_COLUMNS}), in
     * one statement and only when one is missing: every task start looks first, as for the table.
     */
    private void addColumns(Connection c) throws SQLException {
        java.util.Set<String> present = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? "
                + "AND TABLE_NAME = ?")) {
            ps.setString(1, table.database());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        List<String> adds = new ArrayList<>();
        for (Map.Entry<String, String> column : ADDED_COLUMNS) {
            if (!present.contains(column.getKey())) {
                adds.add("ADD COLUMN " + Dialect.quote(column.getKey()) + " " + column.getValue());
            }
        }
        if (!adds.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + qualified() + " " + String.join(", ", adds));
            }
        }
    }

    /**
     * Claims the partitions for this task, in one transaction of {@code c} (a connection of its
     * own: the apply connection may hold an open transaction): each partition's row gets a new
     * epoch, and a row with offset -1 (nothing applied) when it has none yet. The row's origin is
     * emptied and its DDL cleared, so the source capturing this database reads nothing into the
     * claim. Waits for a transaction of an older owner that holds the row, and so reads its
     * committed offset. Returns what the rows held.
     */
    public Claimed claim(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        if (partitions.isEmpty()) {
            return new Claimed(Map.of(), -1);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualified()).append(" (")
                    .append(Dialect.quote(CheckpointTable.CONNECTOR)).append(", ").append(Dialect.quote(CheckpointTable.TOPIC))
                    .append(", ").append(Dialect.quote(CheckpointTable.PARTITION)).append(", ")
                    .append(Dialect.quote(CheckpointTable.ORIGIN)).append(", ").append(Dialect.quote(CheckpointTable.KAFKA_OFFSET))
                    .append(", ").append(Dialect.quote(CheckpointTable.UPDATED)).append(", ").append(Dialect.quote(CLAIM_EPOCH))
                    .append(") VALUES ");
            for (int i = 0; i < partitions.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, '', -1, NOW(6), 1)");
            }
            sql.append(" ON DUPLICATE KEY UPDATE ").append(Dialect.quote(CLAIM_EPOCH)).append(" = ").append(Dialect.quote(CLAIM_EPOCH))
                    .append(" + 1, ").append(Dialect.quote(CheckpointTable.ORIGIN)).append(" = '', ")
                    .append(Dialect.quote(CheckpointTable.DDL)).append(" = NULL, ").append(Dialect.quote(CheckpointTable.UPDATED))
                    .append(" = NOW(6)");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (TopicPartition tp : partitions) {
                    ps.setString(p++, connector);
                    ps.setString(p++, tp.topic());
                    ps.setInt(p++, tp.partition());
                }
                ps.executeUpdate();
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            Map<TopicPartition, Long> epochs = new HashMap<>();
            long sourceTimestamp = -1;
            for (var e : stored(c, partitions).entrySet()) {
                Row row = e.getValue();
                epochs.put(e.getKey(), row.epoch());
                if (row.offset() >= 0) {
                    offsets.put(e.getKey(), row.offset());
                }
                sourceTimestamp = Math.max(sourceTimestamp, row.sourceTimestampMs());
            }
            c.commit();
            claims.putAll(epochs);
            return new Claimed(offsets, sourceTimestamp);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Whether the destination already holds these checkpoints (every partition at or past its
     * offset): after a connection lost at commit, the transaction may have committed all the same,
     * and applying it again would apply its records twice.
     */
    public boolean covers(Connection c, Map<TopicPartition, Long> lastOffsets) throws SQLException {
        Map<TopicPartition, Row> stored = stored(c, lastOffsets.keySet());
        return lastOffsets.entrySet().stream().allMatch(e -> stored.containsKey(e.getKey())
                && stored.get(e.getKey()).offset() >= e.getValue());
    }

    /** The last applied offset the destination holds for each of {@code partitions} that has one. */
    public Map<TopicPartition, Long> offsets(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        stored(c, partitions).forEach((tp, row) -> {
            if (row.offset() >= 0) {
                offsets.put(tp, row.offset());
            }
        });
        return offsets;
    }

    /**
     * A partition's checkpoint row as stored: its last applied offset (-1: none), the epoch of its
     * last claim and the source commit time of its last applied change (-1: none).
     */
    private record Row(long offset, long epoch, long sourceTimestampMs) {
    }

    /** The stored rows of {@code partitions} that exist, read in one query. */
    private Map<TopicPartition, Row> stored(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Row> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Dialect.quote(CheckpointTable.TOPIC) + ", "
                + Dialect.quote(CheckpointTable.PARTITION) + ", " + Dialect.quote(CheckpointTable.KAFKA_OFFSET) + ", "
                + Dialect.quote(CLAIM_EPOCH) + ", " + Dialect.quote(SOURCE_TS) + " FROM " + qualified() + " WHERE "
                + Dialect.quote(CheckpointTable.CONNECTOR)
                + " = ?")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        long ts = rs.getLong(5);
                        rows.put(tp, new Row(rs.getLong(3), rs.getLong(4), rs.wasNull() ? -1 : ts));
                    }
                }
            }
        }
        return rows;
    }

    /** Forgets the claims of partitions no longer assigned: a write naming them is refused. */
    public void release(Collection<TopicPartition> partitions) {
        partitions.forEach(claims::remove);
    }

    /** Whether this connector has applied anything to this destination yet. */
    public boolean any(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + qualified() + " WHERE "
                + Dialect.quote(CheckpointTable.CONNECTOR) + " = ? AND " + Dialect.quote(CheckpointTable.TOPIC) + " <> ? AND "
                + Dialect.quote(CheckpointTable.KAFKA_OFFSET) + " >= 0 LIMIT 1")) {
            ps.setString(1, connector);
            ps.setString(2, CheckpointTable.DDL_SYNC_TOPIC);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Keeps this connector's DDL-sync row ({@link CheckpointTable#DDL_SYNC_TOPIC}) in step with its
     * configuration: written when DDL sync is on, removed when it is off. Writes only when that
     * changes something, so a task start adds nothing to the destination's binlog otherwise.
     */
    public void markDdlSync(Connection c, boolean ddlSync, String region) throws SQLException {
        String row = " FROM " + qualified() + " WHERE " + Dialect.quote(CheckpointTable.CONNECTOR) + " = ? AND "
                + Dialect.quote(CheckpointTable.TOPIC) + " = ?";
        boolean marked;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1" + row)) {
            ps.setString(1, connector);
            ps.setString(2, CheckpointTable.DDL_SYNC_TOPIC);
            try (ResultSet rs = ps.executeQuery()) {
                marked = rs.next();
            }
        }
        if (marked == ddlSync) {
            return;
        }
        if (ddlSync) {
            upsert(c, region, new TopicPartition(CheckpointTable.DDL_SYNC_TOPIC, -1));
        } else {
            try (PreparedStatement ps = c.prepareStatement("DELETE" + row)) {
                ps.setString(1, connector);
                ps.setString(2, CheckpointTable.DDL_SYNC_TOPIC);
                ps.executeUpdate();
            }
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** The first statement of an apply transaction: the checkpoint rows of its partitions, naming its origin. */
    public void write(Connection c, String origin, Map<TopicPartition, Long> lastOffsets) throws SQLException {
        write(c, origin, lastOffsets, null, -1);
    }

    /** The checkpoint rows, announcing {@code ddl}: see {@link #write(Connection, String, Map, String, long)}. */
    public void write(Connection c, String origin, Map<TopicPartition, Long> lastOffsets, String ddl) throws SQLException {
        write(c, origin, lastOffsets, ddl, -1);
    }

    /**
     * The checkpoint rows, announcing a DDL when {@code ddl} is not null: the DDL marker the source's
     * OriginTagger matches with the schema-change event that DDL produces. Each row is written only
     * under the epoch this task claimed it with; when another task claimed a partition since, the
     * transaction is rolled back and {@link Fenced} thrown. A positive {@code sourceTimestampMs}, the
     * source commit time of the transaction's newest change, is kept in the rows; otherwise (a DDL,
     * the head of a source transaction still being read) the rows keep the time they had.
     */
    public void write(Connection c, String origin, Map<TopicPartition, Long> lastOffsets, String ddl, long sourceTimestampMs)
            throws SQLException {
        List<Map.Entry<TopicPartition, Long>> rows = new ArrayList<>(lastOffsets.entrySet());
        for (var e : rows) {
            if (!claims.containsKey(e.getKey())) {
                throw new IllegalStateException("checkpoint of " + e.getKey() + " written before the partition was claimed");
            }
        }
        // One statement for all rows: a single UPDATE keeps the loop marker one row event group at the head.
        StringBuilder sql = new StringBuilder("UPDATE ").append(qualified()).append(" SET ")
                .append(Dialect.quote(CheckpointTable.ORIGIN)).append(" = ?, ").append(Dialect.quote(CheckpointTable.DDL))
                .append(" = ?, ").append(Dialect.quote(CheckpointTable.UPDATED)).append(" = NOW(6), ");
        if (sourceTimestampMs > 0) {
            sql.append(Dialect.quote(SOURCE_TS)).append(" = ?, ");
        }
        sql.append(Dialect.quote(CheckpointTable.KAFKA_OFFSET)).append(" = ");
        String match = "(" + Dialect.quote(CheckpointTable.TOPIC) + " = ? AND " + Dialect.quote(CheckpointTable.PARTITION) + " = ?";
        if (rows.size() == 1) {
            sql.append('?');
        } else {
            sql.append("CASE");
            for (int i = 0; i < rows.size(); i++) {
                sql.append(" WHEN ").append(match).append(") THEN ?");
            }
            sql.append(" END");
        }
        sql.append(" WHERE ").append(Dialect.quote(CheckpointTable.CONNECTOR)).append(" = ? AND (");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append(match).append(" AND ").append(Dialect.quote(CLAIM_EPOCH)).append(" = ?)");
        }
        sql.append(')');
        int written;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            ps.setString(p++, origin);
            ps.setString(p++, ddl);
            if (sourceTimestampMs > 0) {
                ps.setLong(p++, sourceTimestampMs);
            }
            if (rows.size() == 1) {
                ps.setLong(p++, rows.get(0).getValue());
            } else {
                for (var e : rows) {
                    ps.setString(p++, e.getKey().topic());
                    ps.setInt(p++, e.getKey().partition());
                    ps.setLong(p++, e.getValue());
                }
            }
            ps.setString(p++, connector);
            for (var e : rows) {
                ps.setString(p++, e.getKey().topic());
                ps.setInt(p++, e.getKey().partition());
                ps.setLong(p++, claims.get(e.getKey()));
            }
            written = ps.executeUpdate(); // rows matched: updated_at changes in every write
        }
        if (written != rows.size()) {
            List<String> lost = lostClaims(c, rows);
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            throw new Fenced("Another task of connector '" + connector + "' claimed " + String.join(", ", lost)
                    + " since this task did (a rebalance gave the partitions to another worker while this one was cut off, "
                    + "or a second Connect cluster runs a connector of the same name against this destination): this task's "
                    + "transaction is rolled back and it applies nothing more to them");
        }
    }

    /** The partitions among {@code rows} whose row now holds another epoch than this task's claim. */
    private List<String> lostClaims(Connection c, List<Map.Entry<TopicPartition, Long>> rows) throws SQLException {
        Map<TopicPartition, Row> stored = stored(c, rows.stream().map(Map.Entry::getKey).toList());
        List<String> lost = new ArrayList<>();
        for (var e : rows) {
            long mine = claims.get(e.getKey());
            Row row = stored.get(e.getKey());
            if (row == null) {
                lost.add(e.getKey() + " (its row is gone)");
            } else if (row.epoch() != mine) {
                lost.add(e.getKey() + " (epoch " + row.epoch() + ", this task's " + mine + ")");
            }
        }
        return lost;
    }

    /** The DDL-sync row, which no partition owns: inserted or replaced. */
    private void upsert(Connection c, String origin, TopicPartition tp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified() + " ("
                + Dialect.quote(CheckpointTable.CONNECTOR) + ", " + Dialect.quote(CheckpointTable.TOPIC) + ", "
                + Dialect.quote(CheckpointTable.PARTITION) + ", " + Dialect.quote(CheckpointTable.ORIGIN) + ", "
                + Dialect.quote(CheckpointTable.KAFKA_OFFSET) + ", " + Dialect.quote(CheckpointTable.UPDATED)
                + ") VALUES (?, ?, ?, ?, 0, NOW(6))" + dialect.upsertClause(List.of(CheckpointTable.ORIGIN,
                CheckpointTable.UPDATED)))) {
            ps.setString(1, connector);
            ps.setString(2, tp.topic());
            ps.setInt(3, tp.partition());
            ps.setString(4, origin);
            ps.executeUpdate();
        }
    }

    /** A checkpoint write refused: another task claimed one of its partitions since this task did. */
    public static final class Fenced extends org.apache.kafka.connect.errors.ConnectException {
        Fenced(String message) {
            super(message);
        }
    }
}
