package dev.tandem.smt.rename;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenameTest {

    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA).build();

    private static Schema row(String table) {
        return SchemaBuilder.struct().name("p.src_db." + table + ".Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("amt", Schema.INT32_SCHEMA).build();
    }

    private static Schema key(String table) {
        return SchemaBuilder.struct().name("p.src_db." + table + ".Key").field("id", Schema.INT32_SCHEMA).build();
    }

    private static Schema envelope(String table) {
        return SchemaBuilder.struct().name("p.src_db." + table + ".Envelope").field("before", row(table)).field("after", row(table))
                .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
    }

    private static SourceRecord change(String table, int id) {
        Schema env = envelope(table);
        Struct value = new Struct(env).put("after", new Struct(row(table)).put("id", id).put("amt", 5))
                .put("source", new Struct(SOURCE).put("db", "src_db").put("table", table)).put("op", "c");
        return new SourceRecord(Map.of(), Map.of(), "p.src_db." + table, null, key(table), new Struct(key(table)).put("id", id),
                env, value);
    }

    private static Rename<SourceRecord> rename(Map<String, String> config) {
        Rename<SourceRecord> r = new Rename<>();
        r.configure(config);
        return r;
    }

    @Test
    void aWildcardTableRenameChangesTopicSourceSchemaNamesAndColumns() {
        Rename<SourceRecord> r = rename(Map.of("tables", "src_db.orders_?->dst_db.orders_archive_?",
                "columns", "src_db.orders_*.amt->amount"));
        SourceRecord in = change("orders_3", 7);
        SourceRecord out = r.apply(in);
        assertThat(out.topic()).isEqualTo("p.dst_db.orders_archive_3");
        Struct value = (Struct) out.value();
        assertThat(value.getStruct("source").getString("db")).isEqualTo("dst_db");
        assertThat(value.getStruct("source").getString("table")).isEqualTo("orders_archive_3");
        assertThat(value.schema().name()).isEqualTo("p.dst_db.orders_archive_3.Envelope");
        assertThat(value.getStruct("after").schema().name()).isEqualTo("p.dst_db.orders_archive_3.Value");
        assertThat(value.getStruct("after").getInt32("amount")).isEqualTo(5);
        assertThat(value.getStruct("after").schema().field("amt")).isNull();
        assertThat(out.keySchema().name()).isEqualTo("p.dst_db.orders_archive_3.Key");
        assertThat(((Struct) in.value()).getStruct("source").getString("db")).as("input unchanged").isEqualTo("src_db");
        assertThat(r.apply(change("orders_3", 8)).valueSchema()).as("schemas are reused").isSameAs(out.valueSchema());
        assertThat(r.apply(change("orders_12", 1)).topic()).as("? is one character: orders_12 keeps its table name, the "
                + "column rename still applies").isEqualTo("p.src_db.orders_12");
    }

    @Test
    void databaseRenamesApplyWhenNoTableRenameMatches() {
        Rename<SourceRecord> r = rename(Map.of("databases", "src_*->dst_*", "tables", "src_db.special->other.special2"));
        assertThat(r.apply(change("items", 1)).topic()).isEqualTo("p.dst_db.items");
        assertThat(r.apply(change("special", 1)).topic()).isEqualTo("p.other.special2");
    }

    @Test
    void tombstonesAndSchemalessRecordsAreRenamedToo() {
        Rename<SourceRecord> r = rename(Map.of("tables", "src_db.*->dst_db.*", "columns", "src_db.t.id->t_id"));
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "p.src_db.t", null, key("t"), new Struct(key("t")).put("id", 1),
                null, null);
        SourceRecord out = r.apply(tombstone);
        assertThat(out.topic()).isEqualTo("p.dst_db.t");
        assertThat(((Struct) out.key()).getInt32("t_id")).isEqualTo(1);
        assertThat(out.value()).isNull();

        Map<String, Object> value = new HashMap<>();
        value.put("before", null);
        value.put("after", Map.of("id", 1, "x", "y"));
        value.put("op", "c");
        value.put("source", Map.of("db", "src_db", "table", "t"));
        SourceRecord schemaless = r.apply(new SourceRecord(Map.of(), Map.of(), "p.src_db.t", null, null, Map.of("id", 1), null, value));
        assertThat(schemaless.topic()).isEqualTo("p.dst_db.t");
        Map<?, ?> renamed = (Map<?, ?>) schemaless.value();
        assertThat(((Map<?, ?>) renamed.get("after")).get("t_id")).isEqualTo(1);
        assertThat(((Map<?, ?>) renamed.get("after")).containsKey("id")).isFalse();
        assertThat(((Map<?, ?>) renamed.get("source")).get("db")).isEqualTo("dst_db");
        assertThat(((Map<?, ?>) schemaless.key()).get("t_id")).isEqualTo(1);
    }

    @Test
    void otherTablesAndSchemaChangeEventsPassUnchanged() {
        Rename<SourceRecord> r = rename(Map.of("tables", "shop.*->copy.*"));
        SourceRecord other = change("orders", 1);
        assertThat(r.apply(other)).isSameAs(other);
        Schema ddl = SchemaBuilder.struct().field("source", SOURCE).field("ddl", Schema.STRING_SCHEMA).build();
        SourceRecord schemaChange = new SourceRecord(Map.of(), Map.of(), "p", null, null, null, ddl,
                new Struct(ddl).put("source", new Struct(SOURCE).put("db", "shop").put("table", "t")).put("ddl", "DROP TABLE t"));
        assertThat(r.apply(schemaChange)).isSameAs(schemaChange);
    }

    @Test
    void configErrorsNameTheMappingAndTheExpectedForm() {
        assertThatThrownBy(() -> rename(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("give at least one of databases, tables or columns");
        assertThatThrownBy(() -> rename(Map.of("tables", "a.*->b.c"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value a.*->b.c for configuration tables")
                .hasMessageContaining("1 wildcard(s) on the left and 0 on the right");
        assertThatThrownBy(() -> rename(Map.of("columns", "shop.orders.amt"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.table.column->new_column");
        assertThatThrownBy(() -> rename(Map.of("databases", "a.b->c"))).hasMessageContaining("without a dot");
    }
}
