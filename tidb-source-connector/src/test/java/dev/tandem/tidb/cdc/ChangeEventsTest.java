package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import dev.tandem.tidb.TidbSourceConfig;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fixture messages of both protocols through Debezium's MySQL schemas and converters (no server:
 * tables come from their CREATE TABLE), into exactly the envelopes a MySQL source emits.
 */
public class ChangeEventsTest {

    public static final String ALL_TYPES = "CREATE TABLE `all_types` (`id` INT NOT NULL, `c_tinyint` TINYINT, "
            + "`c_tinyint_u` TINYINT UNSIGNED, `c_smallint` SMALLINT, `c_mediumint` MEDIUMINT, `c_int_u` INT UNSIGNED, "
            + "`c_bigint` BIGINT, `c_bigint_u` BIGINT UNSIGNED, `c_decimal` DECIMAL(10,4), `c_float` FLOAT, "
            + "`c_double` DOUBLE, `c_bit1` BIT(1), `c_bit10` BIT(10), `c_char` CHAR(16), `c_varchar` VARCHAR(64), "
            + "`c_text` TEXT, `c_binary` BINARY(4), `c_varbinary` VARBINARY(16), `c_blob` BLOB, `c_date` DATE, "
            + "`c_datetime` DATETIME(6), `c_timestamp` TIMESTAMP(3) NULL, `c_time` TIME(6), `c_year` YEAR, "
            + "`c_enum` ENUM('a','b','c'), `c_set` SET('a','b','c'), `c_json` JSON, PRIMARY KEY (`id`)) "
            + "DEFAULT CHARSET=utf8mb4";
    public static final String MORE_TYPES = "CREATE TABLE `more_types` (`id` INT NOT NULL, `c_bool` BOOLEAN, "
            + "`c_tinytext` TINYTEXT, `c_mediumtext` MEDIUMTEXT, `c_longtext` LONGTEXT, `c_tinyblob` TINYBLOB, "
            + "`c_mediumblob` MEDIUMBLOB, `c_longblob` LONGBLOB, `c_datetime0` DATETIME, `c_timestamp6` TIMESTAMP(6) NULL, "
            + "`c_time0` TIME, `c_neg_time` TIME(3), `c_decimal_neg` DECIMAL(20,6), `c_double_small` DOUBLE, "
            + "`c_float_neg` FLOAT, `c_bit64` BIT(64), `c_year` YEAR, `c_enum_first` ENUM('x','y'), "
            + "`c_set_empty` SET('p','q'), `c_char_empty` CHAR(4), `c_varbinary_empty` VARBINARY(8), `c_json_array` JSON, "
            + "`c_utf8mb4` VARCHAR(16), PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4";
    static final String ORDERS = "CREATE TABLE `orders` (`id` INT NOT NULL, `status` VARCHAR(16), "
            + "`amount` DECIMAL(10,2), PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4";
    static final Map<String, Object> OFFSET = Map.of("commit_ts", 1L, "complete", false);
    static final Map<String, Object> END = Map.of("commit_ts", 1L, "complete", true);

    private SnapshotEvents events;
    private ChangeEvents changes;

    static Map<String, String> props() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "tidb-test");
        p.put(TidbSourceConfig.HOST, "tidb.invalid");
        p.put(TidbSourceConfig.USER, "reader");
        p.put(TidbSourceConfig.PREFIX, "tidb1");
        p.put(TidbSourceConfig.CDC_TOPIC, "ticdc");
        p.put(TidbSourceConfig.CDC_BOOTSTRAP, "kafka.invalid:9092");
        return p;
    }

    @BeforeEach
    void tables() throws Exception {
        Map<String, String> debezium = new TidbSourceConfig(props()).debeziumProperties();
        events = SnapshotEvents.offline(DebeziumFormat.MYSQL, debezium);
        changes = new ChangeEvents("tidb1", events, new ColumnValues(ZoneId.of("UTC")), true, debezium);
        changes.table(events.shape(new TableId("shop", "all_types"), ALL_TYPES));
        changes.table(events.shape(new TableId("shop", "orders"), ORDERS));
        changes.table(events.shape(new TableId("shop", "more_types"), MORE_TYPES));
    }

    @AfterEach
    void close() throws Exception {
        events.close();
    }

    private List<SourceRecord> records(CdcEvent... txn) {
        return changes.transaction(List.of(txn), OFFSET, END);
    }

    private static Struct value(SourceRecord r) {
        return (Struct) r.value();
    }

    /** The row image's fields as plain Java values (bytes as arrays), by name. */
    private static Map<String, Object> fields(Struct row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.schema().fields().forEach(f -> {
            Object v = row.get(f);
            out.put(f.name(), v instanceof ByteBuffer b ? bytes(b) : v);
        });
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void everyTypeOfTheCanalJsonRowBecomesDebeziumsValue() throws Exception {
        List<SourceRecord> out = records(Fixtures.canal("insert-all-types"));
        assertThat(out).extracting(SourceRecord::topic).containsExactly("tidb1.transaction", "tidb1.shop.all_types",
                "tidb1.transaction");
        Struct envelope = value(out.get(1));
        assertThat(envelope.getString("op")).isEqualTo("c");
        assertThat(envelope.get("before")).isNull();
        Map<String, Object> after = fields(envelope.getStruct("after"));
        assertThat(after).containsEntry("id", 1)
                .containsEntry("c_tinyint", (short) -128)
                .containsEntry("c_tinyint_u", (short) 255)
                .containsEntry("c_smallint", (short) -32768)
                .containsEntry("c_mediumint", 8388607)
                .containsEntry("c_int_u", 4294967295L)
                .containsEntry("c_bigint", Long.MIN_VALUE)
                .containsEntry("c_bigint_u", new BigDecimal("18446744073709551615"))
                .containsEntry("c_decimal", new BigDecimal("123.4560"))
                .containsEntry("c_float", 1.5f)
                .containsEntry("c_double", 2.25d)
                .containsEntry("c_bit1", true)
                .containsEntry("c_char", "abc")
                .containsEntry("c_varchar", "h\u00e9llo w\u00f6rld")
                .containsEntry("c_text", "text")
                .containsEntry("c_date", (int) LocalDate.of(2026, 5, 1).toEpochDay())
                .containsEntry("c_datetime", 1777630830123456L)
                .containsEntry("c_timestamp", "2026-05-01T10:20:30.123Z")
                .containsEntry("c_time", 45296789012L)
                .containsEntry("c_year", 2026)
                .containsEntry("c_enum", "b")
                .containsEntry("c_set", "a,c")
                .containsEntry("c_json", "{\"k\": [1, 2]}");
        assertThat((byte[]) after.get("c_bit10")).containsExactly(0x01, 0x02); // Debezium's Bits: little-endian
        assertThat((byte[]) after.get("c_binary")).containsExactly(1, 2, 0xFF, 0);
        assertThat((byte[]) after.get("c_varbinary")).containsExactly(5, 7, 10, 15, 36, 50, 43, 99, 120, 60, 38, 255, 254, 45,
                55, 70);
        assertThat((byte[]) after.get("c_blob")).containsExactly('b', 'l', 'o', 'b');
        assertThat(((Struct) out.get(1).key()).get("id")).isEqualTo(1);
    }

    @Test
    void theDebeziumProtocolsRowBecomesTheSameEnvelope() throws Exception {
        Struct fromCanal = value(records(Fixtures.canal("insert-all-types")).get(1)).getStruct("after");
        Struct fromDebezium = value(records(Fixtures.debezium("insert-all-types")).get(1)).getStruct("after");
        assertThat(fields(fromDebezium)).usingRecursiveComparison().isEqualTo(fields(fromCanal));
    }

    @Test
    void moreTypesEdgesAndEmptyValuesOfBothProtocols() throws Exception {
        Map<String, Object> canal = fields(value(records(Fixtures.canal("insert-more-types")).get(1)).getStruct("after"));
        Map<String, Object> debezium = fields(value(records(Fixtures.debezium("insert-more-types")).get(1)).getStruct("after"));
        assertThat(debezium).usingRecursiveComparison().isEqualTo(canal);
        assertThat(canal).containsEntry("c_tinytext", "tiny").containsEntry("c_longtext", "long")
                .containsEntry("c_datetime0", 1777630830000L)
                .containsEntry("c_timestamp6", "2026-05-01T10:20:30.123456Z")
                .containsEntry("c_time0", 86399000000L)
                .containsEntry("c_neg_time", -3723500000L)
                .containsEntry("c_decimal_neg", new BigDecimal("-12345678901234.123456"))
                .containsEntry("c_double_small", -0.000125d)
                .containsEntry("c_float_neg", -3.25f)
                .containsEntry("c_year", 1999)
                .containsEntry("c_enum_first", "x")
                .containsEntry("c_set_empty", "")
                .containsEntry("c_char_empty", "")
                .containsEntry("c_json_array", "[1, \"a\", null]")
                .containsEntry("c_utf8mb4", "\ud83d\ude00\u6f22\u5b57");
        assertThat((byte[]) canal.get("c_tinyblob")).containsExactly(0, 1);
        assertThat((byte[]) canal.get("c_longblob")).containsExactly(0xFF);
        assertThat((byte[]) canal.get("c_varbinary_empty")).isEmpty();
        assertThat((byte[]) canal.get("c_bit64")).containsExactly(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    }

    @Test
    void tidbVectorColumnsBecomeDebeziumsFloatVector() throws Exception {
        changes.table(events.shape(new TableId("shop", "emb"), "CREATE TABLE `emb` (`id` INT NOT NULL, `v` VECTOR(3), "
                + "PRIMARY KEY (`id`))"));
        CdcEvent row = CdcEvent.row(new TableId("shop", "emb"), "c", null, Map.of("id", "1", "v", "[1,2.5,-3]"), 7L);
        Struct after = value(records(row).get(1)).getStruct("after");
        assertThat(after.schema().field("v").schema().name()).isEqualTo("io.debezium.data.FloatVector");
        assertThat(after.getArray("v")).containsExactly(1.0f, 2.5f, -3.0f);
    }

    @Test
    void nullsOfEveryTypeStayNull() throws Exception {
        Struct after = value(records(Fixtures.canal("insert-nulls")).get(1)).getStruct("after");
        assertThat(fields(after).entrySet().stream().filter(e -> e.getValue() != null)).extracting(Map.Entry::getKey)
                .containsExactly("id");
    }

    @Test
    void theSourceBlockIsMySqlsWithTheCommitTsAsPositionAndCommitTime() throws Exception {
        CdcEvent e = Fixtures.canal("update");
        Struct source = value(records(e).get(1)).getStruct("source");
        assertThat(source.getString("connector")).isEqualTo("mysql");
        assertThat(source.getString("name")).isEqualTo("tidb1");
        assertThat(source.getString("db")).isEqualTo("shop");
        assertThat(source.getString("table")).isEqualTo("orders");
        assertThat(source.get("snapshot")).isEqualTo("false"); // unset, as in Debezium's streamed events: the schema default
        assertThat(source.getString("file")).isEmpty();
        assertThat(source.getInt64("pos")).isEqualTo(e.commitTs());
        assertThat(source.getInt64("ts_ms")).isEqualTo(e.commitTs() >>> 18);
    }

    @Test
    void updatesCarryBothImagesAndAKeyChangeIsDeleteTombstoneCreate() throws Exception {
        Struct update = value(records(Fixtures.canal("update")).get(1));
        assertThat(update.getString("op")).isEqualTo("u");
        assertThat(update.getStruct("before").getString("status")).isEqualTo("paid");
        assertThat(update.getStruct("after").getString("status")).isEqualTo("shipped");
        assertThat(update.getStruct("after").get("amount")).isEqualTo(new BigDecimal("19.90"));

        List<SourceRecord> key = records(Fixtures.canal("update-key"));
        assertThat(key).hasSize(5);
        assertThat(value(key.get(1)).getString("op")).isEqualTo("d");
        assertThat(((Struct) key.get(1).key()).get("id")).isEqualTo(7);
        assertThat(key.get(2).value()).isNull();
        assertThat(((Struct) key.get(2).key()).get("id")).isEqualTo(7);
        assertThat(value(key.get(3)).getString("op")).isEqualTo("c");
        assertThat(((Struct) key.get(3).key()).get("id")).isEqualTo(70);
    }

    @Test
    void aDeleteIsFollowedByItsTombstone() throws Exception {
        List<SourceRecord> out = records(Fixtures.canal("delete"));
        assertThat(value(out.get(1)).getString("op")).isEqualTo("d");
        assertThat(value(out.get(1)).getStruct("before").getInt32("id")).isEqualTo(70);
        assertThat(out.get(2).value()).isNull();
        assertThat(out.get(2).topic()).isEqualTo("tidb1.shop.orders");
    }

    @Test
    void aMultiRowTransactionIsWrappedInBeginAndEndWithItsOrder() throws Exception {
        CdcEvent a = Fixtures.canal("update");
        CdcEvent b = CdcEvent.row(new TableId("shop", "orders"), "c", null, Map.of("id", "8", "status", "new", "amount", "1.00"),
                a.commitTs());
        CdcEvent c = CdcEvent.row(new TableId("shop", "all_types"), "c", null, Map.of("id", "9"), a.commitTs());
        List<SourceRecord> out = records(a, b, c);
        assertThat(out).hasSize(5);
        Struct begin = value(out.get(0));
        assertThat(begin.getString("status")).isEqualTo("BEGIN");
        assertThat(begin.getString("id")).isEqualTo(Long.toString(a.commitTs()));
        List<String> order = out.subList(1, 4).stream().map(r -> {
            Struct tx = value(r).getStruct("transaction");
            return tx.getString("id") + "/" + tx.getInt64("total_order") + "/" + tx.getInt64("data_collection_order");
        }).toList();
        String id = Long.toString(a.commitTs());
        assertThat(order).containsExactly(id + "/1/1", id + "/2/2", id + "/3/1");
        Struct end = value(out.get(4));
        assertThat(end.getString("status")).isEqualTo("END");
        assertThat(end.getInt64("event_count")).isEqualTo(3L);
        assertThat(end.getArray("data_collections")).extracting(s -> ((Struct) s).getString("data_collection") + "="
                + ((Struct) s).getInt64("event_count")).containsExactly("shop.orders=2", "shop.all_types=1");
        assertThat(out.subList(0, 4)).allMatch(r -> r.sourceOffset().equals(OFFSET));
        assertThat(out.get(4).sourceOffset()).isEqualTo(END);
    }

    @Test
    void aDdlEventIsASchemaChangeAndLaterRowsHaveTheNewColumn() throws Exception {
        List<SourceRecord> ddl = records(Fixtures.canal("ddl"));
        assertThat(ddl).extracting(SourceRecord::topic).containsExactly("tidb1", "tidb1.shop.orders");
        Struct change = value(ddl.get(0));
        assertThat(change.getString("ddl")).contains("ADD COLUMN `note`");
        assertThat(change.getString("databaseName")).isEqualTo("shop");
        assertThat(change.getArray("tableChanges")).hasSize(1);
        assertThat(((Struct) change.getArray("tableChanges").get(0)).getString("type")).isEqualTo("ALTER");
        assertThat(ddl.get(1).headers().lastWithName("tandem.ddl.copy")).isNotNull();
        assertThat(ddl.get(0).key()).as("Debezium's schema-change key on the schema change topic").isNotNull();
        assertThat(ddl.get(1).key()).as("no key in the table topic, whose key is the row key").isNull();
        assertThat(ddl.get(1).keySchema()).isNull();
        CdcEvent row = CdcEvent.row(new TableId("shop", "orders"), "c", null,
                Map.of("id", "11", "status", "new", "amount", "1.00", "note", "gift"), 466006626042593281L);
        assertThat(value(records(row).get(1)).getStruct("after").getString("note")).isEqualTo("gift");
    }

    @Test
    void aColumnTheTableDoesNotHaveFailsNamingTableAndColumn() {
        CdcEvent row = CdcEvent.row(new TableId("shop", "orders"), "c", null, Map.of("id", "11", "colour", "red"), 5L);
        assertThatThrownBy(() -> records(row)).hasMessageContaining("shop.orders").hasMessageContaining("[colour]");
    }

    @Test
    void aValueThatDoesNotFitItsColumnFailsNamingIt() {
        CdcEvent row = CdcEvent.row(new TableId("shop", "orders"), "c", null, Map.of("id", "eleven"), 5L);
        assertThatThrownBy(() -> records(row)).hasMessageContaining("shop.orders").hasMessageContaining("column id");
    }
}
