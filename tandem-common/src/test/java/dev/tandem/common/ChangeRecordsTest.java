package dev.tandem.common;

import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeRecordsTest {

    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("db", Schema.OPTIONAL_STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema TX = SchemaBuilder.struct().optional()
            .field("id", Schema.STRING_SCHEMA).field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("transaction", TX).build();

    private static Struct change(String op, String snapshot) {
        return new Struct(ENVELOPE).put("op", op).put("after", new Struct(ROW).put("id", 1))
                .put("source", new Struct(SOURCE).put("db", "shop").put("table", "orders").put("snapshot", snapshot))
                .put("transaction", new Struct(TX).put("id", "0-1-7").put("data_collection_order", 2L));
    }

    @Test
    void aStructEnvelopeIsARowChangeWithItsTableTransactionAndSnapshotMarker() {
        Struct value = change("r", "last");
        assertThat(ChangeRecords.kind(value)).isEqualTo(ChangeRecords.Kind.ROW_CHANGE);
        assertThat(ChangeRecords.table(value, "east.other.topic")).isEqualTo(new TableId("shop", "orders"));
        assertThat(ChangeRecords.transactionId(value)).isEqualTo("0-1-7");
        assertThat(ChangeRecords.isSnapshot(value)).isTrue();
        assertThat(ChangeRecords.isLastSnapshotRow(value)).isTrue();
        Struct streamed = change("u", "false");
        assertThat(ChangeRecords.isSnapshot(streamed)).isFalse();
        assertThat(ChangeRecords.isLastSnapshotRow(streamed)).isFalse();
        assertThat(ChangeRecords.isMetadata(value)).isFalse();
    }

    @Test
    void schemalessValuesAreClassifiedTheSameWay() {
        Map<String, Object> row = new HashMap<>();
        row.put("op", "c");
        row.put("after", Map.of("id", 1));
        row.put("source", Map.of("db", "shop", "table", "orders"));
        assertThat(ChangeRecords.kind(row)).isEqualTo(ChangeRecords.Kind.ROW_CHANGE);
        assertThat(ChangeRecords.sourceTable(row)).isEqualTo(new TableId("shop", "orders"));
        assertThat(ChangeRecords.kind(Map.of("ddl", "DROP TABLE t", "databaseName", "shop")))
                .isEqualTo(ChangeRecords.Kind.SCHEMA_CHANGE);
        assertThat(ChangeRecords.kind(Map.of("status", "END", "id", "0-1-7"))).isEqualTo(ChangeRecords.Kind.TRANSACTION);
        assertThat(ChangeRecords.isEnd(Map.of("status", "END", "id", "0-1-7"))).isTrue();
        assertThat(ChangeRecords.kind(Map.of("id", 1, "name", "a"))).as("a flattened row").isEqualTo(ChangeRecords.Kind.OTHER);
        assertThat(ChangeRecords.table(Map.of("id", 1), "east.shop.orders")).as("from the topic")
                .isEqualTo(new TableId("shop", "orders"));
        assertThat(ChangeRecords.table(Map.of("id", 1), "orders")).isNull();
    }

    @Test
    void schemaChangesAndTransactionEventsAreMetadataAndTandemsMarkersGoByHeader() {
        Schema ddlSchema = SchemaBuilder.struct().field("databaseName", Schema.STRING_SCHEMA).field("ddl", Schema.STRING_SCHEMA)
                .field("source", SOURCE).build();
        Struct ddl = new Struct(ddlSchema).put("databaseName", "shop").put("ddl", "ALTER TABLE t ADD c INT")
                .put("source", new Struct(SOURCE).put("db", "shop"));
        assertThat(ChangeRecords.kind(ddl)).isEqualTo(ChangeRecords.Kind.SCHEMA_CHANGE);
        assertThat(ChangeRecords.ddl(ddl)).isEqualTo("ALTER TABLE t ADD c INT");
        assertThat(ChangeRecords.sourceTable(ddl)).as("no table named").isNull();
        assertThat(ChangeRecords.isMetadata(ddl)).isTrue();

        SourceRecord complete = new SourceRecord(null, null, "east.shop.t", null, ddlSchema, ddl);
        complete.headers().addString(TandemHeaders.SNAPSHOT_COMPLETE, "shop.t");
        assertThat(ChangeRecords.kind(complete)).isEqualTo(ChangeRecords.Kind.SNAPSHOT_COMPLETE);
        SourceRecord stopped = new SourceRecord(null, null, "east.shop.t", null, null, null);
        stopped.headers().addString(TandemHeaders.SOURCE_STOPPED, "stopped");
        assertThat(ChangeRecords.kind(stopped)).isEqualTo(ChangeRecords.Kind.SOURCE_STOPPED);
        assertThat(ChangeRecords.kind(new SourceRecord(null, null, "east.shop.t", null, null, null)))
                .isEqualTo(ChangeRecords.Kind.TOMBSTONE);
    }
}
