package dev.tandem.sink.apply;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordReaderTest {

    static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT32_SCHEMA).build();
    static final Schema ROW = SchemaBuilder.struct().name("v").optional()
            .field("id", Schema.INT32_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final RecordReader reader = new RecordReader("${db}.${table}", "north");

    static Struct key(int id) {
        return new Struct(KEY).put("id", id);
    }

    static Struct row(int id, String v) {
        return new Struct(ROW).put("id", id).put("v", v);
    }

    static SinkRecord envelope(String op, Struct before, Struct after, long offset) {
        Struct source = new Struct(SOURCE).put("db", "shop").put("table", "orders").put("ts_ms", 1234L);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
        int id = (after != null ? after : before).getInt32("id");
        return new SinkRecord("prefix.shop.orders", 0, KEY, key(id), ENVELOPE, value, offset);
    }

    @Test
    void envelopesBecomeUpsertsOrDeletesOfTheSourceTable() {
        ChangeRecord created = reader.read(envelope("c", null, row(1, "a"), 0));
        assertThat(created.isDelete()).isFalse();
        assertThat(created.table()).hasToString("shop.orders");
        assertThat(created.row().getString("v")).isEqualTo("a");
        assertThat(created.sourceTimestampMs()).isEqualTo(1234L);
        assertThat(created.snapshot()).isFalse();
        assertThat(reader.read(envelope("r", null, row(1, "a"), 1)).snapshot()).isTrue();
        assertThat(reader.read(envelope("u", row(1, "a"), row(1, "b"), 2)).row().getString("v")).isEqualTo("b");
        // Rows the source created are probably new to the destination (LOAD DATA may write them); updates are not.
        assertThat(created.created()).isTrue();
        assertThat(reader.read(envelope("r", null, row(1, "a"), 1)).created()).isTrue();
        assertThat(reader.read(envelope("u", row(1, "a"), row(1, "b"), 2)).created()).isFalse();
        ChangeRecord deleted = reader.read(envelope("d", row(1, "b"), null, 3));
        assertThat(deleted.isDelete()).isTrue();
        assertThat(deleted.keyValues()).containsExactly(1);
    }

    /** Changes of a table without a key: no key, and the before image that finds the row to change. */
    @Test
    void changesOfATableWithoutAKeyCarryTheirBeforeImage() {
        Struct source = new Struct(SOURCE).put("db", "shop").put("table", "events").put("ts_ms", 1L);
        Struct update = new Struct(ENVELOPE).put("before", row(1, "a")).put("after", row(1, "b")).put("source", source)
                .put("op", "u");
        ChangeRecord changed = reader.read(new SinkRecord("p.shop.events", 0, null, null, ENVELOPE, update, 0));
        assertThat(changed.keyless()).isTrue();
        assertThat(changed.keySchema()).isNull();
        assertThat(changed.before().getString("v")).isEqualTo("a");
        assertThat(changed.row().getString("v")).isEqualTo("b");
        assertThat(changed.describe()).contains("no key, row").contains("v=a");
        Struct delete = new Struct(ENVELOPE).put("before", row(1, "b")).put("source", source).put("op", "d");
        ChangeRecord deleted = reader.read(new SinkRecord("p.shop.events", 0, null, null, ENVELOPE, delete, 1));
        assertThat(deleted.isDelete()).isTrue();
        assertThat(deleted.before().getString("v")).isEqualTo("b");
        assertThat(reader.read(new SinkRecord("p.shop.events", 0, null, null, null, null, 2))).as("a keyless tombstone").isNull();
        Struct noBefore = new Struct(ENVELOPE).put("after", row(1, "b")).put("source", source).put("op", "u");
        assertThatThrownBy(() -> reader.read(new SinkRecord("p.shop.events", 0, null, null, ENVELOPE, noBefore, 3)))
                .isInstanceOf(DataException.class).hasMessageContaining("lacks its 'before' row")
                .hasMessageContaining("binlog_row_image=FULL");
    }

    @Test
    void flatRowsTombstonesAndRewrittenDeletes() {
        Schema flat = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__deleted", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct live = new Struct(flat).put("id", 1).put("v", "x").put("__deleted", "false");
        ChangeRecord upsert = reader.read(new SinkRecord("p.crm.accounts", 0, KEY, key(1), flat, live, 0));
        assertThat(upsert.table()).hasToString("crm.accounts");
        assertThat(upsert.row().schema().field("__deleted")).as("the marker column is not written").isNull();
        Struct gone = new Struct(flat).put("id", 1).put("v", "x").put("__deleted", "true");
        assertThat(reader.read(new SinkRecord("p.crm.accounts", 0, KEY, key(1), flat, gone, 1)).isDelete()).isTrue();
        assertThat(reader.read(new SinkRecord("p.crm.accounts", 0, KEY, key(1), null, null, 2)).isDelete()).isTrue();
    }

    @Test
    void theOriginIsTheHeaderOrTheSourceRegion() {
        SinkRecord plain = envelope("c", null, row(1, "a"), 0);
        assertThat(reader.read(plain).origin()).isEqualTo("north");
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("tandem.origin", "east");
        SinkRecord tagged = new SinkRecord(plain.topic(), 0, KEY, key(1), ENVELOPE, plain.value(), 0, null, null, headers);
        assertThat(reader.read(tagged).origin()).isEqualTo("east");
    }

    @Test
    void theTableFormatRenames() {
        RecordReader renaming = new RecordReader("copy_${db}.${table}_v2", "");
        assertThat(renaming.read(envelope("c", null, row(1, "a"), 0)).table()).hasToString("copy_shop.orders_v2");
    }

    @Test
    void unreadableRecordsSayWhy() {
        assertThatThrownBy(() -> reader.read(new SinkRecord("p.a.b", 0, null, null, ROW, row(1, "a"), 7)))
                .isInstanceOf(DataException.class).hasMessageContaining("p.a.b-0@7")
                .hasMessageContaining("has no key and is not a change event with a before image");
        assertThatThrownBy(() -> reader.read(new SinkRecord("p.a.b", 0, Schema.STRING_SCHEMA, "k", ROW, row(1, "a"), 8)))
                .isInstanceOf(DataException.class).hasMessageContaining("p.a.b-0@8").hasMessageContaining("has no struct key");
        assertThatThrownBy(() -> reader.read(new SinkRecord("p.a.b", 0, KEY, key(1), Schema.STRING_SCHEMA, "text", 8)))
                .isInstanceOf(DataException.class).hasMessageContaining("needs structured values");
        assertThatThrownBy(() -> reader.read(envelope("t", null, row(1, "a"), 9)))
                .isInstanceOf(DataException.class).hasMessageContaining("op='t'");
        assertThatThrownBy(() -> new RecordReader("${db}.${table}", "").read(new SinkRecord("flat", 0, KEY, key(1), ROW, row(1, "a"), 1)))
                .isInstanceOf(DataException.class).hasMessageContaining("does not end in <database>.<table>");
    }

    @Test
    void reductionKeepsTheLastStateOfEveryKeyInTheOrderKeysLastChanged() {
        var records = java.util.List.of(reader.read(envelope("c", null, row(1, "a"), 0)), reader.read(envelope("c", null, row(2, "b"), 1)),
                reader.read(envelope("u", row(1, "a"), row(1, "c"), 2)), reader.read(envelope("d", row(2, "b"), null, 3)),
                reader.read(envelope("c", null, row(3, "d"), 4)));
        var reduced = Applier.reduce(records);
        assertThat(reduced).extracting(r -> r.keyValues().get(0) + (r.isDelete() ? ":deleted" : ":" + r.row().getString("v")))
                .containsExactly("1:c", "2:deleted", "3:d");
    }
}
