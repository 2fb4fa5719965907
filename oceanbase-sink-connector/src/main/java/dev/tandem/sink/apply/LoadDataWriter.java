package dev.tandem.sink.apply;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes rows the source created (snapshot reads, inserts) with {@code LOAD DATA LOCAL INFILE}
 * fed from memory, inside the caller's transaction, so the rows commit with the checkpoint row
 * that marks them. {@code LOAD DATA} spares the server the parsing of long {@code INSERT}
 * statements: on MariaDB it writes new rows about 1.5 times as fast.
 *
 * <p>It must never give a different result than the upsert it replaces. {@code LOAD DATA LOCAL}
 * runs with {@code IGNORE}: a row whose key exists is skipped and a value the column cannot hold
 * is adjusted, each with a warning. So the load runs behind a savepoint and counts: when fewer
 * rows were inserted than sent, or the server reported any warning, it is rolled back to the
 * savepoint and the caller writes the rows with {@code INSERT ... ON DUPLICATE KEY UPDATE}
 * instead (where strict mode reports the bad value properly); that table then skips the load for
 * a while. A server that refuses local files ({@code local_infile=OFF}) turns it off for the task.
 *
 * <p>Values are written as the statements bind them ({@link ValueBinder#toSql}): text in the
 * connection's utf8mb4 with {@code LOAD DATA}'s escapes, bytes as hex through {@code UNHEX()} and
 * booleans through {@code CAST(... AS UNSIGNED)} (so BIT(1) columns take them), NULL as
 * {@code \N}.
 */
public final class LoadDataWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LoadDataWriter.class);

    /** Fewer rows than this go into a statement: the savepoint would cost more than it saves. */
    static final int MIN_ROWS = 100;
    /** How many loads a table skips after one fell back to statements. */
    static final int PAUSE_AFTER_FALLBACK = 50;
    /** The name the statement gives the in-memory file; the driver checks the server asks for this one. */
    private static final String FILE = "tandem-rows";
    private static final HexFormat HEX = HexFormat.of();

    private final Dialect dialect;
    private boolean enabled = true;
    private final Map<TableId, Integer> paused = new HashMap<>();
    // Written by the apply thread, read by JMX.
    private volatile long loadedRows;
    private volatile long fallbacks;

    public LoadDataWriter(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Whether the connection's driver can feed {@code LOAD DATA LOCAL} from memory. The MariaDB
     * driver sends a statement's stream only when the server asks for the file name that
     * statement named, and never reads local files unless {@code allowLocalInfile} is set (it is
     * not): a server cannot obtain anything but the rows.
     */
    public static boolean supports(Connection c) {
        try {
            return c.isWrapperFor(org.mariadb.jdbc.Connection.class);
        } catch (SQLException e) {
            return false;
        }
    }

    public long loadedRows() {
        return loadedRows;
    }

    public long fallbacks() {
        return fallbacks;
    }

    /**
     * Loads {@code rows} (all of {@code rowSchema}) into {@code table} inside the connection's
     * transaction; returns false, having written nothing, when the caller must write them with
     * statements.
     */
    public boolean load(Connection c, TableId table, Schema rowSchema, List<Struct> rows) throws SQLException {
        // Outside a transaction there is no savepoint to go back to.
        if (!enabled || rows.size() < MIN_ROWS || c.getAutoCommit() || !loadable(rowSchema)) {
            return false;
        }
        Integer skip = paused.computeIfPresent(table, (t, n) -> n > 1 ? n - 1 : null);
        if (skip != null) {
            return false;
        }
        List<Field> fields = rowSchema.fields();
        byte[] data = text(fields, rows);
        Savepoint savepoint = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new ByteArrayInputStream(data));
            int inserted = s.executeUpdate(statement(table, fields));
            SQLWarning warning = s.getWarnings();
            if (inserted == rows.size() && warning == null) {
                c.releaseSavepoint(savepoint);
                loadedRows += inserted;
                return true;
            }
            c.rollback(savepoint);
            fallBack(table, inserted < rows.size()
                    ? (rows.size() - inserted) + " of " + rows.size() + " rows were already there"
                    : "the server warned: " + warning.getMessage());
            return false;
        } catch (SQLException e) {
            if (dialect.isTransient(e)) {
                throw e; // the caller rolls the whole transaction back and retries it
            }
            c.rollback(savepoint);
            if (refused(e)) {
                enabled = false;
                LOG.warn("The destination refuses LOAD DATA LOCAL INFILE ({}); this task writes new rows with INSERT "
                        + "statements from now on. Set local_infile=ON on the server to let it load them.", e.getMessage());
                return false;
            }
            fallBack(table, e.getMessage());
            return false;
        }
    }

    private void fallBack(TableId table, String why) {
        fallbacks++;
        paused.put(table, PAUSE_AFTER_FALLBACK);
        LOG.info("LOAD DATA into {} rolled back to its savepoint; these rows and the table's next {} loads go to INSERT "
                + "statements: {}", table, PAUSE_AFTER_FALLBACK - 1, why);
    }

    /** The server or the driver refusing local files, rather than anything about the rows. */
    private static boolean refused(SQLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return e.getErrorCode() == 1148 /* command not allowed */ || e.getErrorCode() == 3948 || e.getErrorCode() == 3950
                || message.contains("local infile") || message.contains("local data");
    }

    /** Structs, arrays and maps have no column form: such rows go to statements, which report them. */
    private static boolean loadable(Schema rowSchema) {
        for (Field f : rowSchema.fields()) {
            if (!f.schema().type().isPrimitive()) {
                return false;
            }
        }
        return true;
    }

    static String statement(TableId table, List<Field> fields) {
        StringBuilder columns = new StringBuilder();
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String column = Dialect.quote(f.name());
            columns.append(i == 0 ? "" : ", ");
            boolean decimal = Decimal.LOGICAL_NAME.equals(f.schema().name());
            String conversion = switch (f.schema().type()) {
                case BYTES -> decimal ? null : "UNHEX(@v" + i + ")";
                case BOOLEAN -> "CAST(@v" + i + " AS UNSIGNED)";
                default -> null;
            };
            if (conversion == null) {
                columns.append(column);
            } else {
                columns.append("@v").append(i);
                set.append(set.isEmpty() ? " SET " : ", ").append(column).append(" = ").append(conversion);
            }
        }
        return "LOAD DATA LOCAL INFILE '" + FILE + "' IGNORE INTO TABLE " + StatementWriter.qualified(table)
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\'"
                + " LINES TERMINATED BY '\\n' (" + columns + ")" + set;
    }

    static byte[] text(List<Field> fields, List<Struct> rows) {
        StringBuilder out = new StringBuilder(rows.size() * fields.size() * 12);
        for (Struct row : rows) {
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                if (i > 0) {
                    out.append('\t');
                }
                append(out, ValueBinder.toSql(f.schema(), row.get(f)));
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof String s) {
            escape(out, s);
        } else if (value instanceof byte[] b) {
            out.append(HEX.formatHex(b));
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Boolean b) {
            out.append(b ? '1' : '0');
        } else {
            out.append(value);
        }
    }

    /** {@code LOAD DATA}'s escapes for the characters that would end a field or a line. */
    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(ch);
            }
        }
    }
}
