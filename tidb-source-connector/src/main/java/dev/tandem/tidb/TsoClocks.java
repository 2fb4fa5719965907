package dev.tandem.tidb;

import dev.tandem.source.core.StartPosition;
import dev.tandem.source.core.snapshot.SnapshotClock;
import dev.tandem.source.core.snapshot.SnapshotEvents;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The TiDB-only statements of the snapshot, behind {@link SnapshotClock}: where the TSO comes from
 * and how a connection reads as of it. A TSO is kept in a {@link StartPosition} as its position
 * (no file, no GTID set).
 */
public final class TsoClocks {

    private TsoClocks() {
    }

    /** The clock of {@code dialect} ({@link TidbSourceConfig#SNAPSHOT_DIALECT}). */
    public static SnapshotClock forDialect(String dialect) {
        return TidbSourceConfig.DIALECT_MARIADB.equals(dialect) ? SYSTEM_VERSIONING : TIDB;
    }

    /** The TSO a position holds. */
    public static long tso(StartPosition position) {
        return position.binlogPosition();
    }

    public static StartPosition position(long tso) {
        return new StartPosition(null, tso, null);
    }

    /**
     * TiDB: the TSO is the start ts of a transaction begun now ({@code @@tidb_current_ts}), and a
     * connection reads as of it after {@code SET @@tidb_snapshot} (table definitions included).
     */
    public static final SnapshotClock TIDB = new SnapshotClock() {
        @Override
        public StartPosition mark(SnapshotEvents events) throws SQLException {
            Connection c = events.jdbc();
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@tidb_current_ts")) {
                rs.next();
                long tso = rs.getLong(1);
                if (tso == 0) {
                    throw new SQLException("@@tidb_current_ts is 0: the server is not TiDB, or no transaction began "
                            + "(set tidb.snapshot.dialect to match the server)");
                }
                return position(tso);
            } finally {
                c.commit();
                c.setAutoCommit(autoCommit);
            }
        }

        @Override
        public void pin(Connection connection, StartPosition point) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("SET @@tidb_snapshot = '" + tso(point) + "'");
            }
        }

        @Override
        public void unpin(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("SET @@tidb_snapshot = ''");
            }
        }
    };

    /**
     * The stand-in for MariaDB, where Tandem's tests run: the "TSO" is the server's clock in TiDB's
     * layout (milliseconds since the epoch shifted left by 18 bits, here with the microseconds
     * within the millisecond in the low bits), and a connection reads system-versioned tables as of
     * that moment through {@code system_versioning_asof}. Tables without system versioning are read
     * as they are now.
     */
    public static final SnapshotClock SYSTEM_VERSIONING = new SnapshotClock() {
        @Override
        public StartPosition mark(SnapshotEvents events) throws SQLException {
            try (Statement s = events.jdbc().createStatement();
                 ResultSet rs = s.executeQuery("SELECT UNIX_TIMESTAMP(NOW(6))")) {
                rs.next();
                long micros = rs.getBigDecimal(1).movePointRight(6).longValueExact();
                return position(((micros / 1000) << 18) | (micros % 1000));
            }
        }

        @Override
        public void pin(Connection connection, StartPosition point) throws SQLException {
            long tso = tso(point);
            long micros = (tso >>> 18) * 1000 + (tso & 0x3FFFF);
            try (Statement s = connection.createStatement()) {
                s.execute("SET @@system_versioning_asof = FROM_UNIXTIME(" + BigDecimal.valueOf(micros, 6).toPlainString() + ")");
            }
        }

        @Override
        public void unpin(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("SET @@system_versioning_asof = DEFAULT");
            }
        }

        /** Without MariaDB's table option, which Debezium's MySQL parser (the one TiDB needs) does not know. */
        @Override
        public String definition(String showCreateTable) {
            return showCreateTable.replaceFirst("\\s+WITH SYSTEM VERSIONING\\s*$", "");
        }
    };
}
