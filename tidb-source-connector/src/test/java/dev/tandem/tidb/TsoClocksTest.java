package dev.tandem.tidb;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.StartPosition;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.tidb.cdc.CanalJsonDecoder;
import dev.tandem.tidb.cdc.ChangeEvents;
import dev.tandem.tidb.cdc.ChangeEventsTest;
import dev.tandem.tidb.cdc.ColumnValues;
import io.debezium.data.Envelope;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot path over the MySQL protocol on a real MariaDB, with the TiDB-only statements
 * replaced by the system-versioning stand-in: a pinned connection reads the tables as they were at
 * the marked point, Debezium's parser reads their definitions, and a row read by the snapshot path
 * becomes the same envelope as the same row decoded from a TiCDC canal-json message.
 */
class TsoClocksTest {

    private static MariaDbServer db;
    private static String shop;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("tso-clock");
        shop = db.createDatabase("shop");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static SnapshotEvents events() throws Exception {
        Map<String, String> p = new java.util.HashMap<>();
        p.put("name", "tidb-clock");
        p.put(TidbSourceConfig.HOST, db.host());
        p.put(TidbSourceConfig.PORT, Integer.toString(db.port()));
        p.put(TidbSourceConfig.USER, db.user());
        p.put(TidbSourceConfig.PASSWORD, db.password());
        p.put(TidbSourceConfig.PREFIX, "clock");
        p.put(TidbSourceConfig.SNAPSHOT_MODE, "initial_only");
        return SnapshotEvents.open(DebeziumFormat.MYSQL, new TidbSourceConfig(p).debeziumProperties());
    }

    private static List<String> rows(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, status FROM " + shop + "." + table
                + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void aPinnedConnectionReadsSystemVersionedTablesAsOfTheMark() throws Exception {
        db.execute(shop, "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(16)) WITH SYSTEM VERSIONING",
                "INSERT INTO orders VALUES (1, 'new'), (2, 'new'), (3, 'new')");
        Thread.sleep(5); // the mark falls strictly after those rows' start time
        try (SnapshotEvents events = events()) {
            events.readDefinitionsThrough(TsoClocks.SYSTEM_VERSIONING::definition);
            StartPosition mark = TsoClocks.SYSTEM_VERSIONING.mark(events);
            long tso = TsoClocks.tso(mark);
            assertThat(tso >>> 18).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 60_000);
            Thread.sleep(5);
            db.transaction(shop, "UPDATE orders SET status = 'paid' WHERE id = 1", "DELETE FROM orders WHERE id = 2",
                    "INSERT INTO orders VALUES (4, 'new')");
            Connection c = events.jdbc();
            TsoClocks.SYSTEM_VERSIONING.pin(c, mark);
            assertThat(rows(c, "orders")).containsExactly("1=new", "2=new", "3=new");
            SnapshotEvents.Shape shape = events.shape(new TableId(shop, "orders"));
            assertThat(shape.table().retrieveColumnNames()).containsExactly("id", "status"); // row_start/row_end stay hidden
            assertThat(events.capturedTables(null)).containsKey(new TableId(shop, "orders"));
            TsoClocks.SYSTEM_VERSIONING.unpin(c);
            assertThat(rows(c, "orders")).containsExactly("1=paid", "3=new", "4=new");
        }
    }

    @Test
    void theTidbClockRefusesAServerThatIsNotTidb() throws Exception {
        try (SnapshotEvents events = events()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TsoClocks.TIDB.mark(events))
                    .hasMessageContaining("tidb_current_ts");
        }
    }

    @Test
    void aRowReadBySnapshotIsTheSameEnvelopeAsTheSameRowFromCanalJson() throws Exception {
        db.execute(shop, ChangeEventsTest.ALL_TYPES, "SET time_zone = '+00:00'", "INSERT INTO all_types VALUES (1, -128, 255, "
                + "-32768, 8388607, 4294967295, -9223372036854775808, 18446744073709551615, 123.456, 1.5, 2.25, b'1', "
                + "b'1000000001', 'abc', 'h\u00e9llo w\u00f6rld', 'text', X'0102FF00', X'05070A0F24322B63783C26FFFE2D3746', "
                + "'blob', '2026-05-01', '2026-05-01 10:20:30.123456', '2026-05-01 10:20:30.123', '12:34:56.789012', 2026, "
                + "'b', 'a,c', '{\"k\": [1, 2]}')");
        db.execute(shop, ChangeEventsTest.MORE_TYPES, "SET time_zone = '+00:00'", "INSERT INTO more_types VALUES (1, TRUE, "
                + "'tiny', 'medium', 'long', X'0001', 'mb', X'FF', '2026-05-01 10:20:30', '2026-05-01 10:20:30.123456', "
                + "'23:59:59', '-01:02:03.500', -12345678901234.123456, -0.000125, -3.25, X'FFFFFFFFFFFFFFFF', 1999, 'x', '', "
                + "'', X'', '[1, \"a\", null]', '\ud83d\ude00\u6f22\u5b57')");
        try (SnapshotEvents events = events()) {
            for (String table : List.of("all_types", "more_types")) {
                TableId id = new TableId(shop, table);
                SnapshotEvents.Shape shape = events.shape(id);
                Object[] row;
                try (Statement s = events.jdbc().createStatement();
                     ResultSet rs = s.executeQuery("SELECT " + String.join(", ", shape.quotedColumns()) + " FROM " + shop
                             + "." + table)) {
                    rs.next();
                    row = events.row(rs, shape, events.columns(rs, shape));
                }
                Struct source = events.source(id, "", 1, Instant.now(), true);
                SourceRecord snapshot = events.change(shape, Envelope.Operation.CREATE, null, row, source, null, Map.of(),
                        Map.of());

                ChangeEvents changes = new ChangeEvents("clock", events, new ColumnValues(ZoneId.of("UTC")), false,
                        Map.of("topic.prefix", "clock"));
                changes.table(shape);
                String message = new String(TsoClocksTest.class.getResourceAsStream("/ticdc/canal-json/insert-"
                        + table.replace('_', '-') + ".json").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\"database\": \"shop\"", "\"database\": \"" + shop + "\"");
                var event = new CanalJsonDecoder().decode(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(0);
                SourceRecord streamed = changes.transaction(List.of(event), Map.of(), Map.of()).get(1);

                assertThat(fields(((Struct) streamed.value()).getStruct("after"))).as(table)
                        .usingRecursiveComparison().isEqualTo(fields(((Struct) snapshot.value()).getStruct("after")));
                assertThat(streamed.valueSchema().field("after").schema()).as(table)
                        .isEqualTo(snapshot.valueSchema().field("after").schema());
                assertThat(streamed.key()).as(table).isEqualTo(snapshot.key());
            }
        }
    }

    private static Map<String, Object> fields(Struct row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.schema().fields().forEach(f -> {
            Object v = row.get(f);
            if (v instanceof ByteBuffer b) {
                byte[] bytes = new byte[b.remaining()];
                b.duplicate().get(bytes);
                v = bytes;
            }
            out.put(f.name(), v);
        });
        return out;
    }
}
