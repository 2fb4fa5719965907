package dev.tandem.source.core.snapshot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Key tuples (the chunk bounds) as text and back, each value tagged with how it is bound again:
 * integers and decimals as numbers (a BIGINT compared with a string parameter would be compared
 * as a double and lose precision above 2^53), binary keys as bytes, everything else (strings,
 * temporal values) as the server's own text, which it converts back exactly for the comparison.
 */
final class KeyValues {

    private KeyValues() {
    }

    /** Reads the key columns {@code 1..count} of the current row of {@code rs}. */
    static List<Object> read(ResultSet rs, int count) throws SQLException {
        List<Object> key = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Object v = rs.getObject(i);
            if (v == null || v instanceof Number || v instanceof byte[]) {
                key.add(v instanceof Number n ? asExactNumber(n) : v);
            } else {
                key.add(rs.getString(i));
            }
        }
        return key;
    }

    private static Object asExactNumber(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return BigInteger.valueOf(n.longValue());
        }
        if (n instanceof BigInteger || n instanceof BigDecimal) {
            return n;
        }
        return new BigDecimal(n.toString());
    }

    static String encode(List<Object> key) {
        if (key == null) {
            return "";
        }
        List<String> parts = new ArrayList<>(key.size());
        for (Object v : key) {
            if (v == null) {
                parts.add("0");
            } else if (v instanceof BigInteger i) {
                parts.add("i" + i);
            } else if (v instanceof BigDecimal d) {
                parts.add("d" + d.toPlainString());
            } else if (v instanceof byte[] b) {
                parts.add("x" + HexFormat.of().formatHex(b));
            } else {
                parts.add("s" + v);
            }
        }
        return Packed.pack(parts);
    }

    /** The key encoded by {@link #encode}; null (an open end) for the empty string. */
    static List<Object> decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        List<Object> key = new ArrayList<>();
        for (String part : Packed.unpack(text)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("not an encoded key: '" + text + "'");
            }
            String body = part.substring(1);
            key.add(switch (part.charAt(0)) {
                case '0' -> null;
                case 'i' -> new BigInteger(body);
                case 'd' -> new BigDecimal(body);
                case 'x' -> HexFormat.of().parseHex(body);
                case 's' -> body;
                default -> throw new IllegalArgumentException("not an encoded key: '" + text + "'");
            });
        }
        return key;
    }

    static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof BigInteger i) {
            ps.setBigDecimal(index, new BigDecimal(i));
        } else if (value instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (value instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (value == null) {
            ps.setNull(index, java.sql.Types.NULL);
        } else {
            ps.setString(index, value.toString());
        }
    }

    /** A key as people read it in logs: {@code (12, 'abc')}. */
    static String describe(List<Object> key) {
        if (key == null) {
            return "open";
        }
        List<String> parts = new ArrayList<>();
        for (Object v : key) {
            parts.add(v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : v instanceof String s ? "'" + s + "'" : String.valueOf(v));
        }
        return "(" + String.join(", ", parts) + ")";
    }
}
