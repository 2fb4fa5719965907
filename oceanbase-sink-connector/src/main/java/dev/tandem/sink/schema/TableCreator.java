package dev.tandem.sink.schema;

import dev.tandem.common.Envelope;
import dev.tandem.common.select.TableId;
import dev.tandem.sink.dialect.Dialect;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates a missing destination table from a record's schema. Column types come from the source
 * column types when the source propagates them ({@code column.propagate.source.type}, on by
 * default in Tandem's source), otherwise from Debezium's logical types; the primary key from the
 * record key; NOT NULL from the schema's optionality. Full schema migration from the source's DDL
 * is the schema module's job; this makes a link work on an empty destination.
 */
public final class TableCreator {

    /** Source types whose length (and scale) belong in the column definition. */
    private static final Set<String> SIZED = Set.of("CHAR", "VARCHAR", "BINARY", "VARBINARY", "BIT", "DECIMAL", "NUMERIC",
            "DATETIME", "TIMESTAMP", "TIME");

    private final Set<TableId> known = new HashSet<>();

    /** Whether {@code table} is known to exist (created or checked by this task). */
    public boolean known(TableId table) {
        return known.contains(table);
    }

    /** Creates {@code table} unless it exists (checked once per table and task). */
    public void ensure(Connection c, TableId table, Schema keySchema, Schema rowSchema) throws SQLException {
        if (known.contains(table)) {
            return;
        }
        if (!exists(c, table)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + Dialect.quote(table.database()));
                s.execute(createTable(table, keySchema, rowSchema));
            }
        }
        known.add(table);
    }

    public static boolean exists(Connection c, TableId table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(table.database(), null, table.table(), new String[] {"TABLE"})) {
            while (rs.next()) {
                if (table.table().equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static String createTable(TableId table, Schema keySchema, Schema rowSchema) {
        Set<String> keys = keySchema == null ? Set.of() : keySchema.fields().stream().map(Field::name).collect(Collectors.toSet());
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(Dialect.quote(table.database()))
                .append('.').append(Dialect.quote(table.table())).append(" (");
        for (Field f : rowSchema.fields()) {
            sql.append(Dialect.quote(f.name())).append(' ').append(columnType(f.schema(), keys.contains(f.name())))
                    .append(f.schema().isOptional() && !keys.contains(f.name()) ? " NULL" : " NOT NULL").append(", ");
        }
        if (keys.isEmpty()) { // a table without a key, as at the source
            sql.setLength(sql.length() - 2);
            return sql.append(") CHARACTER SET utf8mb4").toString();
        }
        sql.append("PRIMARY KEY (").append(keySchema.fields().stream().map(f -> Dialect.quote(f.name()))
                .collect(Collectors.joining(", "))).append(")) CHARACTER SET utf8mb4");
        return sql.toString();
    }

    /** The column type for a field: the source's own type when propagated, else one that holds the logical type. */
    public static String columnType(Schema schema, boolean keyColumn) {
        Map<String, String> params = schema.parameters() == null ? Map.of() : schema.parameters();
        String sourceType = params.get(Envelope.SOURCE_COLUMN_TYPE);
        String logical = schema.name() == null ? "" : schema.name();
        if (sourceType != null) {
            String type = sourceType.toUpperCase(Locale.ROOT);
            String base = type.split(" ")[0];
            if (base.equals("ENUM") || base.equals("SET")) {
                return base + allowed(params.get("allowed"));
            }
            String length = params.get(Envelope.SOURCE_COLUMN_LENGTH);
            String scale = params.get(Envelope.SOURCE_COLUMN_SCALE);
            if (SIZED.contains(base) && length != null) {
                boolean temporal = base.equals("DATETIME") || base.equals("TIMESTAMP") || base.equals("TIME");
                String size = temporal ? fractionalDigits(logical) : length + (scale != null && (base.equals("DECIMAL")
                        || base.equals("NUMERIC")) ? "," + scale : "");
                return base + "(" + size + ")" + type.substring(base.length());
            }
            return type;
        }
        switch (logical) {
            case Decimal.LOGICAL_NAME -> {
                String precision = params.getOrDefault("connect.decimal.precision", "65");
                return "DECIMAL(" + precision + "," + params.getOrDefault(Decimal.SCALE_FIELD, "0") + ")";
            }
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                return "DATE";
            }
            case "io.debezium.time.MicroTime", "io.debezium.time.NanoTime" -> {
                return "TIME(6)";
            }
            case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" -> {
                return "TIME(3)";
            }
            case "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp" -> {
                return "DATETIME(6)";
            }
            case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> {
                return "DATETIME(3)";
            }
            case "io.debezium.time.ZonedTimestamp" -> {
                return "TIMESTAMP(6)";
            }
            case "io.debezium.time.Year" -> {
                return "YEAR";
            }
            case "io.debezium.data.Json" -> {
                return "JSON";
            }
            case "io.debezium.data.Enum" -> {
                return "ENUM" + allowed(params.get("allowed"));
            }
            case "io.debezium.data.EnumSet" -> {
                return "SET" + allowed(params.get("allowed"));
            }
            case "io.debezium.data.Bits" -> {
                return "BIT(" + params.getOrDefault("length", "64") + ")";
            }
            default -> {
                // plain Connect types below
            }
        }
        return switch (schema.type()) {
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> keyColumn ? "VARCHAR(255)" : "LONGTEXT";
            case BYTES -> keyColumn ? "VARBINARY(255)" : "LONGBLOB";
            default -> throw new IllegalArgumentException("no column type for a " + schema.type() + " field");
        };
    }

    /** Fractional-second digits of a temporal column, from the logical type Debezium chose for its precision. */
    private static String fractionalDigits(String logical) {
        return switch (logical) {
            case "io.debezium.time.MicroTimestamp", "io.debezium.time.MicroTime", "io.debezium.time.ZonedTimestamp",
                 "io.debezium.time.NanoTimestamp", "io.debezium.time.NanoTime" -> "6";
            default -> "3";
        };
    }

    private static String allowed(String values) {
        if (values == null || values.isEmpty()) {
            return "('')";
        }
        return List.of(values.split(",")).stream().map(v -> "'" + v.replace("'", "''") + "'")
                .collect(Collectors.joining(",", "(", ")"));
    }
}
