package dev.tandem.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tandem.it.SinkApplyScenario.flat;
import static dev.tandem.it.SinkApplyScenario.produce;
import static dev.tandem.it.SourceCaptureIT.binlogReader;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink connector, loaded from its plugin zip, applying to a real MariaDB: the behaviour of
 * {@link SinkApplyScenario} (written once for every destination); every column type
 * round-trips from a source server through our source and sink; records of the sink's own region
 * are dropped and every applied transaction begins with the checkpoint row naming its origin (read
 * back from the destination's binlog with our source); a poison record goes to the dead-letter queue.
 */
class SinkApplyIT implements SinkApplyScenario {

    static final String SINK = "dev.tandem.sink.OceanBaseSinkConnector";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("sink-source");
        dest = MariaDbServer.start("sink-dest");
        connect = ConnectCluster.builder().name("sink-apply").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    static Map<String, String> sinkConfig(MariaDbServer dest, String topics, String tableFormat) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SINK);
        c.put("tasks.max", "1");
        c.put("topics", topics);
        c.put("connection.url", "jdbc:mariadb://" + dest.host() + ":" + dest.port() + "/");
        c.put("connection.user", dest.user());
        c.put("connection.password", dest.password());
        c.put("tandem.table.name.format", tableFormat);
        return c;
    }

    @Test
    void everyColumnTypeRoundTripsExactlyThroughSourceAndSink() throws Exception {
        String db = source.createDatabase("roundtrip");
        String copy = "copy_" + db;
        String columns = "t_tiny, t_small_u, t_int, t_int_u, t_big, t_big_u, t_dec, t_float, t_double, t_date, t_time, "
                + "t_datetime, t_ts, t_char, t_varchar, t_text, t_blob, t_json, t_enum, t_set, t_bit, t_null";
        // With 200 copies of row 1 and 50 of row 2, the snapshot reaches the sink in a transaction of more than 100
        // rows of the table: those are written with LOAD DATA (tandem.load.data), the later changes with statements.
        source.execute(db, Fixtures.ALL_TYPES_TABLE, Fixtures.ALL_TYPES_ROW_1, Fixtures.ALL_TYPES_ROW_2,
                "INSERT INTO all_types (id, " + columns + ") SELECT 1000 + seq, " + columns + " FROM all_types, seq_1_to_200 WHERE id = 1",
                "INSERT INTO all_types (id, " + columns + ") SELECT 2000 + seq, " + columns + " FROM all_types, seq_1_to_50 WHERE id = 2");
        Map<String, String> src = sourceConfig(connect, source, "rt", 6601);
        src.put("tandem.objects", db + ".all_types");
        connect.configure("rt-source", src);
        String topic = "rt." + db + ".all_types";
        await("the snapshot in " + topic).atMost(TIMEOUT).ignoreExceptions().until(() -> connect.recordCount(topic, 1) >= 252);
        Map<String, String> sink = sinkConfig(dest, topic, copy + ".${table}");
        // This table's records are ~12 KB in JSON with schemas: the consumer's default 1 MB per partition and fetch
        // would hand the task about 80 at a time.
        sink.put("consumer.override.max.partition.fetch.bytes", "16777216");
        assertThat(connect.validationErrors(SINK, sink)).isEmpty();
        connect.configure("rt-sink", sink);
        connect.awaitRunning("rt-sink", 1, TIMEOUT);

        awaitSame(db, copy, "all_types");
        assertThat(TableComparison.columns(dest, copy, "all_types")).as("column types of the created table")
                .isEqualTo(TableComparison.columns(source, db, "all_types"));

        assertThat(DebeziumMetrics.pluginMetric("rt-sink", "rows-loaded-total")).as("snapshot rows written with LOAD DATA")
                .isGreaterThanOrEqualTo(100.0);
        assertThat(DebeziumMetrics.pluginMetric("rt-sink", "load-data-fallbacks-total")).isZero();

        source.execute(db, "DELETE FROM all_types WHERE id > 1000",
                "UPDATE all_types SET t_varchar = 'changed 🚀', t_dec = -0.0000000001, t_bit = b'1', "
                        + "t_time = '-838:59:59.000000', t_set = '' WHERE id = 1",
                "INSERT INTO all_types (id, t_json, t_date, t_blob) VALUES (3, '[]', '1000-01-01', X'')",
                "DELETE FROM all_types WHERE id = 2");
        source.transaction(db, "UPDATE all_types SET t_int = 1 WHERE id = 3", "UPDATE all_types SET t_int = 2 WHERE id = 3",
                "INSERT INTO all_types (id) VALUES (4)", "DELETE FROM all_types WHERE id = 4");
        awaitSame(db, copy, "all_types");
        assertThat(TableComparison.rows(dest, copy, "all_types")).extracting(r -> r.get("id")).containsExactly("1", "3");

        // The sink's metrics are on JMX, in the task's plugin-metrics bean.
        assertThat(DebeziumMetrics.pluginMetric("rt-sink", "records-applied-total")).isGreaterThanOrEqualTo(5.0);
        assertThat(DebeziumMetrics.pluginMetric("rt-sink", "transactions-committed-total")).isPositive();
        assertThat(DebeziumMetrics.pluginMetric("rt-sink", "last-applied-source-timestamp-ms")).isPositive();
        connect.delete("rt-sink");
        connect.delete("rt-source");
    }

    private static void awaitSame(String db, String copy, String table) {
        await("destination " + copy + "." + table + " equals the source").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> assertThat(TableComparison.rows(dest, copy, table))
                        .isEqualTo(TableComparison.rows(source, db, table)));
    }

    @Override
    public ConnectCluster connect() {
        return connect;
    }

    @Override
    public ScenarioServer destination() {
        return ScenarioServer.of(dest);
    }

    @Override
    public String driver() {
        return "mariadb";
    }

    @Test
    void recordsOfTheSinksOwnRegionAreDroppedAndEachTransactionBeginsWithItsOriginsCheckpoint() throws Exception {
        String db = "origin_db";
        String topic = "region." + db + ".t";
        connect.createTopic(topic, 1);
        produce(connect, List.of(flat(topic, 1, "from east", "east"), flat(topic, 2, "made in west", "west"),
                flat(topic, 3, "from east too", "east"), flat(topic, 1, "east again", "east"),
                flat(topic, 4, "no header", null)));
        Map<String, String> sink = sinkConfig(dest, topic, "${db}.${table}");
        sink.put("tandem.region", "west");
        sink.put("tandem.source.region", "north");
        // Read with Tandem's converter from the smt plugin (same wire format as JsonConverter).
        sink.put("key.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        sink.put("value.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        connect.configure("origin-sink", sink);
        connect.awaitRunning("origin-sink", 1, TIMEOUT);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dest.query(db, "SELECT id, v FROM t ORDER BY id"))
                .extracting(r -> r.get("id") + "=" + r.get("v"))
                .containsExactly("1=east again", "3=from east too", "4=no header"));
        assertThat(dest.query("tandem", "SELECT origin, kafka_offset FROM tandem_checkpoint WHERE connector = 'origin-sink'"))
                .singleElement().satisfies(r -> {
                    assertThat(r.get("origin")).isEqualTo("north");
                    assertThat(((Number) r.get("kafka_offset")).longValue()).isEqualTo(4L);
                });

        // Read the destination's binlog with our source (as region west's source would): the checkpoint row comes
        // first in each transaction that changed origin_db.t, naming the transaction's origin.
        Map<String, String> binlog = binlogReader(connect, dest, "westlog", 6602, db + ".t", "west");
        connect.configure("west-binlog", binlog);
        List<ChangeEvent> data = ChangeEvent.of(connect.consume(3, TIMEOUT, "westlog." + db + ".t"));
        // Other tests' sinks write checkpoint rows to the same server: keep this connector's.
        List<ChangeEvent> markers = new java.util.ArrayList<>();
        await().atMost(TIMEOUT).until(() -> {
            markers.clear();
            ChangeEvent.of(connect.consumeAll(Duration.ofSeconds(10), "westlog.tandem.tandem_checkpoint")).stream()
                    .filter(e -> "origin-sink".equals(e.after().path("connector").asText()) && !e.isCheckpointClaim())
                    .forEach(markers::add);
            return markers.size() >= 2;
        });
        Map<String, ChangeEvent> markerByTransaction = markers.stream()
                .collect(Collectors.toMap(ChangeEvent::transactionId, e -> e, (a, b) -> a));
        for (ChangeEvent row : data) {
            ChangeEvent marker = markerByTransaction.get(row.transactionId());
            assertThat(marker).as("a checkpoint row in the transaction of " + row + " (" + row.transactionId() + "); markers: "
                    + markers.stream().map(m -> m.transactionId() + " " + m.after()).toList()).isNotNull();
            assertThat(marker.transactionOrder()).as("the checkpoint row comes first").isEqualTo(1);
            assertThat(row.transactionOrder()).isGreaterThan(1);
            assertThat(marker.after().path("origin").asText()).isIn("east", "north");
        }
        assertThat(data).extracting(e -> e.keyField("id")).doesNotContain("2");
        assertThat(markers).extracting(e -> e.after().path("origin").asText()).containsExactly("east", "north");
        connect.delete("west-binlog");
        connect.delete("origin-sink");
    }

    @Test
    void rowsWrittenWithLoadDataCommitAfterTheirCheckpointRowAndAppearInTheBinlogAsRows() throws Exception {
        String db = "load_db";
        String topic = "region." + db + ".t";
        connect.createTopic(topic, 1);
        List<ProducerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        for (int id = 1; id <= 300; id++) {
            records.add(snapshotRead(topic, db, "t", id, "row " + id + "\twith a tab"));
        }
        produce(connect, records);
        Map<String, String> sink = sinkConfig(dest, topic, "${db}.${table}");
        sink.put("tandem.region", "west");
        sink.put("tandem.source.region", "east");
        connect.configure("load-sink", sink);
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(dest.queryValue(db, "SELECT COUNT(*) FROM t")
                .toString()).isEqualTo("300"));
        assertThat(dest.queryValue(db, "SELECT v FROM t WHERE id = 17")).isEqualTo("row 17\twith a tab");
        assertThat(DebeziumMetrics.pluginMetric("load-sink", "rows-loaded-total")).isGreaterThanOrEqualTo(100.0);

        // The destination's binlog, read by our source as west's would: every loaded row is a row event in a
        // transaction whose first row is this sink's checkpoint naming the origin, so the loop marker holds.
        Map<String, String> binlog = binlogReader(connect, dest, "loadlog", 6603, db + ".t", "west");
        connect.configure("load-binlog", binlog);
        List<ChangeEvent> data = ChangeEvent.of(connect.consume(300, TIMEOUT, "loadlog." + db + ".t"));
        Map<String, ChangeEvent> markerByTransaction = new java.util.HashMap<>();
        await().atMost(TIMEOUT).until(() -> {
            ChangeEvent.of(connect.consumeAll(Duration.ofSeconds(10), "loadlog.tandem.tandem_checkpoint")).stream()
                    .filter(e -> "load-sink".equals(e.after().path("connector").asText()) && !e.isCheckpointClaim())
                    .forEach(e -> markerByTransaction.putIfAbsent(e.transactionId(), e));
            return data.stream().allMatch(r -> markerByTransaction.containsKey(r.transactionId()));
        });
        assertThat(data).hasSize(300).allSatisfy(row -> {
            ChangeEvent marker = markerByTransaction.get(row.transactionId());
            assertThat(marker.transactionOrder()).as("the checkpoint row comes first").isEqualTo(1);
            assertThat(marker.after().path("origin").asText()).isEqualTo("east");
            assertThat(row.transactionOrder()).isGreaterThan(1);
        });
        connect.delete("load-binlog");
        connect.delete("load-sink");
    }

    /** A Debezium snapshot read (op=r) of row {id, v} of db.table, JSON with schema. */
    private static ProducerRecord<byte[], byte[]> snapshotRead(String topic, String db, String table, int id, String v)
            throws Exception {
        Map<String, Object> row = Map.of("type", "struct", "optional", true, "fields", List.of(
                Map.of("field", "id", "type", "int32", "optional", false),
                Map.of("field", "v", "type", "string", "optional", true)));
        Map<String, Object> before = new LinkedHashMap<>(row);
        before.put("field", "before");
        Map<String, Object> after = new LinkedHashMap<>(row);
        after.put("field", "after");
        Map<String, Object> source = Map.of("field", "source", "type", "struct", "optional", false, "fields", List.of(
                Map.of("field", "db", "type", "string", "optional", false),
                Map.of("field", "table", "type", "string", "optional", true)));
        Map<String, Object> envelopeSchema = Map.of("type", "struct", "optional", false, "fields", List.of(before, after, source,
                Map.of("field", "op", "type", "string", "optional", false)));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("before", null);
        payload.put("after", Map.of("id", id, "v", v));
        payload.put("source", Map.of("db", db, "table", table));
        payload.put("op", "r");
        Map<String, Object> keySchema = Map.of("type", "struct", "optional", false,
                "fields", List.of(Map.of("field", "id", "type", "int32", "optional", false)));
        return new ProducerRecord<>(topic, 0, JSON.writeValueAsBytes(Map.of("schema", keySchema, "payload", Map.of("id", id))),
                JSON.writeValueAsBytes(Map.of("schema", envelopeSchema, "payload", payload)));
    }

    @Test
    void fullMigrationRefusesANonEmptyTableUnlessAllowedAndCanKeepTheRowsThere() throws Exception {
        String db = dest.createDatabase("nonempty");
        dest.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'already here')");
        String topic = "snap." + db + ".t";
        connect.createTopic(topic, 1);
        produce(connect, List.of(snapshotRead(topic, db, "t", 1, "from source"), snapshotRead(topic, db, "t", 2, "from source")));

        connect.configure("refuse-sink", sinkConfig(dest, topic, "${db}.${table}"));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(connect.rest().statusSummary())
                .contains("refuse-sink=RUNNING task0=FAILED"));
        assertThat(connect.rest().status("refuse-sink").path("tasks").get(0).path("trace").asText())
                .contains("Destination table " + db + ".t already has rows").contains("tandem.destination.nonempty");
        assertThat(dest.query(db, "SELECT v FROM t ORDER BY id")).extracting(r -> r.get("v")).containsExactly("already here");
        connect.delete("refuse-sink");

        Map<String, String> keep = sinkConfig(dest, topic, "${db}.${table}");
        keep.put("tandem.destination.nonempty", "keep");
        connect.configure("keep-sink", keep);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dest.query(db, "SELECT id, v FROM t ORDER BY id"))
                .extracting(r -> r.get("id") + "=" + r.get("v")).containsExactly("1=already here", "2=from source"));
        connect.delete("keep-sink");
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterQueueWithItsReasonAndTheOthersAreApplied() throws Exception {
        String db = dest.createDatabase("poison");
        dest.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5))");
        String topic = "poison." + db + ".t";
        connect.createTopic(topic, 1);
        ProducerRecord<byte[], byte[]> keyless = new ProducerRecord<>(topic, 0, null,
                JSON.writeValueAsBytes(Map.of("schema", Map.of("type", "string"), "payload", "not a row")));
        produce(connect, List.of(flat(topic, 1, "ok", null), flat(topic, 2, "far too long for five", null), keyless,
                flat(topic, 3, "fine", null)));
        Map<String, String> sink = sinkConfig(dest, topic, "${db}.${table}");
        sink.put("errors.tolerance", "all");
        sink.put("errors.deadletterqueue.topic.name", "poison-dlq");
        sink.put("errors.deadletterqueue.topic.replication.factor", "1");
        sink.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configure("poison-sink", sink);
        connect.awaitRunning("poison-sink", 1, TIMEOUT);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dest.query(db, "SELECT id FROM t ORDER BY id"))
                .extracting(r -> r.get("id")).containsExactly(1, 3));
        List<ChangeEvent> dead = ChangeEvent.of(connect.consume(2, TIMEOUT, "poison-dlq"));
        assertThat(dead).extracting(e -> e.headers().get("__connect.errors.exception.message"))
                .anySatisfy(m -> assertThat(m).contains("poison." + db + ".t-0@1").contains("Data too long"))
                .anySatisfy(m -> assertThat(m).contains("poison." + db + ".t-0@2").contains("has no key and is not a change event"));
        connect.delete("poison-sink");
    }
}
