package dev.tandem.sink.conflict;

import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.schema.TableCreator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two tables of ours beside the checkpoint table: {@code tandem_conflict}, one row per
 * conflict whatever the strategy, written in the transaction that resolved it (so a transaction
 * applied again after a crash records nothing twice); and {@code tandem_tombstone}, the rows that
 * changes of other regions deleted under last-writer-wins, so an older change arriving later does
 * not bring a deleted row back.
 */
public final class ConflictLog {

    /** One conflict as recorded. */
    public record Entry(String origin, TableId table, String key, ConflictType type, Strategy strategy, String outcome,
                        String incomingBefore, String incomingAfter, String destinationRow, String sourcePosition,
                        String topic, int partition, long offset) {
    }

    private final String connector;
    private final String region;
    private final Dialect dialect;
    private final String conflicts;
    private final String tombstones;
    private final TableId conflictTable;
    private final TableId tombstoneTable;

    /** In the checkpoint table's database, as {@code tandem_conflict} and {@code tandem_tombstone}. */
    public ConflictLog(TableId checkpointTable, String connector, String region, Dialect dialect) {
        this.connector = connector;
        this.region = region;
        this.dialect = dialect;
        this.conflictTable = new TableId(checkpointTable.database(), "tandem_conflict");
        this.tombstoneTable = new TableId(checkpointTable.database(), "tandem_tombstone");
        this.conflicts = Dialect.quote(conflictTable.database()) + "." + Dialect.quote(conflictTable.table());
        this.tombstones = Dialect.quote(tombstoneTable.database()) + "." + Dialect.quote(tombstoneTable.table());
    }

    public TableId conflictTable() {
        return conflictTable;
    }

    /** Creates both tables when missing; looks first, as a CREATE ... IF NOT EXISTS would still reach the binlog. */
    public void create(Connection c) throws SQLException {
        if (!TableCreator.exists(c, conflictTable)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(conflictTable.database()));
                s.execute("CREATE TABLE IF NOT EXISTS " + conflicts + " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                        + "detected_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), connector VARCHAR(255) NOT NULL, "
                        + "region VARCHAR(64) NOT NULL, origin VARCHAR(64) NOT NULL, table_name VARCHAR(200) NOT NULL, "
                        + "row_key TEXT NOT NULL, conflict_type VARCHAR(32) NOT NULL, strategy VARCHAR(32) NOT NULL, "
                        + "outcome VARCHAR(32) NOT NULL, incoming_before LONGTEXT NULL, incoming_after LONGTEXT NULL, "
                        + "destination_row LONGTEXT NULL, source_position VARCHAR(512) NULL, kafka_topic VARCHAR(249) NOT NULL, "
                        + "kafka_partition INT NOT NULL, kafka_offset BIGINT NOT NULL, KEY (table_name, detected_at), "
                        + "KEY (source_position(120))) "
                        + "CHARACTER SET utf8mb4 COMMENT 'Tandem: conflicts between regions, one row each'");
            }
        }
        if (!TableCreator.exists(c, tombstoneTable)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + tombstones + " (table_name VARCHAR(200) NOT NULL, "
                        + "row_key VARCHAR(500) NOT NULL, resolution_value VARCHAR(100) NULL, origin VARCHAR(64) NOT NULL, "
                        + "deleted_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (table_name, row_key), "
                        + "KEY (deleted_at)) CHARACTER SET utf8mb4 COMMENT 'Tandem: rows deleted under last-writer-wins'");
            }
        }
    }

    /**
     * Which of {@code entries} are recorded already: the same change (source position) of the same
     * row, met again because the source sent it twice — at least once, as Connect sources do after
     * a worker dies — under another Kafka offset.
     */
    public java.util.Set<Entry> known(Connection c, List<Entry> entries) throws SQLException {
        List<Entry> positioned = entries.stream().filter(e -> e.sourcePosition() != null).toList();
        java.util.Set<Entry> known = new java.util.HashSet<>();
        for (int from = 0; from < positioned.size(); from += 500) {
            List<Entry> chunk = positioned.subList(from, Math.min(positioned.size(), from + 500));
            String sql = "SELECT table_name, row_key, source_position FROM " + conflicts + " WHERE source_position IN ("
                    + "?, ".repeat(chunk.size() - 1) + "?)";
            java.util.Set<List<String>> found = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i).sourcePosition());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            for (Entry e : chunk) {
                if (found.contains(List.of(e.table().toString(), e.key(), e.sourcePosition()))) {
                    known.add(e);
                }
            }
        }
        return known;
    }

    /** Records conflicts, in the caller's transaction. */
    public void record(Connection c, List<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(conflicts).append(" (connector, region, origin, "
                + "table_name, row_key, conflict_type, strategy, outcome, incoming_before, incoming_after, destination_row, "
                + "source_position, kafka_topic, kafka_partition, kafka_offset) VALUES ");
        for (int i = 0; i < entries.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (Entry e : entries) {
                ps.setString(p++, connector);
                ps.setString(p++, region);
                ps.setString(p++, e.origin());
                ps.setString(p++, e.table().toString());
                ps.setString(p++, e.key());
                ps.setString(p++, e.type().label());
                ps.setString(p++, e.strategy().configValue());
                ps.setString(p++, e.outcome());
                ps.setString(p++, e.incomingBefore());
                ps.setString(p++, e.incomingAfter());
                ps.setString(p++, e.destinationRow());
                ps.setString(p++, e.sourcePosition());
                ps.setString(p++, e.topic());
                ps.setInt(p++, e.partition());
                ps.setLong(p++, e.offset());
            }
            ps.executeUpdate();
        }
    }

    /** The tombstones of these keys of a table: key text to resolution value (as {@code ValueBinder.toSql} prints it). */
    public Map<String, String> tombstones(Connection c, TableId table, List<String> keys) throws SQLException {
        Map<String, String> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            String sql = "SELECT row_key, resolution_value FROM " + tombstones + " WHERE table_name = ? AND row_key IN ("
                    + "?, ".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, table.toString());
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, stored(chunk.get(i)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    Map<String, String> byStored = new HashMap<>();
                    chunk.forEach(k -> byStored.put(stored(k), k));
                    while (rs.next()) {
                        found.put(byStored.get(rs.getString(1)), rs.getString(2));
                    }
                }
            }
        }
        return found;
    }

    /** Tombstones of rows deleted by changes of other regions (table, key text, resolution value, origin). */
    public void bury(Connection c, TableId table, Map<String, String> keys, String origin) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(tombstones)
                .append(" (table_name, row_key, resolution_value, origin, deleted_at) VALUES ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, NOW(6))");
        }
        sql.append(dialect.upsertClause(List.of("resolution_value", "origin", "deleted_at")));
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (var e : keys.entrySet()) {
                ps.setString(p++, table.toString());
                ps.setString(p++, stored(e.getKey()));
                ps.setString(p++, e.getValue());
                ps.setString(p++, origin);
            }
            ps.executeUpdate();
        }
    }

    /** A key's text as the tombstone table holds it: itself, or its SHA-256 when longer than the column. */
    static String stored(String key) {
        if (key.length() <= 500) {
            return key;
        }
        try {
            return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops tombstones older than the retention (autocommit); returns how many. */
    public int purge(Connection c, int retentionHours) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + tombstones + " WHERE deleted_at < NOW(6) - INTERVAL ? HOUR")) {
            ps.setInt(1, retentionHours);
            return ps.executeUpdate();
        }
    }
}
