package dev.tandem.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Reads a table in a canonical text form for comparing two servers column by column: binary
 * and BIT columns as hex, everything else as the server renders it ({@code CAST(... AS CHAR)}),
 * rows ordered by primary key. Also the column definitions, to compare types.
 */
public final class TableComparison {

    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit");

    private TableComparison() {
    }

    /** Column name, type and nullability, in table order. */
    public static List<Map<String, Object>> columns(MariaDbServer server, String database, String table) {
        return server.query("", "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = '" + database + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION");
    }

    /** Every row, every column as text (hex for binary), ordered by the primary key (or by every column without one). */
    public static List<Map<String, Object>> rows(MariaDbServer server, String database, String table) {
        List<Map<String, Object>> columns = server.query("", "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_KEY FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = '" + database + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION");
        if (columns.isEmpty()) {
            return List.of();
        }
        List<String> select = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Map<String, Object> c : columns) {
            String name = "`" + c.get("COLUMN_NAME") + "`";
            select.add((BINARY.contains(String.valueOf(c.get("DATA_TYPE"))) ? "HEX(" + name + ")" : "CAST(" + name + " AS CHAR)")
                    + " AS " + name);
            if ("PRI".equals(c.get("COLUMN_KEY"))) {
                order.add(name);
            }
        }
        return server.query("", "SELECT " + String.join(", ", select) + " FROM `" + database + "`.`" + table + "`"
                + " ORDER BY " + (order.isEmpty() ? IntStream.rangeClosed(1, select.size()).mapToObj(Integer::toString)
                        .collect(Collectors.joining(", ")) : String.join(", ", order)));
    }
}
