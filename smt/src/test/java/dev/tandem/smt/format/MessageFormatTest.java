package dev.tandem.smt.format;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageFormatTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema TX = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("p.shop.orders.Value").optional()
            .field("id", SchemaBuilder.int32().parameter("__debezium.source.column.type", "INT").build())
            .field("amount", Decimal.builder(2).parameter("__debezium.source.column.type", "DECIMAL")
                    .parameter("__debezium.source.column.length", "10").parameter("__debezium.source.column.scale", "2").build())
            .field("placed", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).field("transaction", TX).build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    private static Struct row(String amount, String note) {
        return new Struct(ROW).put("id", 7).put("amount", new BigDecimal(amount)).put("placed", 1_709_210_096_123_456L)
                .put("note", note).put("raw", new byte[] {0, (byte) 0xFF});
    }

    private static SourceRecord change(String op, Struct before, Struct after) {
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("db", "shop").put("table", "orders").put("ts_ms", 1_709_210_096_000L))
                .put("op", op).put("ts_ms", 1_709_210_097_000L).put("transaction", new Struct(TX).put("id", "0-1-42"));
        return new SourceRecord(Map.of(), Map.of(), "p.shop.orders", null, KEY, new Struct(KEY).put("id", 7), ENVELOPE, value);
    }

    private static SourceRecord format(String format, SourceRecord r) {
        MessageFormat<SourceRecord> f = new MessageFormat<>();
        f.configure(Map.of("format", format));
        return f.apply(r);
    }

    @Test
    @SuppressWarnings("unchecked")
    void canalFlatMessageOfAnUpdate() {
        SourceRecord out = format("canal-json", change("u", row("1.50", "a"), row("2.00", "a")));
        assertThat(out.valueSchema()).isNull();
        Map<String, Object> m = (Map<String, Object>) out.value();
        assertThat(m).containsEntry("database", "shop").containsEntry("table", "orders").containsEntry("type", "UPDATE")
                .containsEntry("isDdl", false).containsEntry("es", 1_709_210_096_000L).containsEntry("ts", 1_709_210_097_000L)
                .containsEntry("pkNames", List.of("id")).containsEntry("sql", "");
        Map<String, Object> data = ((List<Map<String, Object>>) m.get("data")).get(0);
        assertThat(data).containsEntry("id", "7").containsEntry("amount", "2.00").containsEntry("placed", "2024-02-29 12:34:56.123456")
                .containsEntry("raw", "AP8=");
        assertThat((List<Map<String, Object>>) m.get("old")).containsExactly(Map.of("amount", "1.50"));
        assertThat((Map<String, Object>) m.get("mysqlType")).containsEntry("id", "int").containsEntry("amount", "decimal(10,2)");
        assertThat((Map<String, Object>) m.get("sqlType")).containsEntry("id", 4).containsEntry("amount", 3).containsEntry("note", 12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void canalDeleteCarriesTheDeletedRowAndNoOld() {
        Map<String, Object> m = (Map<String, Object>) format("canal-json", change("d", row("1.00", null), null)).value();
        assertThat(m).containsEntry("type", "DELETE").containsEntry("old", null);
        assertThat(((List<Map<String, Object>>) m.get("data")).get(0)).containsEntry("note", null).containsEntry("amount", "1.00");
    }

    @Test
    @SuppressWarnings("unchecked")
    void omsDefaultMessage() {
        Map<String, Object> m = (Map<String, Object>) format("oms-default", change("c", null, row("3.10", "x"))).value();
        assertThat(m).containsEntry("prevStruct", null).containsEntry("recordType", "INSERT");
        assertThat((Map<String, Object>) m.get("postStruct")).containsEntry("amount", "3.10").containsEntry("id", "7");
        Map<String, Object> meta = (Map<String, Object>) m.get("allMetaData");
        assertThat(meta).containsEntry("db", "shop").containsEntry("table_name", "orders").containsEntry("dbType", "MYSQL")
                .containsEntry("record_primary_key", "id").containsEntry("record_primary_value", "7")
                .containsEntry("checkpoint", "1709210096").containsEntry("timestamp", "1709210096")
                .containsEntry("uniqueId", "0-1-42").containsEntry("source_identity", "p.shop.orders");
        Map<String, Object> snapshot = (Map<String, Object>) ((Map<String, Object>) format("oms-default",
                change("r", null, row("3.10", "x"))).value()).get("allMetaData");
        assertThat(snapshot).as("full migration: the checkpoint is the primary key value").containsEntry("checkpoint", "7")
                .containsEntry("timestamp", null);
    }

    @Test
    void flattenedRowWithMetadataFields() {
        SourceRecord out = format("flat", change("d", row("1.00", "gone"), null));
        Struct v = (Struct) out.value();
        assertThat(v.getInt32("id")).isEqualTo(7);
        assertThat(v.getString("__op")).isEqualTo("d");
        assertThat(v.getString("__deleted")).isEqualTo("true");
        assertThat(v.getString("__table")).isEqualTo("orders");
        assertThat(v.getInt64("__source_ts_ms")).isEqualTo(1_709_210_096_000L);
        assertThat(v.schema().field("amount").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
    }

    @Test
    void tombstonesAndOtherEventsPass() {
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "p.shop.orders", null, KEY, new Struct(KEY).put("id", 7), null, null);
        assertThat(format("canal-json", tombstone)).isSameAs(tombstone);
        Schema ddl = SchemaBuilder.struct().field("ddl", Schema.STRING_SCHEMA).build();
        SourceRecord schemaChange = new SourceRecord(Map.of(), Map.of(), "p", null, null, null, ddl, new Struct(ddl).put("ddl", "x"));
        assertThat(format("oms-default", schemaChange)).isSameAs(schemaChange);
    }

    @Test
    void anUnknownFormatIsAConfigError() {
        assertThatThrownBy(() -> new MessageFormat<SourceRecord>().configure(Map.of("format", "avro")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("format")
                .hasMessageContaining("canal-json, oms-default, flat");
    }
}
