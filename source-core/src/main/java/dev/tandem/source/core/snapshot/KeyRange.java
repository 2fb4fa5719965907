package dev.tandem.source.core.snapshot;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE condition selecting the keys above a lower bound (exclusive) and up to an upper bound
 * (inclusive) over one or more key columns, with its parameters. Composite bounds are spelled out
 * as {@code a > ? OR (a = ? AND b > ?)} rather than as a row comparison {@code (a, b) > (?, ?)},
 * which MariaDB's optimizer does not turn into an index range.
 */
final class KeyRange {

    private final String condition;
    private final List<Object> parameters;

    private KeyRange(String condition, List<Object> parameters) {
        this.condition = condition;
        this.parameters = parameters;
    }

    static KeyRange of(List<String> quotedKeyColumns, List<Object> lower, List<Object> upper) {
        List<String> terms = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (lower != null) {
            terms.add(bound(quotedKeyColumns, lower, ">", ">", parameters));
        }
        if (upper != null) {
            terms.add(bound(quotedKeyColumns, upper, "<", "<=", parameters));
        }
        return new KeyRange(terms.isEmpty() ? "" : String.join(" AND ", terms), parameters);
    }

    /** {@code k1 op ? OR (k1 = ? AND k2 op ?) OR ... (k1 = ? AND ... kn lastOp ?)}. */
    private static String bound(List<String> columns, List<Object> key, String op, String lastOp, List<Object> parameters) {
        if (key.size() != columns.size()) {
            throw new IllegalArgumentException("a bound of " + key.size() + " values for " + columns.size() + " key columns");
        }
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(columns.get(j)).append(" = ? AND ");
                parameters.add(key.get(j));
            }
            term.append(columns.get(i)).append(i == columns.size() - 1 ? " " + lastOp + " ?" : " " + op + " ?");
            parameters.add(key.get(i));
            alternatives.add(i == 0 ? term.toString() : "(" + term + ")");
        }
        return alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(" OR ", alternatives) + ")";
    }

    /** The condition, or "" when both ends are open. */
    String condition() {
        return condition;
    }

    /** {@code " WHERE <condition>"}, or "" when both ends are open. */
    String where() {
        return condition.isEmpty() ? "" : " WHERE " + condition;
    }

    /** Binds the parameters from index {@code first}; returns the next free index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        int index = first;
        for (Object p : parameters) {
            KeyValues.bind(ps, index++, p);
        }
        return index;
    }
}
