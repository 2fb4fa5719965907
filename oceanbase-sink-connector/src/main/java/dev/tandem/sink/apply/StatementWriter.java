package dev.tandem.sink.apply;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds and runs the multi-row statements of one table: {@code INSERT ... VALUES (...),(...)}
 * with the dialect's upsert clause (or {@code INSERT IGNORE} when every column is a key column,
 * or when rows already there are to be kept), and {@code DELETE} by key lists. Statements are cut
 * by a row limit and an estimate of their size, well under {@code max_allowed_packet}.
 */
public final class StatementWriter {

    /** Most rows in one statement: beyond this, longer statements stop paying off. */
    static final int MAX_ROWS_PER_STATEMENT = 1000;

    private final Dialect dialect;
    private final long maxStatementBytes;
    private final LoadDataWriter loader;

    public StatementWriter(Dialect dialect, long maxAllowedPacket) {
        this(dialect, maxAllowedPacket, null);
    }

    /** With {@code loader} (or null), rows the source created are loaded rather than inserted where it can. */
    public StatementWriter(Dialect dialect, long maxAllowedPacket, LoadDataWriter loader) {
        this.dialect = dialect;
        this.maxStatementBytes = Math.max(64 * 1024, maxAllowedPacket / 2);
        this.loader = loader;
    }

    public Dialect dialect() {
        return dialect;
    }

    static String qualified(TableId table) {
        return Dialect.quote(table.database()) + "." + Dialect.quote(table.table());
    }

    /**
     * Writes rows the source created (all of one schema), probably not at the destination yet:
     * with {@code LOAD DATA} where the loader can, else as {@link #upsert}; the result is the same.
     */
    public int writeNew(Connection c, TableId table, Schema rowSchema, Set<String> keyColumns, List<Struct> rows)
            throws SQLException {
        if (loader != null && loader.load(c, table, rowSchema, rows)) {
            return rows.size();
        }
        return upsert(c, table, rowSchema, keyColumns, rows, false);
    }

    /** Writes {@code rows} (all of one schema); {@code keepExisting} turns the upsert into INSERT IGNORE. */
    public int upsert(Connection c, TableId table, Schema rowSchema, Set<String> keyColumns, List<Struct> rows,
                      boolean keepExisting) throws SQLException {
        List<Field> fields = rowSchema.fields();
        List<String> updated = new ArrayList<>();
        StringBuilder head = new StringBuilder();
        for (Field f : fields) {
            head.append(head.isEmpty() ? "" : ", ").append(Dialect.quote(f.name()));
            if (!keyColumns.contains(f.name())) {
                updated.add(f.name());
            }
        }
        boolean ignore = keepExisting || updated.isEmpty();
        String prefix = (ignore ? "INSERT IGNORE INTO " : "INSERT INTO ") + qualified(table) + " (" + head + ") VALUES ";
        return writeRows(c, prefix, ignore ? "" : dialect.upsertClause(updated), fields, rows);
    }

    /** Inserts {@code rows} (all of one schema) as they are: for tables without a key, where every row is new. */
    public int insert(Connection c, TableId table, Schema rowSchema, List<Struct> rows) throws SQLException {
        List<Field> fields = rowSchema.fields();
        String head = fields.stream().map(f -> Dialect.quote(f.name())).collect(Collectors.joining(", "));
        return writeRows(c, "INSERT INTO " + qualified(table) + " (" + head + ") VALUES ", "", fields, rows);
    }

    /**
     * Changes one row equal to {@code before} on every column ({@code <=>}, so NULLs match) into
     * {@code after}, or deletes it when {@code after} is null: how a table without a key is kept,
     * duplicates included. Returns the rows changed (0 or 1).
     */
    public int changeOne(Connection c, TableId table, Struct before, Struct after) throws SQLException {
        List<Field> matched = before.schema().fields();
        StringBuilder sql = new StringBuilder(after == null ? "DELETE FROM " : "UPDATE ").append(qualified(table));
        if (after != null) {
            sql.append(" SET ").append(after.schema().fields().stream().map(f -> Dialect.quote(f.name()) + " = ?")
                    .collect(Collectors.joining(", ")));
        }
        sql.append(" WHERE ");
        for (int i = 0; i < matched.size(); i++) {
            Field f = matched.get(i);
            sql.append(i == 0 ? "" : " AND ").append(Dialect.quote(f.name())).append(" <=> ")
                    .append(dialect.comparedWith(f.schema()));
        }
        sql.append(" LIMIT 1");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            if (after != null) {
                for (Field f : after.schema().fields()) {
                    ValueBinder.bind(ps, p++, f.schema(), after.get(f));
                }
            }
            for (Field f : matched) {
                ValueBinder.bindCompared(ps, p++, f.schema(), before.get(f));
            }
            return ps.executeUpdate();
        }
    }

    /** Runs {@code prefix (?, ...),(?, ...) suffix} over {@code rows}, cut by row count and size. */
    private int writeRows(Connection c, String prefix, String suffix, List<Field> fields, List<Struct> rows)
            throws SQLException {
        String tuple = "(" + "?, ".repeat(fields.size() - 1) + "?)";
        int written = 0;
        int from = 0;
        while (from < rows.size()) {
            int to = from;
            long bytes = prefix.length() + suffix.length();
            while (to < rows.size() && to - from < MAX_ROWS_PER_STATEMENT) {
                long rowBytes = tuple.length() + 2;
                for (Field f : fields) {
                    rowBytes += ValueBinder.estimatedSize(rows.get(to).get(f));
                }
                if (to > from && bytes + rowBytes > maxStatementBytes) {
                    break;
                }
                bytes += rowBytes;
                to++;
            }
            StringBuilder sql = new StringBuilder(prefix.length() + (to - from) * (tuple.length() + 2) + suffix.length());
            sql.append(prefix);
            for (int i = from; i < to; i++) {
                sql.append(i == from ? "" : ",").append(tuple);
            }
            sql.append(suffix);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = from; i < to; i++) {
                    Struct row = rows.get(i);
                    for (Field f : fields) {
                        ValueBinder.bind(ps, p++, f.schema(), row.get(f));
                    }
                }
                ps.executeUpdate();
            }
            written += to - from;
            from = to;
        }
        return written;
    }

    /** Deletes the rows with these keys (key structs of one schema). */
    public int delete(Connection c, TableId table, Schema keySchema, List<Struct> keys) throws SQLException {
        List<Field> fields = keySchema.fields();
        String condition;
        String separator;
        if (fields.size() == 1) {
            condition = "?";
            separator = ", ";
        } else {
            StringBuilder one = new StringBuilder("(");
            for (int i = 0; i < fields.size(); i++) {
                one.append(i == 0 ? "" : " AND ").append(Dialect.quote(fields.get(i).name())).append(" = ?");
            }
            condition = one.append(')').toString();
            separator = " OR ";
        }
        String prefix = "DELETE FROM " + qualified(table) + " WHERE "
                + (fields.size() == 1 ? Dialect.quote(fields.get(0).name()) + " IN (" : "");
        String suffix = fields.size() == 1 ? ")" : "";
        int deleted = 0;
        for (int from = 0; from < keys.size(); from += MAX_ROWS_PER_STATEMENT) {
            int to = Math.min(keys.size(), from + MAX_ROWS_PER_STATEMENT);
            StringBuilder sql = new StringBuilder(prefix);
            for (int i = from; i < to; i++) {
                sql.append(i == from ? "" : separator).append(condition);
            }
            sql.append(suffix);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (int i = from; i < to; i++) {
                    for (Field f : fields) {
                        ValueBinder.bind(ps, p++, f.schema(), keys.get(i).get(f));
                    }
                }
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }
}
