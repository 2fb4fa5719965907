package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source survives the death of its worker: a Connect worker running as its own process is
 * killed (SIGKILL) in the middle of a snapshot and in the middle of the binlog stream, another
 * worker takes over, and every row arrives. Duplicates are counted and printed; after a clean
 * stop there must be none.
 */
class SourceRestartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private static ConnectCluster connect;
    private static MariaDbServer db;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("restart");
        connect = ConnectCluster.builder().name("source-restart").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, db);
    }

    /** Records per key id of a topic as read so far. */
    private static final class Tally {
        final Map<Long, Integer> perId = new HashMap<>();
        long records;

        void add(List<ConsumerRecord<byte[], byte[]>> batch) {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                if (r.value() == null) {
                    continue;
                }
                ChangeEvent e = ChangeEvent.of(r);
                perId.merge(Long.parseLong(e.keyField("id")), 1, Integer::sum);
                records++;
            }
        }

        long distinct(LongPredicate ids) {
            return perId.keySet().stream().filter(ids::test).count();
        }

        long duplicates(LongPredicate ids) {
            return perId.entrySet().stream().filter(e -> ids.test(e.getKey())).mapToLong(e -> e.getValue() - 1).sum();
        }
    }

    private static void readUntil(TopicReader reader, Tally tally, java.util.function.BooleanSupplier done, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
            tally.add(reader.poll(Duration.ofMillis(200)));
            return done.getAsBoolean();
        });
    }

    @Test
    void aWorkerKilledMidSnapshotIsReplacedAndEveryRowArrives() {
        int rows = 60_000;
        String schema = db.createDatabase("kill_snapshot");
        db.execute(schema, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(64))",
                "INSERT INTO t SELECT seq, CONCAT('row-', seq) FROM seq_1_to_" + rows);
        Map<String, String> config = sourceConfig(connect, db, "ks", 6301);
        config.put("tandem.objects", schema + ".t");
        String topic = "ks." + schema + ".t";
        String group = "kill-snapshot";

        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        Tally tally = new Tally();
        try (TopicReader reader = new TopicReader(connect.kafka(), topic)) {
            first.rest().configure("kill-snapshot", config);
            readUntil(reader, tally, () -> tally.records >= 2_000, TIMEOUT);
            first.kill();
            long atKill = tally.records;
            assertThat(atKill).as("the worker died in the middle of the snapshot").isLessThan(rows);

            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
                readUntil(reader, tally, () -> tally.distinct(id -> true) == rows, TIMEOUT);
                db.execute(schema, "INSERT INTO t VALUES (" + (rows + 1) + ", 'after the restart')");
                readUntil(reader, tally, () -> tally.perId.containsKey((long) rows + 1), TIMEOUT);
                long duplicates = tally.duplicates(id -> id <= rows);
                System.out.printf("Kill mid-snapshot: %d of %d rows emitted before SIGKILL; after restart %d records for %d rows "
                        + "(%d duplicates: the chunk being read when the worker died is read again from its start)%n",
                        atKill, rows, tally.records - 1, rows, duplicates);
                assertThat(tally.distinct(id -> true)).isEqualTo(rows + 1);
                second.rest().delete("connectors/kill-snapshot");
            }
        } finally {
            first.kill();
        }
    }

    @Test
    void aWorkerKilledMidStreamIsReplacedAndNothingIsLostAndACleanStopRepeatsNothing() throws Exception {
        String schema = db.createDatabase("kill_stream");
        Map<String, String> config = hundredRowLink(schema, "kst", 6302);
        String topic = "kst." + schema + ".t";
        String group = "kill-stream";
        Tally tally = new Tally();
        try (TopicReader reader = new TopicReader(connect.kafka(), topic)) {
            ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
            first.rest().configure("kill-stream", config);
            readUntil(reader, tally, () -> tally.distinct(id -> true) == 100, TIMEOUT);

            // Phase 1: 20,000 rows in transactions of 20; SIGKILL the worker after ~3,000 of them.
            CompletableFuture<Void> writer = write(schema, 1_001, 20_000, 20);
            readUntil(reader, tally, () -> tally.distinct(id -> id > 1_000) >= 3_000, TIMEOUT);
            first.kill();
            ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
            writer.get();
            readUntil(reader, tally, () -> tally.distinct(id -> id > 1_000 && id <= 21_000) == 20_000, TIMEOUT);
            long killDuplicates = tally.duplicates(id -> id > 1_000 && id <= 21_000);

            // Phase 2: the same with a clean stop (SIGTERM): offsets are committed, only the transaction in progress may repeat.
            writer = write(schema, 100_001, 10_000, 20);
            readUntil(reader, tally, () -> tally.distinct(id -> id > 100_000) >= 2_000, TIMEOUT);
            second.stop();
            ConnectWorkerProcess third = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
            writer.get();
            readUntil(reader, tally, () -> tally.distinct(id -> id > 100_000) == 10_000, TIMEOUT);
            long stopDuplicates = tally.duplicates(id -> id > 100_000);

            System.out.printf("Kill mid-stream: 20000 rows, %d duplicates after SIGKILL (at-least-once: what was sent but not "
                    + "yet committed as offsets is sent again); clean stop mid-stream: 10000 rows, %d duplicates%n",
                    killDuplicates, stopDuplicates);
            assertThat(tally.distinct(id -> id > 1_000 && id <= 21_000)).isEqualTo(20_000);
            // A transaction the stop came in the middle of is sent again from its start (under a BEGIN of its own, so a sink
            // applying whole transactions gets all of it): at most its rows repeat, nothing else.
            assertThat(stopDuplicates).as("duplicates after a clean stop: at most one transaction of 20 rows").isLessThanOrEqualTo(20);
            assertThat(tally.duplicates(id -> id <= 100)).as("snapshot rows re-sent").isZero();
            third.rest().delete("connectors/kill-stream");
            third.close();
        }
    }

    /**
     * On a worker with exactly-once source support and {@code transaction.boundary=connector},
     * each source transaction is one Kafka transaction committed with its offsets: a worker killed
     * in the middle of the stream leaves its open Kafka transaction aborted, the new worker sends
     * that source transaction again from its start, and a consumer reading committed records sees
     * every row exactly once. A consumer that also reads aborted records counts what was undone.
     */
    @Test
    void onAnExactlyOnceWorkerAKillMidStreamRepeatsNothing() throws Exception {
        String schema = db.createDatabase("kill_eos");
        Map<String, String> config = hundredRowLink(schema, "keo", 6304);
        config.put("exactly.once.support", "required");
        config.put("transaction.boundary", "connector");
        String topic = "keo." + schema + ".t";
        String group = "kill-eos";
        Map<String, String> exactlyOnce = Map.of("exactly.once.source.support", "enabled");
        Tally committed = new Tally();
        Tally everything = new Tally();
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                work.resolve("eos-1"), exactlyOnce);
        try (TopicReader reader = new TopicReader(connect.kafka(), topic, Map.of("isolation.level", "read_committed"));
             TopicReader uncommitted = new TopicReader(connect.kafka(), topic, Map.of("isolation.level", "read_uncommitted"))) {
            first.rest().configure("kill-eos", config);
            readUntil(reader, committed, () -> committed.distinct(id -> true) == 100, TIMEOUT);

            CompletableFuture<Void> writer = write(schema, 1_001, 20_000, 20);
            readUntil(reader, committed, () -> committed.distinct(id -> id > 1_000) >= 3_000, TIMEOUT);
            first.kill();
            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work.resolve("eos-2"), exactlyOnce)) {
                writer.get();
                readUntil(reader, committed, () -> committed.distinct(id -> id > 1_000) == 20_000, TIMEOUT);
                readUntil(uncommitted, everything, () -> everything.distinct(id -> id > 1_000) == 20_000, TIMEOUT);
                uncommitted.poll(Duration.ofSeconds(1)).forEach(r -> everything.add(List.of(r)));
                System.out.printf("Exactly-once worker killed mid-stream: 20000 rows, %d duplicates read committed; "
                        + "%d records of aborted Kafka transactions (sent before the kill, undone, sent again)%n",
                        committed.duplicates(id -> true), everything.duplicates(id -> true));
                assertThat(committed.duplicates(id -> true)).as("rows read twice from committed Kafka transactions").isZero();
                assertThat(committed.distinct(id -> true)).isEqualTo(20_100);
                second.rest().delete("connectors/kill-eos");
            }
        } finally {
            first.kill();
        }
    }

    /**
     * Binlogs purged while the link's worker was down, past the position the link stopped at: on
     * restart the task fails, naming the lost position and what the server still has, instead of
     * streaming on as if nothing were missing.
     */
    @Test
    void aBinlogPurgedWhileTheLinkWasDownStopsItNamingTheLostPosition() {
        String schema = db.createDatabase("purged");
        Map<String, String> config = link(schema, "pg", 6303, "INSERT INTO t VALUES (1, 'snap')");
        String group = "purged";
        Tally tally = new Tally();
        try (TopicReader reader = new TopicReader(connect.kafka(), "pg." + schema + ".t")) {
            try (ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
                first.rest().configure("purged-source", config);
                readUntil(reader, tally, () -> tally.perId.containsKey(1L), TIMEOUT);
                // Row 1 was copied, so the copy's plan and binlog position were taken before: row 2 comes by the binlog.
                db.execute(schema, "INSERT INTO t VALUES (2, 'streamed')");
                readUntil(reader, tally, () -> tally.perId.containsKey(2L), TIMEOUT);
            } // a clean stop: the position after row 2 is committed
            long lost = 100;
            db.execute(schema, "INSERT INTO t VALUES (" + lost + ", 'written while the link was down')");
            String current = purgeAllBinlogs();
            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work)) {
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() <= 500) {
                        System.out.println("Still not failed: " + second.rest().status("purged-source") + "\n" + second.logTail());
                    }
                }).until(() -> "FAILED".equals(second.rest().status("purged-source").path("tasks").path(0).path("state").asText()));
                String trace = second.rest().status("purged-source").path("tasks").path(0).path("trace").asText();
                System.out.printf("Binlogs purged past the link's position while it was down: the task failed with: %s%n",
                        trace.lines().findFirst().orElse(""));
                assertThat(trace).contains("is no longer on", "its oldest binlog is " + current, "lost to this link",
                        "tandem.migration.types=full,incremental");
                assertThat(tally.perId).as("the row written while the link was down was never read").doesNotContainKey(lost);
                second.rest().delete("connectors/purged-source");
            }
        }
    }

    /**
     * With {@code tandem.binlog.purged=recopy}, binlogs purged while the link was down make the
     * connector copy every table again (a new plan) and stream from the new copy's position: the
     * row written and the row changed while the link was down arrive as copied rows. A restart
     * right after the copy (nothing streamed yet, so Debezium's stored position is still the
     * purged one) streams from the new copy's position instead of copying a third time.
     */
    @Test
    void withRecopyABinlogPurgedWhileTheLinkWasDownIsCopiedAgainThenStreamed() {
        String schema = db.createDatabase("recopy");
        Map<String, String> config = link(schema, "rc", 6305, "INSERT INTO t VALUES (1, 'copied'), (2, 'copied')");
        config.put("tandem.binlog.purged", "recopy");
        String group = "recopy";
        List<ChangeEvent> events = new java.util.ArrayList<>();
        try (TopicReader reader = new TopicReader(connect.kafka(), "rc." + schema + ".t")) {
            java.util.function.Predicate<String> arrived = wanted -> {
                reader.poll(Duration.ofMillis(200)).stream().filter(r -> r.value() != null).map(ChangeEvent::of).forEach(events::add);
                return events.stream().anyMatch(e -> (e.keyField("id") + ":" + e.op() + ":" + e.after().path("v").asText()).equals(wanted));
            };
            try (ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work.resolve("recopy-1"))) {
                first.rest().configure("recopy-source", config);
                await().atMost(TIMEOUT).until(() -> arrived.test("2:r:copied"));
                db.execute(schema, "INSERT INTO t VALUES (3, 'streamed')");
                await().atMost(TIMEOUT).until(() -> arrived.test("3:c:streamed"));
            }
            db.execute(schema, "INSERT INTO t VALUES (100, 'written while down')", "UPDATE t SET v = 'changed while down' WHERE id = 1");
            purgeAllBinlogs();
            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work.resolve("recopy-2"))) {
                await().atMost(TIMEOUT).until(() -> arrived.test("100:r:written while down") && arrived.test("1:r:changed while down"));
                assertThat(second.logLines("every selected table is copied again")).hasSize(1);
            } // stopped before anything streamed: Debezium's stored position is still the purged one
            try (ConnectWorkerProcess third = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work.resolve("recopy-3"))) {
                db.execute(schema, "INSERT INTO t VALUES (4, 'streamed after the copy')");
                await().atMost(TIMEOUT).until(() -> arrived.test("4:c:streamed after the copy"));
                assertThat(third.logLines("every selected table is copied again")).as("no third copy").isEmpty();
                assertThat(third.logLines("the full migration recorded since covers it")).hasSize(1);
                third.rest().delete("connectors/recopy-source");
            }
        }
        long copiesOfRow2 = events.stream().filter(e -> e.keyField("id").equals("2") && e.op().equals("r")).count();
        System.out.printf("Binlogs purged while a link with tandem.binlog.purged=recopy was down: %d records, row 2 copied %d times%n",
                events.size(), copiesOfRow2);
        assertThat(copiesOfRow2).as("the first copy and the one made again").isEqualTo(2);
    }

    /**
     * Flushes the binary log and purges every older file (the server keeps one until its checkpoint
     * has moved past it); returns the one file left.
     */
    private static String purgeAllBinlogs() {
        db.execute("", "FLUSH BINARY LOGS");
        String current = String.valueOf(db.query("", "SHOW MASTER STATUS").get(0).get("File"));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            db.execute("", "PURGE BINARY LOGS TO '" + current + "'");
            return current.equals(db.query("", "SHOW BINARY LOGS").get(0).get("Log_name"));
        });
        return current;
    }

    /** A link capturing table {@code t} of {@code schema}, made with 100 rows to copy. */
    private static Map<String, String> hundredRowLink(String schema, String prefix, int serverId) {
        return link(schema, prefix, serverId, "INSERT INTO t SELECT seq, 'snap' FROM seq_1_to_100");
    }

    /** A link capturing table {@code t} of {@code schema}, made with the rows {@code insert} puts in it. */
    private static Map<String, String> link(String schema, String prefix, int serverId, String insert) {
        db.execute(schema, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(64))", insert);
        Map<String, String> config = sourceConfig(connect, db, prefix, serverId);
        config.put("tandem.objects", schema + ".t");
        return config;
    }

    /** Inserts {@code count} rows from {@code firstId} on a background thread, {@code perTransaction} rows a commit. */
    private static CompletableFuture<Void> write(String schema, int firstId, int count, int perTransaction) {
        return CompletableFuture.runAsync(() -> {
            for (int id = firstId; id < firstId + count; id += perTransaction) {
                String[] statements = new String[perTransaction];
                for (int i = 0; i < perTransaction; i++) {
                    statements[i] = "INSERT INTO t VALUES (" + (id + i) + ", 'stream')";
                }
                db.transaction(schema, statements);
            }
        });
    }
}
