package dev.tandem.sink.dialect;

import java.util.Set;
import dev.tandem.common.ServerKind;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * What differs between the destinations: how an upsert is spelled and which errors are worth a
 * retry. Everything else (multi-row statements, deletes by key, types) is the MySQL dialect they
 * share, built once in {@link dev.tandem.sink.apply.StatementWriter}.
 */
public interface Dialect {

    String[] NAMES = {"mariadb", "mysql", "oceanbase", "tidb"};

    String name();

    /** The product. */
    ServerKind kind();

    /** Table options this product takes beyond MySQL's common set, from its CREATE TABLE reference (upper case). */
    Set<String> ownTableOptions();

    /**
     * The clause after {@code INSERT INTO t (cols) VALUES (...),(...)} that makes it an upsert of
     * {@code updated} columns.
     */
    String upsertClause(List<String> updated);

    /**
     * Whether new rows may go through {@code LOAD DATA LOCAL INFILE} ({@link dev.tandem.sink.apply.LoadDataWriter}):
     * only where its behaviour (IGNORE, warnings, savepoints) is verified — MariaDB and MySQL.
     */
    default boolean loadsLocalData() {
        return false;
    }

    /** Whether JSON columns are text here (MariaDB: LONGTEXT with a check), so they compare as strings. */
    default boolean jsonIsText() {
        return false;
    }

    /**
     * The placeholder a column is compared with in a WHERE clause: a JSON document compares equal
     * to a string only where JSON columns are text; elsewhere the value is cast to JSON first.
     */
    default String comparedWith(org.apache.kafka.connect.data.Schema column) {
        return !jsonIsText() && "io.debezium.data.Json".equals(column.name()) ? "CAST(? AS JSON)" : "?";
    }

    /** Whether retrying the whole transaction may succeed (lost connection, lock timeout, deadlock...). */
    default boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (isTransientCode(s.getErrorCode()) || isTransientState(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Vendor error codes that are transient on this destination, beyond the MySQL ones. */
    default boolean isTransientCode(int code) {
        return code == 1205 /* lock wait timeout */ || code == 1213 /* deadlock */ || code == 2006 /* gone away */
                || code == 2013 /* lost connection */ || code == 1040 /* too many connections */
                || code == 1927 /* MariaDB: connection killed */;
    }

    private static boolean isTransientState(String state) {
        return state != null && (state.startsWith("08") || state.equals("40001"));
    }

    /** Upsert with {@code VALUES(col)}, understood by MariaDB, OceanBase and TiDB. */
    static String valuesFunctionUpsert(List<String> updated) {
        StringBuilder sql = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
        for (int i = 0; i < updated.size(); i++) {
            String c = quote(updated.get(i));
            sql.append(i == 0 ? "" : ", ").append(c).append(" = VALUES(").append(c).append(')');
        }
        return sql.toString();
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    static Dialect named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mariadb" -> Product.MARIADB;
            case "mysql" -> Product.MYSQL;
            case "oceanbase" -> Product.OCEANBASE;
            case "tidb" -> Product.TIDB;
            default -> throw new IllegalArgumentException("unknown dialect '" + name + "'");
        };
    }

    /** The dialect of a destination of {@code kind}. */
    static Dialect of(ServerKind kind) {
        return switch (kind) {
            case TIDB -> Product.TIDB;
            case OCEANBASE -> Product.OCEANBASE;
            case MARIADB -> Product.MARIADB;
            case MYSQL -> Product.MYSQL;
        };
    }
}
