package dev.tandem.sink.apply;

import dev.tandem.common.select.TableId;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the applier asks before it writes a table's changes of another region: which of them to
 * write, once conflicts with the destination rows are detected, resolved and recorded in the
 * open transaction ({@code dev.tandem.sink.conflict} answers it).
 */
public interface ConflictCheck {

    /** The records of {@code records} (one table's, in order) to write. */
    List<ChangeRecord> resolve(Connection c, TableId table, List<ChangeRecord> records, String origin) throws SQLException;

    /** Housekeeping outside a transaction (autocommit), at the check's own pace. */
    void purgeIfDue(Connection c) throws SQLException;
}
