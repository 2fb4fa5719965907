package dev.tandem.sink.conflict;

import dev.tandem.common.JsonText;
import dev.tandem.sink.apply.ValueBinder;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Rows and keys as the conflict table shows them: a JSON object of column to value, values as the
 * destination takes them (temporal values as UTC text, bytes as hex). The key's text is also what
 * identifies a row's tombstone, so it is built the same way every time.
 */
final class RowJson {

    private RowJson() {
    }

    static String of(Struct row) {
        if (row == null) {
            return null;
        }
        StringBuilder out = new StringBuilder("{");
        for (Field f : row.schema().fields()) {
            Object v = ValueBinder.toSql(f.schema(), row.get(f));
            field(out, f.name(), v instanceof byte[] b ? HexFormat.of().formatHex(b) : v);
        }
        return out.append('}').toString();
    }

    /** The current row of a result set, every column as the server prints it. */
    static String of(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder out = new StringBuilder("{");
        for (int i = 1; i <= md.getColumnCount(); i++) {
            field(out, md.getColumnLabel(i), rs.getString(i));
        }
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, Object value) {
        if (out.length() > 1) {
            out.append(',');
        }
        quoted(out, name).append(':');
        if (value == null) {
            out.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            quoted(out, value.toString());
        }
    }

    private static StringBuilder quoted(StringBuilder out, String s) {
        return out.append(JsonText.quoted(s));
    }
}
