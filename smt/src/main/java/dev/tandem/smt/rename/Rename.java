package dev.tandem.smt.rename;

import dev.tandem.common.Envelope;
import dev.tandem.common.select.MatchRule;
import dev.tandem.common.select.TableId;
import dev.tandem.common.select.TableMapping;
import dev.tandem.common.ChangeRecords;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renames databases, tables and columns in change records: the topic's {@code db.table} suffix,
 * the envelope's {@code source.db}/{@code source.table} (what the sink uses to name the
 * destination table), the schema names ({@code prefix.db.table.Value}, {@code .Key},
 * {@code .Envelope}) and the fields of the key, before and after images. Works on Debezium
 * envelopes, flattened rows, tombstones and schemaless records; schema-change and transaction
 * events pass unchanged.
 */
public class Rename<R extends ConnectRecord<R>> implements Transformation<R> {

    public static final String OVERVIEW_DOC = "Renames databases, tables and columns consistently in the topic, the "
            + "envelope's source block, the schema names and the key and row fields. Mappings use the source's match "
            + "rules: * and ? wildcards, each carried into the same position of the new name.";

    public static final String DATABASES = "databases";
    public static final String TABLES = "tables";
    public static final String COLUMNS = "columns";
    public static final String TOPICS = "topics";
    public static final String CACHE_SIZE = "schema.cache.size";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(DATABASES, ConfigDef.Type.LIST, "", (n, v) -> validateMappings(n, v, true), ConfigDef.Importance.HIGH,
                    "Database renames, from->to, wildcards allowed (e.g. src_db->dst_db, app_*->archive_*). Applied when no "
                    + "table rename matches.")
            .define(TABLES, ConfigDef.Type.LIST, "", (n, v) -> validateMappings(n, v, false), ConfigDef.Importance.HIGH,
                    "Table renames, db.table->db.table, wildcards allowed and carried over in order (e.g. "
                    + "src_db.*->dst_db.*, shop.orders_?->shop.orders_archive_?). The first matching rename wins.")
            .define(COLUMNS, ConfigDef.Type.LIST, "", (n, v) -> columnRules(n, v), ConfigDef.Importance.MEDIUM,
                    "Column renames, db.table.column->new_column; db.table may use wildcards and names the table "
                    + "before any table rename (e.g. shop.orders_*.amt->amount).")
            .define(TOPICS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM,
                    "Also rename the topic when it ends with .db.table of a renamed table.")
            .define(CACHE_SIZE, ConfigDef.Type.INT, 1024, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "How many renamed schemas are remembered.");

    private record ColumnRule(MatchRule table, String from, String to) {
    }

    private List<TableMapping> tables;
    private List<TableMapping> databases;
    private List<ColumnRule> columns;
    private boolean renameTopics;
    /** Renamed schemas by input schema and table (two tables may share a schema without a name). */
    private Map<List<Object>, Schema> schemas;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        tables = mappings(config, TABLES, false);
        databases = mappings(config, DATABASES, true);
        columns = columnRules(COLUMNS, config.getList(COLUMNS));
        if (tables.isEmpty() && databases.isEmpty() && columns.isEmpty()) {
            throw new ConfigException(TABLES, "", "give at least one of " + DATABASES + ", " + TABLES + " or " + COLUMNS);
        }
        renameTopics = config.getBoolean(TOPICS);
        int cacheSize = config.getInt(CACHE_SIZE);
        schemas = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Object>, Schema> eldest) {
                return size() > cacheSize;
            }
        };
    }

    private static void validateMappings(String name, Object value, boolean databases) {
        @SuppressWarnings("unchecked")
        List<String> specs = (List<String>) value;
        mappings(name, specs, databases);
    }

    private static List<ColumnRule> columnRules(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> specs = (List<String>) value;
        List<ColumnRule> out = new ArrayList<>();
        for (String spec : specs) {
            int arrow = spec.indexOf(TableMapping.ARROW);
            int dot = arrow < 0 ? -1 : spec.lastIndexOf('.', arrow);
            String to = arrow < 0 ? "" : spec.substring(arrow + TableMapping.ARROW.length()).trim();
            if (arrow < 0 || dot <= 0 || to.isEmpty() || to.contains(".")) {
                throw new ConfigException(name, spec, "a column rename is db.table.column->new_column, e.g. shop.orders.amt->amount");
            }
            try {
                out.add(new ColumnRule(MatchRule.parse(spec.substring(0, dot)), spec.substring(dot + 1, arrow).trim(), to));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, spec, e.getMessage());
            }
        }
        return out;
    }

    private static List<TableMapping> mappings(AbstractConfig config, String name, boolean databases) {
        return mappings(name, config.getList(name), databases);
    }

    private static List<TableMapping> mappings(String name, List<String> specs, boolean databases) {
        List<TableMapping> out = new ArrayList<>();
        for (String spec : specs) {
            try {
                out.add(TableMapping.parse(spec, databases));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, spec, e.getMessage());
            }
        }
        return out;
    }

    /** The renames that apply to one table: its new name and its column renames. */
    private record Plan(TableId from, TableId to, Map<String, String> columns) {
        boolean changesNothing() {
            return from.equals(to) && columns.isEmpty();
        }

        String column(String name) {
            return columns.getOrDefault(name, name);
        }
    }

    private Plan plan(TableId table) {
        TableId to = table;
        boolean mapped = false;
        for (TableMapping m : tables) {
            var hit = m.map(table);
            if (hit.isPresent()) {
                to = hit.get();
                mapped = true;
                break;
            }
        }
        if (!mapped) {
            for (TableMapping m : databases) {
                var hit = m.map(table);
                if (hit.isPresent()) {
                    to = hit.get();
                    break;
                }
            }
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        for (ColumnRule c : columns) {
            if (c.table.matches(table)) {
                renamed.putIfAbsent(c.from, c.to);
            }
        }
        return new Plan(table, to, renamed);
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        if (value instanceof Struct && ChangeRecords.isMetadata(value)) {
            return record; // schema-change or transaction event
        }
        TableId table = ChangeRecords.table(value, record.topic());
        if (table == null) {
            return record;
        }
        Plan plan = plan(table);
        if (plan.changesNothing()) {
            return record;
        }
        String topic = renameTopics ? topic(record.topic(), plan) : record.topic();
        Schema keySchema = record.keySchema() == null ? null : rowSchema(record.keySchema(), plan);
        Object key = rename(record.key(), keySchema, plan);
        Schema valueSchema;
        Object newValue;
        if (value instanceof Struct s && s.schema().field(Envelope.OP) != null && s.schema().field(Envelope.AFTER) != null) {
            valueSchema = envelopeSchema(s.schema(), plan);
            newValue = envelope(s, valueSchema, plan);
        } else if (value instanceof Map<?, ?> m && m.containsKey(Envelope.OP)) {
            valueSchema = null;
            newValue = envelope(m, plan);
        } else {
            valueSchema = record.valueSchema() == null ? null : rowSchema(record.valueSchema(), plan);
            newValue = rename(value, valueSchema, plan);
        }
        return record.newRecord(topic, record.kafkaPartition(), keySchema, key, valueSchema, newValue, record.timestamp(),
                record.headers());
    }

    private static String topic(String topic, Plan plan) {
        String suffix = plan.from.database() + "." + plan.from.table();
        String renamed = plan.to.database() + "." + plan.to.table();
        if (topic.equals(suffix)) {
            return renamed;
        }
        return topic.endsWith("." + suffix) ? topic.substring(0, topic.length() - suffix.length()) + renamed : topic;
    }

    /** {@code prefix.db.table.Value} becomes {@code prefix.newdb.newtable.Value}; other names stay. */
    private static String schemaName(String name, Plan plan) {
        if (name == null) {
            return null;
        }
        String from = "." + plan.from.database() + "." + plan.from.table() + ".";
        int at = name.lastIndexOf(from);
        if (at < 0) {
            return name;
        }
        return name.substring(0, at) + "." + plan.to.database() + "." + plan.to.table() + "." + name.substring(at + from.length());
    }

    private Schema rowSchema(Schema schema, Plan plan) {
        if (schema.type() != Schema.Type.STRUCT) {
            return schema;
        }
        List<Object> key = List.of(schema, plan.from);
        Schema cached = schemas.get(key);
        if (cached == null) {
            SchemaBuilder b = builder(schema, plan);
            for (Field f : schema.fields()) {
                b.field(plan.column(f.name()), f.schema());
            }
            cached = b.build();
            schemas.put(key, cached);
        }
        return cached;
    }

    private Schema envelopeSchema(Schema schema, Plan plan) {
        List<Object> key = List.of(schema, plan.from);
        Schema cached = schemas.get(key);
        if (cached == null) {
            SchemaBuilder b = builder(schema, plan);
            for (Field f : schema.fields()) {
                boolean image = f.name().equals(Envelope.BEFORE) || f.name().equals(Envelope.AFTER);
                b.field(f.name(), image ? rowSchema(f.schema(), plan) : f.schema());
            }
            cached = b.build();
            schemas.put(key, cached);
        }
        return cached;
    }

    private static SchemaBuilder builder(Schema s, Plan plan) {
        SchemaBuilder b = SchemaBuilder.struct().name(schemaName(s.name(), plan)).version(s.version()).doc(s.doc());
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        if (s.isOptional()) {
            b.optional();
        }
        return b;
    }

    private Object rename(Object value, Schema schema, Plan plan) {
        if (value instanceof Struct s && schema != null) {
            Struct out = new Struct(schema);
            for (Field f : s.schema().fields()) {
                out.put(plan.column(f.name()), s.get(f));
            }
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k instanceof String name ? plan.column(name) : k, v));
            return out;
        }
        return value;
    }

    private Struct envelope(Struct value, Schema schema, Plan plan) {
        Struct out = new Struct(schema);
        for (Field f : value.schema().fields()) {
            Object v = value.get(f);
            if (f.name().equals(Envelope.BEFORE) || f.name().equals(Envelope.AFTER)) {
                v = v == null ? null : rename(v, schema.field(f.name()).schema(), plan);
            } else if (f.name().equals(Envelope.SOURCE) && v instanceof Struct source) {
                Struct copy = new Struct(source.schema());
                for (Field sf : source.schema().fields()) {
                    copy.put(sf, source.get(sf));
                }
                if (source.schema().field(Envelope.SOURCE_DB) != null && source.schema().field(Envelope.SOURCE_TABLE) != null) {
                    copy.put(Envelope.SOURCE_DB, plan.to.database());
                    copy.put(Envelope.SOURCE_TABLE, plan.to.table());
                }
                v = copy;
            }
            out.put(f.name(), v);
        }
        return out;
    }

    private Map<Object, Object> envelope(Map<?, ?> value, Plan plan) {
        Map<Object, Object> out = new LinkedHashMap<>(value);
        for (String image : List.of(Envelope.BEFORE, Envelope.AFTER)) {
            if (value.get(image) != null) {
                out.put(image, rename(value.get(image), null, plan));
            }
        }
        if (value.get(Envelope.SOURCE) instanceof Map<?, ?> source) {
            Map<Object, Object> copy = new LinkedHashMap<>(source);
            copy.put(Envelope.SOURCE_DB, plan.to.database());
            copy.put(Envelope.SOURCE_TABLE, plan.to.table());
            out.put(Envelope.SOURCE, copy);
        }
        return out;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (schemas != null) {
            schemas.clear();
        }
    }
}
