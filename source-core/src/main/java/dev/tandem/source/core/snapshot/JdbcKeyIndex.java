package dev.tandem.source.core.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table's key index on the server: the key {@code n} rows on is the row at {@code OFFSET n-1}
 * of the keys above the previous bound, in key order, which the server reads from the index.
 */
final class JdbcKeyIndex implements KeyIndex {

    private final Connection connection;
    private final String table;
    private final List<String> keyColumns;

    /** {@code quotedTable} and {@code quotedKeyColumns} are ready for SQL (backquoted). */
    JdbcKeyIndex(Connection connection, String quotedTable, List<String> quotedKeyColumns) {
        this.connection = connection;
        this.table = quotedTable;
        this.keyColumns = quotedKeyColumns;
    }

    @Override
    public List<Object> keyAfter(List<Object> after, long rows) throws Exception {
        String columns = String.join(", ", keyColumns);
        KeyRange range = KeyRange.of(keyColumns, after, null);
        String sql = "SELECT " + columns + " FROM " + table + range.where() + " ORDER BY "
                + keyColumns.stream().map(c -> c + " ASC").collect(Collectors.joining(", ")) + " LIMIT 1 OFFSET ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int next = range.bind(ps, 1);
            ps.setLong(next, rows - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? KeyValues.read(rs, keyColumns.size()) : null;
            }
        }
    }
}
