package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source connector, loaded from its plugin zip, capturing a real MariaDB: the behaviour of
 * {@link SourceCaptureScenario} (written once for every binlog server); snapshot and binlog,
 * migration types, start positions, DML types and object selection.
 */
class SourceCaptureIT implements SourceCaptureScenario {

    static final String SOURCE = "dev.tandem.source.OceanBaseSourceConnector";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static ConnectCluster connect;
    private static MariaDbServer db;
    private static int connectors;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("source");
        connect = ConnectCluster.builder().name("source-capture").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, db);
    }

    @Override
    public ConnectCluster connect() {
        return connect;
    }

    @Override
    public ScenarioServer source() {
        return ScenarioServer.of(db);
    }

    @Override
    public String flavor() {
        return "mariadb";
    }

    @Override
    public boolean isTransactionId(String id) {
        return id.matches("\\d+-\\d+-\\d+"); // MariaDB's GTID: domain-server-sequence
    }

    /** A source config for one test: its own topic prefix, server id and connector name. */
    static Map<String, String> sourceConfig(ConnectCluster connect, MariaDbServer db, String prefix, int serverId) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SOURCE);
        c.put("tasks.max", "1");
        c.put("database.hostname", db.host());
        c.put("database.port", Integer.toString(db.port()));
        c.put("database.user", db.user());
        c.put("database.password", db.password());
        c.put("database.server.id", Integer.toString(serverId));
        c.put("topic.prefix", prefix);
        c.put("schema.history.internal.kafka.bootstrap.servers", connect.bootstrapServers());
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "-1");
        return c;
    }

    /**
     * Our source reading {@code db}'s binlog from its first event, as the region {@code region}'s own
     * source would (incremental only): what a sink's transactions look like in its destination's binlog.
     */
    static Map<String, String> binlogReader(ConnectCluster connect, MariaDbServer db, String prefix, int serverId,
                                            String objects, String region) {
        Map<String, String> c = sourceConfig(connect, db, prefix, serverId);
        c.put("tandem.objects", objects);
        c.put("tandem.region", region);
        c.put("tandem.migration.types", "incremental");
        c.put("tandem.incremental.start", "binlog:" + db.query("", "SHOW BINARY LOGS").get(0).get("Log_name") + ":4");
        return c;
    }

    private static String nextPrefix() {
        return "src" + (++connectors);
    }

    private static List<ChangeEvent> read(int count, String topic) {
        return ChangeEvent.of(connect.consume(count, TIMEOUT, topic));
    }

    @Test
    void snapshotThenBinlogCarryEveryCommonColumnTypeOnceInCommitOrder() {
        String schema = db.createDatabase("types");
        db.execute(schema, Fixtures.ALL_TYPES_TABLE, Fixtures.ALL_TYPES_ROW_1, Fixtures.ALL_TYPES_ROW_2);
        String prefix = nextPrefix();
        Map<String, String> config = sourceConfig(connect, db, prefix, 6101);
        config.put("tandem.objects", schema + ".all_types");
        connect.configure("types", config);
        connect.awaitRunning("types", 1, TIMEOUT);
        String topic = prefix + "." + schema + ".all_types";

        List<ChangeEvent> snapshot = read(2, topic);
        assertThat(snapshot).extracting(ChangeEvent::op).containsOnly("r");
        ChangeEvent row = snapshot.stream().filter(e -> e.keyField("id").equals("1")).findFirst().orElseThrow();
        assertThat(row.field("t_tiny")).isEqualTo(-128L);
        assertThat(row.field("t_small_u")).isEqualTo(65535L);
        assertThat(row.field("t_int")).isEqualTo(-2147483648L);
        assertThat(row.field("t_int_u")).isEqualTo(4294967295L);
        assertThat(row.field("t_big")).isEqualTo(Long.MIN_VALUE);
        assertThat(row.field("t_big_u")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(row.field("t_dec")).isEqualTo(new BigDecimal("1234567890123456789012345678.0123456789"));
        assertThat((Double) row.field("t_float")).isEqualTo(1.5);
        assertThat(row.field("t_double")).isEqualTo(2.718281828459045);
        assertThat(row.field("t_date")).isEqualTo(LocalDate.of(2024, 2, 29).toEpochDay());
        assertThat(row.field("t_time")).isEqualTo(((23 * 60 + 59) * 60 + 59) * 1_000_000L + 999_999L);
        assertThat(row.field("t_datetime")).isEqualTo(java.time.LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000)
                .toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L + 123_456L);
        assertThat((String) row.field("t_ts")).startsWith("2024-02-29T").contains(".654321");
        assertThat(row.field("t_char")).isEqualTo("abc");
        assertThat(row.field("t_varchar")).isEqualTo("héllo 😀 wörld");
        assertThat(row.field("t_text")).isEqualTo("t".repeat(1000));
        assertThat((byte[]) row.field("t_blob")).containsExactly(0x00, 0xFF, 0x10);
        assertThat(row.field("t_json")).isEqualTo("{\"a\": [1, 2, {\"b\": null}]}");
        assertThat(row.field("t_enum")).isEqualTo("large");
        assertThat(row.field("t_set")).isEqualTo("x,z");
        // BIT(10) b'1010101010' = 682: Debezium's io.debezium.data.Bits, little-endian bytes
        byte[] bits = (byte[]) row.field("t_bit");
        assertThat((bits[0] & 0xFF) | (bits[1] & 0xFF) << 8).isEqualTo(682);
        assertThat(row.field("t_null")).isNull();
        assertThat(row.columns()).hasSize(23);

        db.execute(schema, "INSERT INTO all_types (id, t_varchar) VALUES (3, 'third')");
        db.execute(schema, "UPDATE all_types SET t_varchar = 'changed 🚀', t_dec = -0.0000000001 WHERE id = 1");
        db.execute(schema, "DELETE FROM all_types WHERE id = 2");
        db.execute(schema, "UPDATE all_types SET t_int = 7 WHERE id = 3");
        db.execute(schema, "UPDATE all_types SET t_int = 8 WHERE id = 3");

        // 2 snapshot rows, then c, u, d + tombstone, u, u
        List<ChangeEvent> all = read(8, topic);
        List<ChangeEvent> stream = all.subList(2, all.size());
        assertThat(stream).extracting(e -> e.keyField("id") + ":" + e.op())
                .containsExactly("3:c", "1:u", "2:d", "2:null", "3:u", "3:u");
        assertThat(stream.get(1).field("t_varchar")).isEqualTo("changed 🚀");
        assertThat(stream.get(1).field("t_dec")).isEqualTo(new BigDecimal("-0.0000000001"));
        assertThat(stream.get(1).before().path("t_varchar").asText()).isEqualTo("héllo 😀 wörld");
        assertThat(stream.get(2).field("t_varchar")).isEqualTo("second");
        assertThat(stream.get(4).field("t_int")).isEqualTo(7L);
        assertThat(stream.get(5).field("t_int")).isEqualTo(8L);
        assertThat(stream.get(0).transactionId()).as("transaction metadata is on").isNotBlank();
        assertThat(stream.get(0).source().path("db").asText()).isEqualTo(schema);
        assertThat(stream.get(0).source().path("table").asText()).isEqualTo("all_types");
        assertThat(all).extracting(ChangeEvent::offset).doesNotHaveDuplicates();
        connect.delete("types");
    }

    @Test
    void incrementalOnlyFromNowEmitsOnlyLaterChanges() {
        String schema = db.createDatabase("from_now");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO t VALUES (1, 'before'), (2, 'before')");
        String prefix = nextPrefix();
        Map<String, String> config = sourceConfig(connect, db, prefix, 6102);
        config.put("tandem.objects", schema + ".t");
        config.put("tandem.migration.types", "incremental");
        db.execute("", "SET GLOBAL binlog_expire_logs_seconds = 259200");
        connect.configure("from-now", config);
        connect.awaitRunning("from-now", 1, TIMEOUT);
        DebeziumMetrics.awaitStreaming(prefix, TIMEOUT);

        db.execute(schema, "INSERT INTO t VALUES (3, 'after')", "UPDATE t SET v = 'after' WHERE id = 1");
        List<ChangeEvent> events = read(2, prefix + "." + schema + ".t");
        assertThat(events).extracting(e -> e.keyField("id") + ":" + e.op()).containsExactly("3:c", "1:u");

        // The binlog retention gauges: the server's setting as read when the stream started (3 days), what an
        // incremental-only link asks for (48 h), and, caught up, the whole retention as headroom.
        assertThat(DebeziumMetrics.pluginMetric("from-now", "binlog-retention-seconds")).isEqualTo(259_200.0);
        assertThat(DebeziumMetrics.pluginMetric("from-now", "binlog-retention-required-seconds")).isEqualTo(48 * 3600.0);
        await().atMost(TIMEOUT).until(() -> DebeziumMetrics.pluginMetric("from-now", "binlog-retention-headroom-seconds") == 259_200.0);
        connect.delete("from-now");
        db.execute("", "SET GLOBAL binlog_expire_logs_seconds = 0");
    }

    @Test
    void incrementalOnlyFromABinlogPositionEmitsWhatCameAfterIt() {
        String schema = db.createDatabase("from_pos");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'before')");
        Map<String, Object> status = db.query("", "SHOW MASTER STATUS").get(0);
        assertStartsAfter(schema, "binlog:" + status.get("File") + ":" + status.get("Position"), "from-pos", 6103);
    }

    @Test
    void incrementalOnlyFromAGtidPositionEmitsWhatCameAfterIt() {
        String schema = db.createDatabase("from_gtid");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'before')");
        assertStartsAfter(schema, "gtid:" + db.queryValue("", "SELECT @@gtid_binlog_pos"), "from-gtid", 6106);
    }

    @Test
    void incrementalOnlyFromATimestampEmitsTheTransactionsCommittedFromThen() throws InterruptedException {
        String schema = db.createDatabase("from_time");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'before')");
        Thread.sleep(2_100); // binlog times are whole seconds, and the locator includes the second before the moment
        Object now = db.queryValue("", "SELECT UNIX_TIMESTAMP()");
        assertStartsAfter(schema, "timestamp:" + now, "from-time", 6107);
    }

    /** Writes two changes after the position is taken, starts an incremental-only link from it, expects just those. */
    private void assertStartsAfter(String schema, String position, String name, int serverId) {
        db.execute(schema, "INSERT INTO t VALUES (2, 'after')", "DELETE FROM t WHERE id = 1");
        String prefix = nextPrefix();
        Map<String, String> config = sourceConfig(connect, db, prefix, serverId);
        config.put("tandem.objects", schema + ".t");
        config.put("tandem.migration.types", "incremental");
        config.put("tandem.incremental.start", position);
        connect.configure(name, config);
        connect.awaitRunning(name, 1, TIMEOUT);

        List<ChangeEvent> events = read(3, prefix + "." + schema + ".t");
        assertThat(events).as("from " + position).extracting(e -> e.keyField("id") + ":" + e.op())
                .containsExactly("2:c", "1:d", "1:null");
        connect.delete(name);
    }

    @Test
    void onlyTheSelectedDmlTypesAreForwarded() {
        String schema = db.createDatabase("dml");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 0)");
        String prefix = nextPrefix();
        Map<String, String> config = sourceConfig(connect, db, prefix, 6104);
        config.put("tandem.objects", schema + ".t");
        config.put("tandem.dml.types", "insert,delete");
        connect.configure("dml", config);
        connect.awaitRunning("dml", 1, TIMEOUT);
        DebeziumMetrics.awaitStreaming(prefix, TIMEOUT);

        db.execute(schema, "UPDATE t SET v = 1 WHERE id = 1", "INSERT INTO t VALUES (2, 0)", "UPDATE t SET v = 2 WHERE id = 2",
                "DELETE FROM t WHERE id = 1");
        List<ChangeEvent> events = read(4, prefix + "." + schema + ".t");
        assertThat(events).extracting(e -> e.keyField("id") + ":" + e.op()).containsExactly("1:r", "2:c", "1:d", "1:null");
        connect.delete("dml");
    }

    @Test
    void matchRulesExclusionsAndTheObjectsFileSelectExactlyTheIntendedTables() throws Exception {
        String schema = db.createDatabase("select");
        List<String> statements = new ArrayList<>();
        for (String t : List.of("orders_1", "orders_2", "orders_tmp", "customers", "audit")) {
            statements.add("CREATE TABLE " + t + " (id INT PRIMARY KEY)");
            statements.add("INSERT INTO " + t + " VALUES (1)");
        }
        db.execute(schema, statements.toArray(String[]::new));
        Path csv = Files.createTempFile("objects", ".csv");
        Files.writeString(csv, "database,table,target,where\n" + schema + ",customers,crm_customers,\"id > 0\"\n",
                StandardCharsets.UTF_8);
        String prefix = nextPrefix();
        Map<String, String> config = sourceConfig(connect, db, prefix, 6105);
        config.put("tandem.objects", schema + ".orders_?");
        config.put("tandem.objects.exclude", schema + ".orders_t*");
        config.put("tandem.objects.file", csv.toString());
        connect.configure("select", config);
        connect.awaitRunning("select", 1, TIMEOUT);

        Set<String> expected = Set.of("orders_1", "orders_2", "customers");
        for (String t : expected) {
            assertThat(read(1, prefix + "." + schema + "." + t)).hasSize(1);
        }
        DebeziumMetrics.awaitStreaming(prefix, TIMEOUT);
        Set<String> topics;
        try (var admin = connect.kafka().createAdminClient()) {
            topics = admin.listTopics().names().get();
        }
        assertThat(topics.stream().filter(t -> t.startsWith(prefix + "." + schema + ".")))
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(t -> prefix + "." + schema + "." + t).toList());
        connect.delete("select");
        Files.deleteIfExists(csv);
    }
}
