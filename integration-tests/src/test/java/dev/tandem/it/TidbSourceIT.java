package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableMapping;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.verifier.Report;
import dev.tandem.verifier.Verifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The TiDB source, loaded from its plugin zip, on real Kafka, Connect and MariaDB: a snapshot at
 * one "TSO" (MariaDB's system versioning stands in for TiDB's tidb_snapshot, no TiDB runs here)
 * copied by two tasks, then a TiCDC-style canal-json topic written by {@link TicdcFeed} for the
 * changes made to the database during and after the copy (multi-row transactions spread over three
 * partitions, watermarks, a DDL); our sink applies the envelopes to another MariaDB and the
 * verifier finds it equal to the source. The worker running the source is killed in the middle of
 * the stream (exactly-once source support on): after its restart no transaction is missing and
 * none is repeated.
 */
class TidbSourceIT {

    static final String SOURCE = "dev.tandem.tidb.TidbSourceConnector";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 30_000;
    private static final int PARTITIONS = 3;

    private static ConnectCluster connect;
    private static MariaDbServer tidb;
    private static MariaDbServer dest;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        tidb = MariaDbServer.start("tidb-standin");
        dest = MariaDbServer.start("tidb-dest");
        connect = ConnectCluster.builder().name("tidb")
                .brokerProperty("transaction.state.log.replication.factor", "1")
                .brokerProperty("transaction.state.log.min.isr", "1")
                .start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, tidb, dest);
    }

    static Map<String, String> tidbSource(String prefix, String db, String cdcTopic) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", SOURCE);
        c.put("tasks.max", "2");
        c.put("database.hostname", tidb.host());
        c.put("database.port", Integer.toString(tidb.port()));
        c.put("database.user", tidb.user());
        c.put("database.password", tidb.password());
        c.put("topic.prefix", prefix);
        c.put("tandem.objects", db + ".*");
        c.put("tandem.ddl.table.topics", "true");
        c.put("tidb.snapshot.dialect", "mariadb-system-versioning");
        c.put("tidb.full.tasks", "2");
        c.put("tidb.full.chunk.size", "5000");
        c.put("tidb.full.rows.per.second", "5000"); // about 6 s of copying, for changes made meanwhile
        c.put("tidb.cdc.topic", cdcTopic);
        c.put("tidb.cdc.bootstrap.servers", connect.bootstrapServers());
        c.put("topic.creation.default.replication.factor", "-1");
        c.put("topic.creation.default.partitions", "-1");
        return c;
    }

    private static List<JsonNode> values(String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(topic)) {
            out.add(r.value() == null ? null : JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)).path("payload"));
        }
        return out;
    }

    /** Every committed record of {@code topic} (aborted transactions of a killed worker are not seen). */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Map<String, Object> props = Map.of("bootstrap.servers", connect.bootstrapServers(), "isolation.level",
                "read_committed", "key.deserializer", ByteArrayDeserializer.class.getName(), "value.deserializer",
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private static Report verify(String db, String copy) throws Exception {
        return new Verifier(new Verifier.Options(tidb.jdbcUrl(""), tidb.user(), tidb.password(), dest.jdbcUrl(""),
                dest.user(), dest.password(), ObjectSelection.of(List.of(db + ".orders"), List.of()),
                List.of(TableMapping.parse(db + ".*->" + copy + ".*", false)), List.of(), 10_000, 2, 0,
                Duration.ofSeconds(2), 5, false)).run();
    }

    @Test
    void snapshotAtATsoThenTheTicdcStreamReachTheSinkExactlyAndAKilledWorkerRepeatsNothing() throws Exception {
        String db = tidb.createDatabase("tshop");
        String copy = "copy_" + db;
        String cdcTopic = "ticdc-" + db;
        tidb.execute(db, "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(32) NOT NULL, amount DECIMAL(12,2), "
                        + "updated DATETIME(6)) WITH SYSTEM VERSIONING",
                "INSERT INTO orders SELECT seq, 'copied', seq / 100, TIMESTAMPADD(SECOND, seq, '2026-01-01 00:00:00') "
                        + "FROM seq_1_to_" + ROWS);
        connect.createTopic(cdcTopic, PARTITIONS);
        Map<String, String> sink = sinkConfig(dest, "tidb." + db + ".orders", copy + ".${table}");
        sink.put("tandem.ddl.sync", "true");
        sink.put("consumer.override.isolation.level", "read_committed");
        connect.configure("tidb-sink", sink);

        Random random = new Random(11);
        String group = "tidb-worker";
        Map<String, String> eos = Map.of("exactly.once.source.support", "enabled");
        try (TicdcFeed feed = new TicdcFeed(tidb, db, connect.bootstrapServers(), cdcTopic, PARTITIONS)) {
            ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work, eos);
            try {
                first.rest().configure("tidb-source", tidbSource("tidb", db, cdcTopic));
                // Once the plan (and with it the TSO) is recorded, every change is after the TSO: in the stream only.
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                        values("__tandem-snapshot.tidb").stream().anyMatch(p -> p != null
                                && p.path("event").asText().equals("plan")));
                AtomicBoolean writing = new AtomicBoolean(true);
                int[] nextId = {ROWS + 1};
                CompletableFuture<Void> writer = write(feed, random, nextId, "after-tso", writing);
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> values("__tandem-snapshot.tidb")
                        .stream().anyMatch(p -> p != null && p.path("event").asText().equals("copied")));
                writing.set(false);
                writer.get();
                feed.ddl("orders", "ALTER", "ALTER TABLE orders ADD COLUMN note VARCHAR(32) NULL");
                for (int i = 0; i < 20; i++) {
                    feed.transaction(List.of(TicdcFeed.Change.update("orders", 1 + i, "UPDATE orders SET note = 'after ddl "
                            + i + "' WHERE id = " + (1 + i))));
                }
                feed.watermark();
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() ->
                        "after ddl 19".equals(queryOrNull(copy, "SELECT note FROM orders WHERE id = 20")));
                // Kill the worker while a stream of transactions flows; go on writing while it is down.
                writing.set(true);
                CompletableFuture<Void> more = write(feed, random, nextId, "around the kill", writing);
                Thread.sleep(3000);
                first.kill();
                long atKill = values("tidb.transaction").stream().filter(p -> p != null
                        && "BEGIN".equals(p.path("status").asText())).count();
                System.out.printf("Worker killed with %d of %d TiCDC transactions committed to Kafka%n", atKill,
                        feed.transactions());
                Thread.sleep(2000);
                writing.set(false);
                more.get();
            } finally {
                first.kill();
            }
            feed.watermark();
            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(),
                    group, work, eos)) {
                Report report = null;
                for (int attempt = 0; attempt < 90 && (report == null || !report.clean()); attempt++) {
                    Thread.sleep(1000);
                    report = verify(db, copy);
                }
                System.out.printf("TiDB source: %,d snapshot rows, %d TiCDC transactions; verifier after the restart: %s%n",
                        ROWS, feed.transactions(), report.summary());
                assertThat(report.clean()).as(report.summary()).isTrue();
                assertThat(report.rows()).as("rows compared").isEqualTo(
                        ((Number) tidb.queryValue(db, "SELECT COUNT(*) FROM orders")).longValue());

                List<JsonNode> rows = values("tidb." + db + ".orders");
                long snapshotRows = rows.stream().filter(p -> p != null && "r".equals(p.path("op").asText())).count();
                assertThat(snapshotRows).as("snapshot rows, each once").isEqualTo(ROWS);
                assertThat(rows.stream().filter(p -> p != null && "r".equals(p.path("op").asText()))
                        .filter(p -> !p.path("after").path("status").asText().equals("copied")))
                        .as("snapshot rows read as of the TSO: none holds a change made after it").isEmpty();
                Map<String, Integer> begins = new HashMap<>();
                values("tidb.transaction").stream().filter(p -> p != null && "BEGIN".equals(p.path("status").asText()))
                        .forEach(p -> begins.merge(p.path("id").asText(), 1, Integer::sum));
                long repeated = begins.values().stream().filter(n -> n > 1).count();
                System.out.printf("Transactions emitted: %d, repeated after the kill: %d%n", begins.size(), repeated);
                assertThat(begins.size()).as("every TiCDC transaction of a captured table").isEqualTo(feed.transactions());
                assertThat(repeated).as("transactions emitted twice").isLessThanOrEqualTo(1);
                second.rest().delete("connectors/tidb-source");
            }
        }
        connect.delete("tidb-sink");
    }

    /** Writes random transactions, each followed by a watermark, until {@code writing} turns false. */
    private static CompletableFuture<Void> write(TicdcFeed feed, Random random, int[] nextId, String status,
                                                 AtomicBoolean writing) {
        return CompletableFuture.runAsync(() -> {
            try {
                while (writing.get()) {
                    feed.transaction(randomTransaction(random, nextId, status));
                    feed.watermark();
                    Thread.sleep(15);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * How far behind TiDB the stream says it is ({@code ticdc-behind-ms}, the status API's delay once
     * the sinks have read everything): growing while a transaction waits in the topic for its
     * watermark, 0 once the stream has read the topic to its end.
     */
    @Test
    void theStreamSaysHowFarBehindTidbItIs() throws Exception {
        String db = tidb.createDatabase("tlag");
        tidb.execute(db, "CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(32) NOT NULL, amount DECIMAL(12,2), "
                + "updated DATETIME(6)) WITH SYSTEM VERSIONING");
        String cdcTopic = "ticdc-lag-" + db;
        connect.createTopic(cdcTopic, 1);
        Map<String, String> config = tidbSource("tlag", db, cdcTopic);
        config.put("tidb.snapshot.mode", "never");
        config.put("tidb.start.tso", Long.toString(System.currentTimeMillis() << 18));
        try (TicdcFeed feed = new TicdcFeed(tidb, db, connect.bootstrapServers(), cdcTopic, 1)) {
            connect.configure("tidb-lag", config);
            connect.awaitRunning("tidb-lag", 1, TIMEOUT);
            feed.transaction(List.of(TicdcFeed.Change.insert("orders", 1, "INSERT INTO orders (id, status, amount, updated) "
                    + "VALUES (1, 'waiting', 1.00, NOW(6))")));
            double waiting = await("behind while the transaction waits for its watermark").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> DebeziumMetrics.pluginMetric("tidb-lag", "ticdc-behind-ms"),
                            ms -> ms >= 1_000);
            feed.watermark();
            await("the transaction emitted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> values("tlag." + db + ".orders").size() == 1);
            await("caught up").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> DebeziumMetrics.pluginMetric("tidb-lag", "ticdc-behind-ms") == 0);
            System.out.printf("TiCDC stream behind TiDB: %.0f ms while a transaction waited for its watermark, 0 once read%n",
                    waiting);
            connect.awaitRunning("tidb-lag", 1, TIMEOUT);
        } finally {
            connect.delete("tidb-lag");
        }
    }

    @Test
    void validateNamesTheFieldAndTheFix() throws Exception {
        String db = tidb.createDatabase("tcheck");
        tidb.execute(db, "CREATE TABLE t (id INT PRIMARY KEY) WITH SYSTEM VERSIONING");
        Map<String, String> config = tidbSource("tcheck", db, "ticdc-missing-" + db);
        assertThat(connect.validationErrors(SOURCE, config)).containsOnlyKeys("tidb.cdc.topic");
        assertThat(connect.validationErrors(SOURCE, config).get("tidb.cdc.topic").get(0)).contains("does not exist");

        String topic = "ticdc-debezium-" + db;
        connect.createTopic(topic, 1);
        TicdcFeed.produce(connect.bootstrapServers(), topic, "{\"payload\": {\"op\": \"c\", \"source\": {\"db\": \""
                + db + "\", \"table\": \"t\", \"commit_ts\": 1}, \"after\": {\"id\": 1}}}");
        config.put("tidb.cdc.topic", topic);
        Map<String, List<String>> errors = connect.validationErrors(SOURCE, config);
        assertThat(errors).containsOnlyKeys("tidb.cdc.protocol");
        assertThat(errors.get("tidb.cdc.protocol").get(0)).contains("enable-tidb-extension=true");
        config.put("tidb.cdc.protocol", "debezium");
        assertThat(connect.validationErrors(SOURCE, config)).isEmpty();

        config.put("tidb.snapshot.dialect", "tidb");
        assertThat(connect.validationErrors(SOURCE, config)).containsOnlyKeys("database.hostname");
        config.remove("tidb.snapshot.dialect");
        config.put("tidb.snapshot.mode", "never");
        assertThat(connect.validationErrors(SOURCE, config)).containsOnlyKeys("tidb.start.tso");
        config.put("database.password", "wrong");
        config.put("tidb.start.tso", "1");
        assertThat(connect.validationErrors(SOURCE, config)).as("a refused login is the password's (or the user's)")
                .containsOnlyKeys("database.password")
                .hasEntrySatisfying("database.password", m -> assertThat(m.get(0)).contains("refused the login"));
    }

    private static String queryOrNull(String db, String sql) {
        try {
            Object v = dest.queryValue(db, sql);
            return v == null ? null : v.toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** 1 to 4 changes: updates of copied rows, inserts of new ones, deletes; spread over the topic's partitions. */
    private static List<TicdcFeed.Change> randomTransaction(Random random, int[] nextId, String status) {
        List<TicdcFeed.Change> changes = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        java.util.Set<Integer> touched = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                int id = 1 + random.nextInt(ROWS);
                if (touched.add(id) && id > 20 && !DELETED.contains(id)) {
                    changes.add(TicdcFeed.Change.update("orders", id, "UPDATE orders SET status = '" + status
                            + "', amount = amount + 1, updated = NOW(6) WHERE id = " + id));
                }
            } else if (kind < 9) {
                int id = nextId[0]++;
                touched.add(id);
                changes.add(TicdcFeed.Change.insert("orders", id, "INSERT INTO orders (id, status, amount, updated) VALUES ("
                        + id + ", '" + status + "', " + (id % 1000) + ".25, NOW(6))"));
            } else {
                int id = ROWS / 2 + random.nextInt(ROWS / 2);
                if (touched.add(id) && DELETED.add(id)) {
                    changes.add(TicdcFeed.Change.delete("orders", id));
                }
            }
        }
        if (changes.isEmpty()) {
            int id = nextId[0]++;
            changes.add(TicdcFeed.Change.insert("orders", id, "INSERT INTO orders (id, status, amount, updated) VALUES ("
                    + id + ", '" + status + "', 1.00, NOW(6))"));
        }
        return changes;
    }

    /** Rows deleted so far: neither updated nor deleted again. */
    private static final java.util.Set<Integer> DELETED = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
