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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint table of one sink connector. The first statement of every apply transaction
 * upserts the rows of the partitions it applies (origin region, last Kafka offset): committed
 * with the data, they are the exactly-once position the task seeks to after a restart, and, in
 * the destination's binlog, the loop marker that tells the region's source where a replicated
 * transaction came from.
 */
public final class Checkpoints {

    private final TableId table;
    private final String connector;
    private final Dialect dialect;

    public Checkpoints(TableId table, String connector, Dialect dialect) {
        this.table = table;
        this.connector = connector;
        this.dialect = dialect;
    }

    public TableId table() {
        return table;
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
                    + "PRIMARY KEY (" + Dialect.quote(CheckpointTable.CONNECTOR) + ", " + Dialect.quote(CheckpointTable.TOPIC)
                    + ", " + Dialect.quote(CheckpointTable.PARTITION) + ")) CHARACTER SET utf8mb4 "
                    + "COMMENT 'Tandem sink checkpoints and loop markers: do not edit'");
        }
    }

    /** The last applied offset of each given partition that has one. */
    public Map<TopicPartition, Long> read(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Dialect.quote(CheckpointTable.TOPIC) + ", "
                + Dialect.quote(CheckpointTable.PARTITION) + ", " + Dialect.quote(CheckpointTable.KAFKA_OFFSET) + " FROM "
                + qualified() + " WHERE " + Dialect.quote(CheckpointTable.CONNECTOR) + " = ?")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        offsets.put(tp, rs.getLong(3));
                    }
                }
            }
        }
        return offsets;
    }

    /** Whether this connector has applied anything to this destination yet. */
    public boolean any(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + qualified() + " WHERE "
                + Dialect.quote(CheckpointTable.CONNECTOR) + " = ? AND " + Dialect.quote(CheckpointTable.TOPIC) + " <> ? LIMIT 1")) {
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
            write(c, region, Map.of(new TopicPartition(CheckpointTable.DDL_SYNC_TOPIC, -1), 0L));
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
        write(c, origin, lastOffsets, null);
    }

    /**
     * The checkpoint rows, announcing a DDL when {@code ddl} is not null: the DDL marker the source's
     * OriginTagger matches with the schema-change event that DDL produces.
     */
    public void write(Connection c, String origin, Map<TopicPartition, Long> lastOffsets, String ddl) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualified()).append(" (")
                .append(Dialect.quote(CheckpointTable.CONNECTOR)).append(", ").append(Dialect.quote(CheckpointTable.TOPIC))
                .append(", ").append(Dialect.quote(CheckpointTable.PARTITION)).append(", ")
                .append(Dialect.quote(CheckpointTable.ORIGIN)).append(", ").append(Dialect.quote(CheckpointTable.KAFKA_OFFSET))
                .append(", ").append(Dialect.quote(CheckpointTable.DDL)).append(", ")
                .append(Dialect.quote(CheckpointTable.UPDATED)).append(") VALUES ");
        for (int i = 0; i < lastOffsets.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, NOW(6))");
        }
        sql.append(dialect.upsertClause(List.of(CheckpointTable.ORIGIN, CheckpointTable.KAFKA_OFFSET, CheckpointTable.DDL,
                CheckpointTable.UPDATED)));
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (var e : lastOffsets.entrySet()) {
                ps.setString(p++, connector);
                ps.setString(p++, e.getKey().topic());
                ps.setInt(p++, e.getKey().partition());
                ps.setString(p++, origin);
                ps.setLong(p++, e.getValue());
                ps.setString(p++, ddl);
            }
            ps.executeUpdate();
        }
    }
}
