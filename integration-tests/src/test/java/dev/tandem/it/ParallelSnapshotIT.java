package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableMapping;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.verifier.Report;
import dev.tandem.verifier.Verifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chunked full migration on real servers: a million rows copied with 1, 2 and 4 copy tasks
 * arrive exactly (the verifier compares every row), changes made during the copy are all
 * reflected once streaming has caught up, and a worker killed in the middle of the copy resumes
 * without reading a committed chunk again.
 */
class ParallelSnapshotIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 1_000_000;

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;
    private static String shop;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("chunked-src");
        dest = MariaDbServer.start("chunked-dst");
        connect = ConnectCluster.builder().name("chunked").start();
        shop = source.createDatabase("big");
        source.execute(shop, "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT NOT NULL, note VARCHAR(64), "
                        + "amount DECIMAL(12,2), placed DATETIME(3), KEY by_customer (customer))",
                "INSERT INTO orders SELECT seq, seq % 9973, CONCAT('order-', seq), seq / 100, "
                        + "TIMESTAMPADD(SECOND, seq, '2026-01-01 00:00:00.125') FROM seq_1_to_" + ROWS);
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    private static Map<String, String> chunkedSource(String prefix, int serverId, int tasks, int chunkSize) {
        Map<String, String> c = sourceConfig(connect, source, prefix, serverId);
        c.put("tandem.objects", shop + ".orders");
        c.put("tasks.max", Integer.toString(tasks));
        c.put("tandem.full.tasks", Integer.toString(tasks));
        c.put("tandem.full.chunk.size", Integer.toString(chunkSize));
        c.put("tandem.ddl.table.topics", "true");
        c.put("max.batch.size", "4096");
        c.put("value.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        c.put("key.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        return c;
    }

    private static void startSink(String name, String topic, String copy) {
        Map<String, String> sink = sinkConfig(dest, topic, copy + ".${table}");
        sink.put("tandem.batch.size", "5000");
        sink.put("consumer.override.max.poll.records", "5000");
        sink.put("value.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        sink.put("key.converter", "dev.tandem.smt.format.SchemaCachingJsonConverter");
        connect.configure(name, sink);
    }

    /** Compares {@code db.table} with the same table in database {@code copy}: chunk digests, then rows. */
    private static Report verify(String db, String table, String copy) throws Exception {
        return new Verifier(new Verifier.Options(source.jdbcUrl(""), source.user(), source.password(), dest.jdbcUrl(""),
                dest.user(), dest.password(), ObjectSelection.of(List.of(db + "." + table), List.of()),
                List.of(TableMapping.parse(db + ".*->" + copy + ".*", false)), List.of(), 20_000, 2, 0,
                Duration.ofSeconds(2), 5, false)).run();
    }

    private static long destRows(String copy, String table) {
        try {
            return ((Number) dest.queryValue("", "SELECT COUNT(*) FROM " + copy + "." + table)).longValue();
        } catch (RuntimeException e) {
            return -1; // not created yet
        }
    }

    /** The progress topic's records: event name and chunk id ("db.t#n") of each chunk done. */
    private static List<JsonNode> progress(String prefix) throws Exception {
        String topic = "__tandem-snapshot." + prefix;
        try (var admin = connect.kafka().createAdminClient()) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return List.of(); // the source has not written its plan yet
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = connect.consumeAll(Duration.ofSeconds(30), topic);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)).path("payload"));
        }
        return out;
    }

    /** Until the progress topic says the copy is over (every chunk committed, streaming next). */
    private static void awaitCopied(String prefix) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> progress(prefix).stream()
                .anyMatch(p -> p.path("event").asText().equals("copied")));
    }

    private static String chunkId(JsonNode p) {
        return p.path("table").asText() + "#" + p.path("chunk").asInt();
    }

    @Test
    void aMillionRowsArriveExactlyWithOneTwoAndFourCopyTasks() throws Exception {
        for (int tasks : new int[] {1, 2, 4}) {
            String prefix = "chunk" + tasks;
            String copy = "copy" + tasks + "_" + shop;
            long started = System.nanoTime();
            connect.configure(prefix + "-source", chunkedSource(prefix, 7100 + tasks, tasks, 50_000));
            connect.awaitRunning(prefix + "-source", tasks, TIMEOUT);
            startSink(prefix + "-sink", prefix + "." + shop + ".orders", copy);
            await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> destRows(copy, "orders") == ROWS);
            double seconds = (System.nanoTime() - started) / 1e9;
            Report report = verify(shop, "orders", copy);
            System.out.printf("Chunked full migration with %d copy task(s): %,d rows at the destination in %.1f s "
                    + "(%,.0f rows/s end to end); verifier: %s%n", tasks, ROWS, seconds, ROWS / seconds, report.summary());
            assertThat(report.clean()).as(report.summary()).isTrue();
            assertThat(report.rows()).isEqualTo(ROWS);
            List<JsonNode> steps = progress(prefix);
            assertThat(steps.stream().filter(p -> p.path("event").asText().equals("chunk")).map(ParallelSnapshotIT::chunkId)
                    .distinct().count()).as("chunks of 50,000 rows plus the open last one").isEqualTo(21);
            // With DDL in the table topics the sink created the table from the source's CREATE TABLE: the index is there.
            assertThat(dest.query(copy, "SHOW INDEX FROM orders WHERE Key_name = 'by_customer'")).isNotEmpty();
            connect.delete(prefix + "-source");
            connect.delete(prefix + "-sink");
        }
    }

    @Test
    void changesMadeDuringTheCopyAreAllReflectedAfterStreamingCatchesUp() throws Exception {
        String db = source.createDatabase("busy");
        String copy = "copy_" + db;
        int rows = 200_000;
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(40), n INT)",
                "INSERT INTO t SELECT seq, 'copied', 0 FROM seq_1_to_" + rows);
        Map<String, String> config = chunkedSource("busy", 7201, 2, 5_000);
        config.put("tandem.objects", db + ".t");
        config.put("tandem.full.rows.per.second", "40000"); // a copy slow enough for the writer to overlap it
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger statements = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            java.util.Random random = new java.util.Random(7);
            int next = rows + 1;
            while (writing.get()) {
                int id = 1 + random.nextInt(rows);
                switch (statements.incrementAndGet() % 3) {
                    case 0 -> source.execute(db, "UPDATE t SET v = 'updated during copy', n = n + 1 WHERE id = " + id);
                    case 1 -> source.execute(db, "DELETE FROM t WHERE id = " + id);
                    default -> source.execute(db, "INSERT INTO t VALUES (" + next++ + ", 'inserted during copy', 1)");
                }
            }
        });
        try {
            connect.configure("busy-source", config);
            startSink("busy-sink", "busy." + db + ".t", copy);
            awaitCopied("busy");
        } finally {
            writing.set(false);
            writer.get();
        }
        Report report = null;
        for (int attempt = 0; attempt < 60 && (report == null || !report.clean()); attempt++) {
            Thread.sleep(1000);
            report = verify(db, "t", copy);
        }
        System.out.printf("Copy with %d writes (updates, deletes, inserts) during it: %s%n", statements.get(), report.summary());
        assertThat(statements.get()).as("writes during the copy").isGreaterThan(300);
        assertThat(report.clean()).as(report.summary()).isTrue();
        connect.delete("busy-source");
        connect.delete("busy-sink");
    }

    @Test
    void aWorkerKilledMidCopyResumesWithoutReadingACommittedChunkAgain() throws Exception {
        String db = source.createDatabase("killed");
        String copy = "copy_" + db;
        int rows = 300_000;
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(40))",
                "INSERT INTO t SELECT seq, CONCAT('row-', seq) FROM seq_1_to_" + rows);
        Map<String, String> config = chunkedSource("killed", 7301, 2, 10_000);
        config.put("tandem.objects", db + ".t");
        config.put("tandem.full.rows.per.second", "30000");
        String group = "chunked-kill";
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        Set<String> committedAtKill = new HashSet<>();
        try {
            first.rest().configure("killed-source", config);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> progress("killed").stream()
                    .filter(p -> p.path("event").asText().equals("chunk")).count() >= 8);
            first.kill();
            // What Connect had committed when the worker died: the chunks a restart must not read again.
            for (ConsumerRecord<byte[], byte[]> r : connect.consumeAll(Duration.ofSeconds(30), group + "-offsets")) {
                JsonNode key = JSON.readTree(new String(r.key(), StandardCharsets.UTF_8));
                JsonNode partition = key.get(1);
                if (r.value() != null && partition.has("chunk") && JSON.readTree(r.value()).path("done").asBoolean()) {
                    committedAtKill.add(partition.get("chunk").asText());
                }
            }
        } finally {
            first.kill();
        }
        assertThat(committedAtKill).as("chunks committed before the kill").isNotEmpty().hasSizeLessThan(31);
        try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
            startSink("killed-sink", "killed." + db + ".t", copy);
            awaitCopied("killed");
            Map<String, Integer> reads = new HashMap<>();
            progress("killed").stream().filter(p -> p.path("event").asText().equals("chunk"))
                    .forEach(p -> reads.merge(chunkId(p), 1, Integer::sum));
            System.out.printf("Kill mid-copy: %d of 31 chunks committed at the kill; chunk reads after the restart: %s%n",
                    committedAtKill.size(), reads);
            assertThat(reads).as("every chunk read").hasSize(31);
            committedAtKill.forEach(id -> assertThat(reads.get(id)).as("reads of committed chunk " + id).isEqualTo(1));
            source.execute(db, "UPDATE t SET v = 'streamed after the copy' WHERE id = 1");
            await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> destRows(copy, "t") == rows
                    && "streamed after the copy".equals(dest.queryValue(copy, "SELECT v FROM t WHERE id = 1")));
            Report report = verify(db, "t", copy);
            assertThat(report.clean()).as(report.summary()).isTrue();
            second.rest().delete("connectors/killed-source");
            connect.delete("killed-sink");
        }
    }
}
