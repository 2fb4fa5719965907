package dev.tandem.verifier;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One side (source or destination) of a table comparison: the SQL that digests a key range and
 * reads rows canonically, over the columns of the comparison in the source's order. A column this
 * side lacks reads as {@code M}, so a missing column makes every row differ rather than vanish.
 */
final class Side {

    /** A key range: rows with key above {@code lower} (if any) and up to {@code upper} (if any). */
    record Range(List<Object> lower, List<Object> upper) {
    }

    /** Row count and two 60-bit sums of per-row SHA-256 slices: order-independent, and a swap of values changes it. */
    record Digest(long rows, BigDecimal sum1, BigDecimal sum2) {
    }

    /** One row read canonically: its raw key values, key encoding, and each column's encoding. */
    record Row(List<Object> keyValues, String key, List<String> values) {
    }

    private final TableSpec spec;
    private final List<String> names;
    private final List<String> key;
    /** A row filter (SQL condition) on this side's rows, or null. */
    private final String filter;

    Side(TableSpec spec, List<String> names, List<String> key, String filter) {
        this.spec = spec;
        this.names = names;
        this.key = key;
        this.filter = filter;
    }

    TableSpec spec() {
        return spec;
    }

    private String encoded(String name) {
        return spec.column(name).map(Column::encoded).orElse("'M'");
    }

    private String keyColumns() {
        return key.stream().map(Column::quote).collect(Collectors.joining(", "));
    }

    private String tuple(int n) {
        return "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
    }

    private String where(Range range) {
        List<String> parts = new ArrayList<>();
        if (range.lower() != null) {
            parts.add("(" + keyColumns() + ") > " + tuple(key.size()));
        }
        if (range.upper() != null) {
            parts.add("(" + keyColumns() + ") <= " + tuple(key.size()));
        }
        if (filter != null) {
            parts.add("(" + filter + ")");
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    private static int bind(PreparedStatement ps, Range range) throws SQLException {
        int i = 1;
        for (List<Object> bound : java.util.Arrays.asList(range.lower(), range.upper())) {
            if (bound != null) {
                for (Object v : bound) {
                    ps.setObject(i++, v);
                }
            }
        }
        return i;
    }

    private String rowEncoding() {
        return "CONCAT(" + names.stream().map(this::encoded).collect(Collectors.joining(", ")) + ")";
    }

    private String keyEncoding() {
        return "CONCAT(" + key.stream().map(this::encoded).collect(Collectors.joining(", ")) + ")";
    }

    Digest digest(Connection c, Range range) throws SQLException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTR(h, 1, 15), 16, 10) AS UNSIGNED)), 0), "
                + "COALESCE(SUM(CAST(CONV(SUBSTR(h, 16, 15), 16, 10) AS UNSIGNED)), 0) FROM (SELECT SHA2(" + rowEncoding()
                + ", 256) AS h FROM " + spec.qualified() + where(range) + ") d";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, range);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Digest(rs.getLong(1), rs.getBigDecimal(2), rs.getBigDecimal(3));
            }
        }
    }

    private String rowSelect() {
        return "SELECT " + keyColumns() + ", " + keyEncoding() + ", "
                + names.stream().map(this::encoded).collect(Collectors.joining(", ")) + " FROM " + spec.qualified();
    }

    private Map<String, Row> readRows(PreparedStatement ps) throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<Object> keyValues = new ArrayList<>();
                for (int i = 1; i <= key.size(); i++) {
                    keyValues.add(rs.getObject(i));
                }
                String k = rs.getString(key.size() + 1);
                List<String> values = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) {
                    values.add(rs.getString(key.size() + 2 + i));
                }
                rows.put(k, new Row(keyValues, k, values));
            }
        }
        return rows;
    }

    /** The rows of a range, by key encoding. */
    Map<String, Row> rows(Connection c, Range range) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(rowSelect() + where(range))) {
            bind(ps, range);
            return readRows(ps);
        }
    }

    /** The rows with these keys (raw values), by key encoding. */
    Map<String, Row> rows(Connection c, List<List<Object>> keys) throws SQLException {
        Map<String, Row> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<List<Object>> batch = keys.subList(from, Math.min(keys.size(), from + 500));
            String in = batch.stream().map(k -> tuple(key.size())).collect(Collectors.joining(", "));
            try (PreparedStatement ps = c.prepareStatement(rowSelect() + " WHERE (" + keyColumns() + ") IN (" + in + ")"
                    + (filter == null ? "" : " AND (" + filter + ")"))) {
                int i = 1;
                for (List<Object> k : batch) {
                    for (Object v : k) {
                        ps.setObject(i++, v);
                    }
                }
                out.putAll(readRows(ps));
            }
        }
        return out;
    }

    /**
     * Chunk boundaries by key: the key of every {@code size}-th row, in key order. The ranges
     * between them, plus one below the first and one above the last, cover every possible key.
     */
    List<List<Object>> boundaries(Connection c, int size) throws SQLException {
        List<List<Object>> bounds = new ArrayList<>();
        List<Object> last = null;
        while (true) {
            String sql = "SELECT " + keyColumns() + " FROM " + spec.qualified()
                    + (last == null ? "" : " WHERE (" + keyColumns() + ") > " + tuple(key.size()))
                    + " ORDER BY " + keyColumns() + " LIMIT 1 OFFSET " + (size - 1);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (last != null) {
                    for (int i = 0; i < last.size(); i++) {
                        ps.setObject(i + 1, last.get(i));
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return bounds;
                    }
                    List<Object> k = new ArrayList<>();
                    for (int i = 1; i <= key.size(); i++) {
                        k.add(rs.getObject(i));
                    }
                    bounds.add(k);
                    last = k;
                }
            }
        }
    }

    /** The raw values of one row, for repair SQL: hex for binary columns, text otherwise; null for NULL. */
    List<String> literals(Connection c, List<Object> keyValues) throws SQLException {
        String sql = "SELECT " + spec.columns().stream().map(Column::literalSource).collect(Collectors.joining(", "))
                + " FROM " + spec.qualified() + " WHERE (" + keyColumns() + ") = " + tuple(key.size());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < keyValues.size(); i++) {
                ps.setObject(i + 1, keyValues.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= spec.columns().size(); i++) {
                    values.add(rs.getString(i));
                }
                return values;
            }
        }
    }
}
