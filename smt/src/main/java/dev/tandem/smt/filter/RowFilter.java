package dev.tandem.smt.filter;

import dev.tandem.common.ChangeRecords;
import dev.tandem.common.Envelope;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableId;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the rows of the selected tables that satisfy a WHERE-style condition. On Debezium
 * envelopes it follows rows across the condition's boundary: an update whose row moves into the
 * condition goes on as an insert ({@code op=c}, no before image), one whose row moves out goes on
 * as a delete ({@code op=d}, no after image), so a destination fed only with matching rows stays
 * exact. Flattened rows are simply kept or dropped. Records of other tables, schema-change and
 * transaction events pass unchanged.
 */
public class RowFilter<R extends ConnectRecord<R>> implements Transformation<R> {

    public static final String OVERVIEW_DOC = "Keeps the rows of the selected tables for which a WHERE-style condition "
            + "is true (comparison, IN, BETWEEN, LIKE, IS NULL, AND/OR/NOT, parentheses; numeric, string and temporal "
            + "literals; SQL NULL semantics). On Debezium envelopes an update moving a row into the condition becomes an "
            + "insert and one moving it out becomes a delete. Other records pass unchanged.";

    public static final String CONDITION = "condition";
    public static final String TABLES = "tables";
    public static final String STRING_COMPARISON = "string.comparison";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONDITION, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, RowFilter::validateCondition, ConfigDef.Importance.HIGH,
                    "The condition, as in a WHERE clause, over the table's columns (backquotes for unusual names), e.g. "
                    + "`amount` > 100 AND `region` IN ('hz','sh'). Temporal literals: '2024-01-31', '2024-01-31 12:00:00', "
                    + "DATE '...', TIMESTAMP '...'; TIMESTAMP columns compare in UTC.")
            .define(TABLES, ConfigDef.Type.LIST, "", RowFilter::validateTables, ConfigDef.Importance.HIGH,
                    "The tables the condition applies to, as database.table match rules with * and ? wildcards "
                    + "(the same rules as the source's tandem.objects); empty means every table. Rows of other tables pass.")
            .define(STRING_COMPARISON, ConfigDef.Type.STRING, "case-insensitive",
                    ConfigDef.ValidString.in("case-insensitive", "binary"), ConfigDef.Importance.LOW,
                    "How strings compare and LIKE matches: case-insensitive, as the default collations of MySQL, MariaDB "
                    + "and OceanBase, or binary (exact code points).");

    /** Parses the condition while the worker validates the configuration, so config/validate reports the position. */
    private static void validateCondition(String name, Object value) {
        if (value == null) {
            return; // reported as missing
        }
        try {
            RowCondition.parse(value.toString(), true);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateTables(String name, Object value) {
        try {
            @SuppressWarnings("unchecked")
            List<String> rules = (List<String>) value;
            ObjectSelection.of(rules, List.of());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private RowCondition condition;
    private ObjectSelection tables;
    /** The key of the last delete this filter dropped, so the tombstone that follows it is dropped too. */
    private Object droppedDeleteKey;
    private boolean droppedDelete;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        try {
            condition = RowCondition.parse(config.getString(CONDITION), "case-insensitive".equals(config.getString(STRING_COMPARISON)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CONDITION, config.getString(CONDITION), e.getMessage());
        }
        try {
            tables = ObjectSelection.of(config.getList(TABLES), List.of());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TABLES, config.getList(TABLES), e.getMessage());
        }
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        if (value == null) {
            boolean drop = droppedDelete && Objects.equals(record.key(), droppedDeleteKey);
            droppedDelete = false;
            return drop ? null : record;
        }
        droppedDelete = false;
        if (!(value instanceof Struct) && !(value instanceof Map<?, ?>)) {
            return record;
        }
        boolean envelope = ChangeRecords.has(value, Envelope.OP)
                && (ChangeRecords.has(value, Envelope.AFTER) || ChangeRecords.has(value, Envelope.BEFORE));
        if (!envelope) {
            if (ChangeRecords.isMetadata(value)) {
                return record; // schema-change or transaction metadata event
            }
            TableId table = TableId.ofTopic(record.topic());
            if (table != null && !tables.selects(table)) {
                return record;
            }
            RowCondition.Row row = value instanceof Struct s ? new StructRow(s) : new MapRow((Map<?, ?>) value);
            return matches(row, table, record) ? record : null; // a flattened row
        }
        TableId table = ChangeRecords.table(value, record.topic());
        if (table != null && !tables.selects(table)) {
            return record;
        }
        return value instanceof Struct s ? applyStruct(record, s, table) : applyMap(record, (Map<?, ?>) value, table);
    }

    private R applyStruct(R record, Struct value, TableId table) {
        String op = value.getString(Envelope.OP);
        Struct before = value.getStruct(Envelope.BEFORE);
        Struct after = value.getStruct(Envelope.AFTER);
        boolean was = before != null && matches(new StructRow(before), table, record);
        boolean is = after != null && matches(new StructRow(after), table, record);
        return switch (decide(op, was, is, record)) {
            case KEEP -> record;
            case DROP -> null;
            case AS_INSERT -> withStruct(record, value, null, after, Envelope.OP_CREATE);
            case AS_DELETE -> withStruct(record, value, before, null, Envelope.OP_DELETE);
        };
    }

    private R applyMap(R record, Map<?, ?> value, TableId table) {
        Object before = value.get(Envelope.BEFORE);
        Object after = value.get(Envelope.AFTER);
        boolean was = before instanceof Map<?, ?> b && matches(new MapRow(b), table, record);
        boolean is = after instanceof Map<?, ?> a && matches(new MapRow(a), table, record);
        Decision decision = decide(String.valueOf(value.get(Envelope.OP)), was, is, record);
        if (decision == Decision.KEEP || decision == Decision.DROP) {
            return decision == Decision.KEEP ? record : null;
        }
        Map<Object, Object> copy = new HashMap<>(value);
        if (decision == Decision.AS_INSERT) {
            copy.put(Envelope.BEFORE, null);
            copy.put(Envelope.OP, Envelope.OP_CREATE);
        } else {
            copy.put(Envelope.AFTER, null);
            copy.put(Envelope.OP, Envelope.OP_DELETE);
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), null, copy,
                record.timestamp(), record.headers());
    }

    private enum Decision { KEEP, DROP, AS_INSERT, AS_DELETE }

    private Decision decide(String op, boolean was, boolean is, R record) {
        return switch (op) {
            case Envelope.OP_CREATE, Envelope.OP_READ -> is ? Decision.KEEP : Decision.DROP;
            case Envelope.OP_DELETE -> {
                if (!was) {
                    droppedDelete = true;
                    droppedDeleteKey = record.key();
                }
                yield was ? Decision.KEEP : Decision.DROP;
            }
            case Envelope.OP_UPDATE -> was && is ? Decision.KEEP : is ? Decision.AS_INSERT : was ? Decision.AS_DELETE : Decision.DROP;
            default -> Decision.KEEP; // e.g. truncate ("t") or a message ("m"): not a row image
        };
    }

    private boolean matches(RowCondition.Row row, TableId table, R record) {
        try {
            return condition.test(row);
        } catch (RowCondition.MissingColumnException e) {
            throw new DataException("row filter '" + condition + "' reads column `" + e.column() + "`, which "
                    + (table == null ? "the record on topic " + record.topic() : "table " + table) + " does not have (key "
                    + record.key() + "); fix the condition or the tables it applies to (" + TABLES + ")");
        } catch (RuntimeException e) {
            throw new DataException("row filter '" + condition + "' cannot be evaluated on "
                    + (table == null ? "topic " + record.topic() : "table " + table) + ", key " + record.key() + ": " + e.getMessage(), e);
        }
    }

    private R withStruct(R record, Struct value, Struct before, Struct after, String op) {
        Struct copy = new Struct(value.schema());
        for (Field f : value.schema().fields()) {
            copy.put(f, value.get(f));
        }
        copy.put(Envelope.BEFORE, before);
        copy.put(Envelope.AFTER, after);
        copy.put(Envelope.OP, op);
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), value.schema(), copy,
                record.timestamp(), record.headers());
    }

    private record StructRow(Struct row) implements RowCondition.Row {
        @Override
        public boolean has(String column) {
            return row.schema().field(column) != null;
        }

        @Override
        public Object value(String column) {
            Field f = row.schema().field(column);
            return Values.comparable(row.get(f), f.schema());
        }
    }

    private record MapRow(Map<?, ?> row) implements RowCondition.Row {
        @Override
        public boolean has(String column) {
            return row.containsKey(column);
        }

        @Override
        public Object value(String column) {
            return Values.comparable(row.get(column), null);
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
    }
}
