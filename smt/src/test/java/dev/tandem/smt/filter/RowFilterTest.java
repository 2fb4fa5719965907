package dev.tandem.smt.filter;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowFilterTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
            .field("amount", Schema.INT32_SCHEMA).field("region", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("before", ROW).field("after", ROW)
            .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    private static RowFilter<SourceRecord> filter(Map<String, String> extra) {
        RowFilter<SourceRecord> f = new RowFilter<>();
        Map<String, String> config = new HashMap<>(Map.of("condition", "`amount` > 100 AND `region` IN ('hz','sh')",
                "tables", "shop.orders_*"));
        config.putAll(extra);
        f.configure(config);
        return f;
    }

    private static Struct row(int id, int amount, String region) {
        return new Struct(ROW).put("id", id).put("amount", amount).put("region", region);
    }

    private static SourceRecord change(String table, String op, Struct before, Struct after) {
        int id = (after != null ? after : before).getInt32("id");
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("db", "shop").put("table", table)).put("op", op);
        return new SourceRecord(Map.of(), Map.of(), "p.shop." + table, null, KEY, new Struct(KEY).put("id", id), ENVELOPE, value);
    }

    private static SourceRecord tombstone(int id) {
        return new SourceRecord(Map.of(), Map.of(), "p.shop.orders_1", null, KEY, new Struct(KEY).put("id", id), null, null);
    }

    private static String op(SourceRecord r) {
        return ((Struct) r.value()).getString("op");
    }

    @Test
    void insertsAndSnapshotReadsAreKeptOnlyWhenTheyMatch() {
        RowFilter<SourceRecord> f = filter(Map.of());
        assertThat(f.apply(change("orders_1", "c", null, row(1, 200, "hz")))).isNotNull();
        assertThat(f.apply(change("orders_1", "r", null, row(1, 200, "bj")))).isNull();
        assertThat(f.apply(change("orders_1", "c", null, row(1, 50, "sh")))).isNull();
    }

    @Test
    void updatesMoveRowsInAndOutOfTheCondition() {
        RowFilter<SourceRecord> f = filter(Map.of());
        SourceRecord in = change("orders_1", "u", row(1, 50, "hz"), row(1, 150, "hz"));
        SourceRecord movedIn = f.apply(in);
        assertThat(op(movedIn)).as("moves in: an insert").isEqualTo("c");
        assertThat(((Struct) movedIn.value()).getStruct("before")).isNull();
        assertThat(((Struct) movedIn.value()).getStruct("after").getInt32("amount")).isEqualTo(150);
        assertThat(op(in)).as("the input record is not changed").isEqualTo("u");
        assertThat(((Struct) in.value()).getStruct("before")).isNotNull();

        SourceRecord movedOut = f.apply(change("orders_1", "u", row(1, 150, "hz"), row(1, 150, "bj")));
        assertThat(op(movedOut)).as("moves out: a delete").isEqualTo("d");
        assertThat(((Struct) movedOut.value()).getStruct("after")).isNull();
        assertThat(((Struct) movedOut.value()).getStruct("before").getString("region")).isEqualTo("hz");

        assertThat(op(f.apply(change("orders_1", "u", row(1, 150, "hz"), row(1, 160, "sh"))))).isEqualTo("u");
        assertThat(f.apply(change("orders_1", "u", row(1, 1, "hz"), row(1, 2, "hz")))).as("outside before and after").isNull();
    }

    @Test
    void deletesFollowTheBeforeImageAndTheirTombstonesFollowThem() {
        RowFilter<SourceRecord> f = filter(Map.of());
        assertThat(f.apply(change("orders_1", "d", row(2, 1, "hz"), null))).isNull();
        assertThat(f.apply(tombstone(2))).as("the tombstone of a dropped delete").isNull();
        assertThat(f.apply(change("orders_1", "d", row(3, 500, "hz"), null))).isNotNull();
        assertThat(f.apply(tombstone(3))).as("the tombstone of a kept delete").isNotNull();
        assertThat(f.apply(tombstone(4))).as("a tombstone on its own passes").isNotNull();
    }

    @Test
    void otherTablesSchemaChangesAndTransactionEventsPass() {
        RowFilter<SourceRecord> f = filter(Map.of());
        assertThat(f.apply(change("customers", "c", null, row(1, 0, "bj")))).isNotNull();
        Schema ddl = SchemaBuilder.struct().field("ddl", Schema.STRING_SCHEMA).build();
        SourceRecord schemaChange = new SourceRecord(Map.of(), Map.of(), "p", null, null, null, ddl,
                new Struct(ddl).put("ddl", "ALTER TABLE orders_1 ADD c INT"));
        assertThat(f.apply(schemaChange)).isSameAs(schemaChange);
    }

    @Test
    void flattenedRowsAreKeptOrDroppedByTheirTopicsTable() {
        RowFilter<SourceRecord> f = filter(Map.of());
        SourceRecord keep = new SourceRecord(Map.of(), Map.of(), "p.shop.orders_7", null, KEY, new Struct(KEY).put("id", 1), ROW,
                row(1, 101, "sh"));
        SourceRecord drop = new SourceRecord(Map.of(), Map.of(), "p.shop.orders_7", null, KEY, new Struct(KEY).put("id", 2), ROW,
                row(2, 101, "xx"));
        SourceRecord other = new SourceRecord(Map.of(), Map.of(), "p.shop.items", null, KEY, new Struct(KEY).put("id", 2), ROW,
                row(2, 101, "xx"));
        assertThat(f.apply(keep)).isSameAs(keep);
        assertThat(f.apply(drop)).isNull();
        assertThat(f.apply(other)).isSameAs(other);
    }

    @Test
    void schemalessEnvelopesMoveRowsToo() {
        RowFilter<SourceRecord> f = filter(Map.of());
        Map<String, Object> before = Map.of("id", 1, "amount", 150, "region", "hz");
        Map<String, Object> after = Map.of("id", 1, "amount", 150, "region", "bj");
        Map<String, Object> value = new HashMap<>();
        value.put("before", before);
        value.put("after", after);
        value.put("op", "u");
        value.put("source", Map.of("db", "shop", "table", "orders_1"));
        SourceRecord r = new SourceRecord(Map.of(), Map.of(), "p.shop.orders_1", null, null, Map.of("id", 1), null, value);
        SourceRecord out = f.apply(r);
        assertThat(((Map<?, ?>) out.value()).get("op")).isEqualTo("d");
        assertThat(((Map<?, ?>) out.value()).get("after")).isNull();
        assertThat(value.get("op")).as("input unchanged").isEqualTo("u");
        SourceRecord flat = new SourceRecord(Map.of(), Map.of(), "p.shop.orders_1", null, null, null, null,
                Map.of("id", 1, "amount", 101, "region", "SH"));
        assertThat(f.apply(flat)).as("case-insensitive by default").isSameAs(flat);
    }

    @Test
    void aMissingColumnFailsNamingTableKeyAndColumn() {
        RowFilter<SourceRecord> f = filter(Map.of("condition", "qty > 1"));
        assertThatThrownBy(() -> f.apply(change("orders_1", "c", null, row(9, 1, "hz"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("`qty`").hasMessageContaining("shop.orders_1").hasMessageContaining("id=9");
    }

    @Test
    void configErrorsAreReadable() {
        assertThatThrownBy(() -> filter(Map.of("condition", "amount > > 1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value amount > > 1 for configuration condition")
                .hasMessageContaining("cannot parse the condition at column");
        assertThatThrownBy(() -> filter(Map.of("tables", "nodot")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be database.table");
        assertThatThrownBy(() -> filter(Map.of("string.comparison", "fuzzy")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("string.comparison");
        assertThatThrownBy(() -> new RowFilter<SourceRecord>().configure(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("condition");
    }
}
