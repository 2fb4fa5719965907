package dev.tandem.smt.format;

import dev.tandem.common.Envelope;
import dev.tandem.smt.filter.Values;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns Debezium change envelopes into the message layouts that consumers of the commercial
 * service and of Canal read: Canal's flat JSON message, the OMS "Default" JSON message, or a
 * flattened row (Debezium's "new record state" with metadata fields). Canal and OMS messages are
 * schemaless maps (write them with {@code JsonConverter} and {@code schemas.enable=false}); the
 * flattened row keeps a schema. Field-by-field documentation, with the public pages the layouts
 * come from, is in the module README. Tombstones, schema-change and transaction events pass
 * unchanged.
 */
public class MessageFormat<R extends ConnectRecord<R>> implements Transformation<R> {

    public static final String OVERVIEW_DOC = "Rewrites Debezium change envelopes as Canal flat JSON messages (canal-json), "
            + "OMS Default JSON messages (oms-default) or flattened rows with __op/__db/__table/__source_ts_ms/__deleted "
            + "fields (flat). Other records pass unchanged.";

    public static final String FORMAT = "format";
    public static final String DB_TYPE = "oms.db.type";
    public static final String BINARY = "binary.encoding";
    public static final String FLAT_METADATA = "flat.metadata.fields";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FORMAT, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.ValidString.in("canal-json", "oms-default", "flat"), ConfigDef.Importance.HIGH,
                    "canal-json: Canal's flat message; oms-default: the OMS Default JSON message; flat: the row after "
                    + "the change (before it, for deletes) with __op, __db, __table, __source_ts_ms and __deleted fields.")
            .define(DB_TYPE, ConfigDef.Type.STRING, "MYSQL", ConfigDef.ValidString.in("MYSQL", "OB_MYSQL"),
                    ConfigDef.Importance.LOW, "The dbType written into OMS Default messages.")
            .define(BINARY, ConfigDef.Type.STRING, "base64", ConfigDef.ValidString.in("base64", "iso-8859-1"),
                    ConfigDef.Importance.LOW, "How binary column values become text in canal-json and oms-default: base64, "
                    + "or one character per byte (ISO-8859-1), as Canal itself writes them.")
            .define(FLAT_METADATA, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW, "In the flat format, add __op, "
                    + "__db, __table and __source_ts_ms; without them only __deleted is added (what Tandem's sink reads).");

    private String format;
    private String dbType;
    private boolean base64;
    private boolean flatMetadata;
    private final Map<Schema, Schema> flatSchemas = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Schema, Schema> eldest) {
            return size() > 1024;
        }
    };

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        format = config.getString(FORMAT);
        dbType = config.getString(DB_TYPE);
        base64 = "base64".equals(config.getString(BINARY));
        flatMetadata = config.getBoolean(FLAT_METADATA);
    }

    @Override
    public R apply(R record) {
        if (!(record.value() instanceof Struct value) || value.schema().field(Envelope.OP) == null
                || value.schema().field(Envelope.AFTER) == null || value.schema().field(Envelope.BEFORE) == null) {
            return record;
        }
        String op = value.getString(Envelope.OP);
        if (!List.of(Envelope.OP_CREATE, Envelope.OP_READ, Envelope.OP_UPDATE, Envelope.OP_DELETE).contains(op)) {
            return record; // truncate or message events have no row image
        }
        return switch (format) {
            case "canal-json" -> schemaless(record, canal(record, value, op));
            case "oms-default" -> schemaless(record, oms(record, value, op));
            default -> flat(record, value, op);
        };
    }

    private R schemaless(R record, Map<String, Object> message) {
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), null, message,
                record.timestamp(), record.headers());
    }

    /** Canal flat message: https://github.com/alibaba/canal (FlatMessage), as documented by Flink's canal-json format. */
    private Map<String, Object> canal(R record, Struct value, String op) {
        Struct before = value.getStruct(Envelope.BEFORE);
        Struct after = value.getStruct(Envelope.AFTER);
        Struct image = after != null ? after : before;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", List.of(text(image)));
        m.put("database", source(value, Envelope.SOURCE_DB));
        m.put("es", sourceTimestamp(value));
        m.put("id", 0L);
        m.put("isDdl", false);
        Map<String, Object> mysqlType = new LinkedHashMap<>();
        Map<String, Object> sqlType = new LinkedHashMap<>();
        for (Field f : image.schema().fields()) {
            mysqlType.put(f.name(), ColumnTypes.mysqlType(f.schema()));
            sqlType.put(f.name(), ColumnTypes.jdbcType(f.schema()));
        }
        m.put("mysqlType", mysqlType);
        m.put("old", Envelope.OP_UPDATE.equals(op) && before != null && after != null ? List.of(changed(before, after)) : null);
        m.put("pkNames", keyNames(record));
        m.put("sql", "");
        m.put("sqlType", sqlType);
        m.put("table", source(value, Envelope.SOURCE_TABLE));
        m.put("ts", value.schema().field(Envelope.TS_MS) == null ? null : value.get(Envelope.TS_MS));
        m.put("type", switch (op) {
            case Envelope.OP_UPDATE -> "UPDATE";
            case Envelope.OP_DELETE -> "DELETE";
            default -> "INSERT";
        });
        return m;
    }

    /** OMS Default message, as OceanBase's "Data formats" page lays it out. */
    private Map<String, Object> oms(R record, Struct value, String op) {
        Struct before = value.getStruct(Envelope.BEFORE);
        Struct after = value.getStruct(Envelope.AFTER);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prevStruct", before == null ? null : text(before));
        m.put("postStruct", after == null ? null : text(after));
        Map<String, Object> meta = new LinkedHashMap<>();
        Long ts = sourceTimestamp(value);
        String seconds = ts == null ? null : Long.toString(ts / 1000);
        boolean snapshot = Envelope.OP_READ.equals(op);
        List<String> keys = keyNames(record);
        Struct image = after != null ? after : before;
        List<String> keyValues = new ArrayList<>();
        for (String k : keys) {
            keyValues.add(image.schema().field(k) == null ? "" : Objects.toString(cell(image, image.schema().field(k)), ""));
        }
        meta.put("checkpoint", snapshot ? String.join("\u0001", keyValues) : seconds);
        meta.put("record_primary_key", String.join("\u0001", keys));
        meta.put("record_primary_value", String.join("\u0001", keyValues));
        meta.put("source_identity", record.topic());
        meta.put("dbType", dbType);
        meta.put("table_name", source(value, Envelope.SOURCE_TABLE));
        meta.put("db", source(value, Envelope.SOURCE_DB));
        meta.put("timestamp", snapshot ? null : seconds);
        meta.put("uniqueId", transactionId(value));
        meta.put("ddlType", null);
        m.put("allMetaData", meta);
        m.put("recordType", switch (op) {
            case Envelope.OP_UPDATE -> "UPDATE";
            case Envelope.OP_DELETE -> "DELETE";
            default -> "INSERT";
        });
        return m;
    }

    private R flat(R record, Struct value, String op) {
        Struct before = value.getStruct(Envelope.BEFORE);
        Struct after = value.getStruct(Envelope.AFTER);
        Struct image = after != null ? after : before;
        Schema schema = flatSchemas.computeIfAbsent(image.schema(), s -> {
            SchemaBuilder b = SchemaBuilder.struct().name(s.name()).version(s.version()).optional();
            for (Field f : s.fields()) {
                b.field(f.name(), f.schema());
            }
            if (flatMetadata) {
                b.field("__op", Schema.STRING_SCHEMA).field("__db", Schema.OPTIONAL_STRING_SCHEMA)
                        .field("__table", Schema.OPTIONAL_STRING_SCHEMA).field("__source_ts_ms", Schema.OPTIONAL_INT64_SCHEMA);
            }
            return b.field(Envelope.FLAT_DELETED, Schema.STRING_SCHEMA).build();
        });
        Struct out = new Struct(schema);
        for (Field f : image.schema().fields()) {
            out.put(f.name(), image.get(f));
        }
        if (flatMetadata) {
            out.put("__op", op);
            out.put("__db", source(value, Envelope.SOURCE_DB));
            out.put("__table", source(value, Envelope.SOURCE_TABLE));
            out.put("__source_ts_ms", sourceTimestamp(value));
        }
        out.put(Envelope.FLAT_DELETED, Boolean.toString(Envelope.OP_DELETE.equals(op)));
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), schema, out,
                record.timestamp(), record.headers());
    }

    private Map<String, Object> text(Struct row) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : row.schema().fields()) {
            m.put(f.name(), cell(row, f));
        }
        return m;
    }

    private Map<String, Object> changed(Struct before, Struct after) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : before.schema().fields()) {
            Field a = after.schema().field(f.name());
            if (a == null || !Objects.deepEquals(before.get(f), after.get(a))) {
                m.put(f.name(), cell(before, f));
            }
        }
        return m;
    }

    /** One column as text, as MySQL prints it; binary as configured; NULL stays null. */
    private String cell(Struct row, Field f) {
        Object v = row.get(f);
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] || v instanceof java.nio.ByteBuffer) {
            byte[] bytes;
            if (v instanceof byte[] b) {
                bytes = b;
            } else {
                java.nio.ByteBuffer buffer = ((java.nio.ByteBuffer) v).duplicate();
                bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
            }
            return base64 ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return Values.text(Values.comparable(v, f.schema()));
        } catch (RuntimeException e) {
            throw new DataException("cannot render column " + f.name() + " (" + f.schema().name() + "): " + e.getMessage(), e);
        }
    }

    private static Object source(Struct value, String field) {
        Struct source = value.schema().field(Envelope.SOURCE) == null ? null : value.getStruct(Envelope.SOURCE);
        return source == null || source.schema().field(field) == null ? null : source.get(field);
    }

    private static Long sourceTimestamp(Struct value) {
        Object ts = source(value, Envelope.SOURCE_TS_MS);
        return ts instanceof Number n ? n.longValue() : null;
    }

    private static String transactionId(Struct value) {
        if (value.schema().field(Envelope.TRANSACTION) == null || value.getStruct(Envelope.TRANSACTION) == null) {
            return null;
        }
        Struct tx = value.getStruct(Envelope.TRANSACTION);
        return tx.schema().field("id") == null ? null : Objects.toString(tx.get("id"), null);
    }

    private static List<String> keyNames(ConnectRecord<?> record) {
        List<String> names = new ArrayList<>();
        if (record.keySchema() != null && record.keySchema().type() == Schema.Type.STRUCT) {
            record.keySchema().fields().forEach(f -> names.add(f.name()));
        }
        return names;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        flatSchemas.clear();
    }

    /** Column types from Debezium's column.propagate.source.type parameters, or from the Connect type. */
    static final class ColumnTypes {
        private ColumnTypes() {
        }

        static String mysqlType(Schema schema) {
            Map<String, String> p = schema.parameters();
            String type = p == null ? null : p.get(Envelope.SOURCE_COLUMN_TYPE);
            if (type == null) {
                return schema.type().getName().toLowerCase(Locale.ROOT);
            }
            String length = p.get(Envelope.SOURCE_COLUMN_LENGTH);
            String scale = p.get(Envelope.SOURCE_COLUMN_SCALE);
            String base = type.toLowerCase(Locale.ROOT);
            return length == null ? base : base + "(" + length + (scale == null ? "" : "," + scale) + ")";
        }

        /** java.sql.Types codes, as Canal writes them in sqlType. */
        static int jdbcType(Schema schema) {
            Map<String, String> p = schema.parameters();
            String type = p == null ? null : p.get(Envelope.SOURCE_COLUMN_TYPE);
            if (type != null) {
                String t = type.toUpperCase(Locale.ROOT).replace(" UNSIGNED", "");
                switch (t) {
                    case "TINYINT": return java.sql.Types.TINYINT;
                    case "SMALLINT": return java.sql.Types.SMALLINT;
                    case "MEDIUMINT", "INT", "INTEGER": return java.sql.Types.INTEGER;
                    case "BIGINT": return java.sql.Types.BIGINT;
                    case "DECIMAL", "NUMERIC": return java.sql.Types.DECIMAL;
                    case "FLOAT": return java.sql.Types.REAL;
                    case "DOUBLE", "REAL": return java.sql.Types.DOUBLE;
                    case "BIT": return java.sql.Types.BIT;
                    case "DATE": return java.sql.Types.DATE;
                    case "TIME": return java.sql.Types.TIME;
                    case "DATETIME", "TIMESTAMP": return java.sql.Types.TIMESTAMP;
                    case "YEAR": return java.sql.Types.DATE;
                    case "CHAR", "ENUM", "SET": return java.sql.Types.CHAR;
                    case "VARCHAR", "JSON": return java.sql.Types.VARCHAR;
                    case "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT": return java.sql.Types.CLOB;
                    case "BINARY": return java.sql.Types.BINARY;
                    case "VARBINARY": return java.sql.Types.VARBINARY;
                    case "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB": return java.sql.Types.BLOB;
                    default: break;
                }
            }
            if (org.apache.kafka.connect.data.Decimal.LOGICAL_NAME.equals(schema.name())) {
                return java.sql.Types.DECIMAL;
            }
            return switch (schema.type()) {
                case INT8 -> java.sql.Types.TINYINT;
                case INT16 -> java.sql.Types.SMALLINT;
                case INT32 -> java.sql.Types.INTEGER;
                case INT64 -> java.sql.Types.BIGINT;
                case FLOAT32 -> java.sql.Types.REAL;
                case FLOAT64 -> java.sql.Types.DOUBLE;
                case BOOLEAN -> java.sql.Types.BIT;
                case BYTES -> java.sql.Types.VARBINARY;
                default -> java.sql.Types.VARCHAR;
            };
        }
    }
}
