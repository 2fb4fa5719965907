package dev.tandem.source.core.snapshot;

import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.StartPosition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where a chunked full migration's rows are read from, in time. The planner marks the point
 * before any row is read (streaming continues from it), and every copy connection is pinned to it
 * before it reads a chunk. For a binlog source the point is the end of the binlog and pinning does
 * nothing (each chunk reads the newest rows, which streaming from the mark then corrects); for
 * TiDB the point is a TSO and pinning sets {@code tidb_snapshot}, so every chunk reads the same
 * consistent version of the database.
 */
public interface SnapshotClock {

    /** The point streaming continues from, marked before any row is read (over {@code events}' connection). */
    StartPosition mark(SnapshotEvents events) throws SQLException;

    /** Makes {@code connection} read as of {@code point} (its next statements). */
    void pin(Connection connection, StartPosition point) throws SQLException;

    /** Ends the pin of {@code connection}, if any (it reads the newest rows again). */
    default void unpin(Connection connection) throws SQLException {
    }

    /** A table's {@code SHOW CREATE TABLE} as Debezium's parser is to read it (as it is, unless the dialect adds clauses). */
    default String definition(String showCreateTable) {
        return showCreateTable;
    }

    /** A binlog source: the end of the binlog (resolved for {@code format}); no pinning. */
    static SnapshotClock binlog(DebeziumFormat format, Map<String, String> debeziumProps) {
        return new SnapshotClock() {
            @Override
            public StartPosition mark(SnapshotEvents events) throws SQLException {
                return events.binlogEnd().resolvedFor(format, debeziumProps);
            }

            @Override
            public void pin(Connection connection, StartPosition point) {
                // rows are read as they are now; streaming from the mark makes them current
            }
        };
    }
}
