package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectRest;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import dev.tandem.testkit.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Connect cluster of three workers, each its own process, running a link (source with a chunked
 * full migration on three tasks, then the binlog on one; a sink): the copy tasks spread over the
 * workers; the worker that holds the binlog task is killed with SIGKILL during the copy and again
 * while an application writes. The tasks move to the surviving workers and the two databases
 * converge; the destination's binlog shows every sink transaction's checkpoint strictly after
 * the one before (no Kafka record applied twice); the source server never serves two binlog
 * clients of the link at once. The time from the kill until changes reach the destination again
 * is measured and printed.
 */
class ClusterFailoverIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final int ROWS = 150_000;

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("failover-source");
        dest = MariaDbServer.start("failover-dest");
        connect = ConnectCluster.builder().name("failover").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    /** Three worker processes of one group, started side by side, with {@code settings} besides the failover ones. */
    private static List<ConnectWorkerProcess> workers(String group, Map<String, String> settings) {
        List<CompletableFuture<ConnectWorkerProcess>> starting = new ArrayList<>();
        Map<String, String> props = new HashMap<>(settings);
        // The sink tasks' consumers: a dead worker's consumer holds its partitions until this expires (default 45 s).
        props.put("consumer.session.timeout.ms", "10000");
        for (int i = 1; i <= 3; i++) {
            Path dir = work.resolve(group + "-worker-" + i);
            starting.add(CompletableFuture.supplyAsync(() -> ConnectWorkerProcess.start(connect.bootstrapServers(),
                    connect.pluginPath(), group, dir, props)));
        }
        return starting.stream().map(CompletableFuture::join).toList();
    }

    /** The running worker's REST address, as Connect's status names workers ({@code host:port}). */
    private static String workerId(ConnectWorkerProcess w) {
        return w.rest().baseUrl().replaceFirst("^https?://", "").replaceFirst("/$", "");
    }

    /** Worker id → task ids of {@code connector} running there (none while the cluster has no status for it yet). */
    private static Map<String, List<Integer>> placement(ConnectWorkerProcess any, String connector) {
        Map<String, List<Integer>> byWorker = new HashMap<>();
        JsonNode status;
        try {
            status = any.rest().status(connector);
        } catch (IllegalStateException notYet) {
            return byWorker;
        }
        for (JsonNode t : status.path("tasks")) {
            if ("RUNNING".equals(t.path("state").asText())) {
                byWorker.computeIfAbsent(t.path("worker_id").asText(), k -> new ArrayList<>()).add(t.path("id").asInt());
            }
        }
        return byWorker;
    }

    /** Whether every running task of {@code connector} runs on a live worker (the status of a killed one's tasks lingers). */
    private static boolean onlyOn(List<ConnectWorkerProcess> alive, String connector) {
        Set<String> ids = new HashSet<>();
        alive.forEach(w -> ids.add(workerId(w)));
        Map<String, List<Integer>> byWorker = placement(alive.get(0), connector);
        return !byWorker.isEmpty() && ids.containsAll(byWorker.keySet());
    }

    private static ConnectWorkerProcess runningTask(List<ConnectWorkerProcess> alive, String connector, int task) {
        for (var e : placement(alive.get(0), connector).entrySet()) {
            if (e.getValue().contains(task)) {
                for (ConnectWorkerProcess w : alive) {
                    if (workerId(w).equals(e.getKey())) {
                        return w;
                    }
                }
            }
        }
        return null;
    }

    private static long count(MariaDbServer server, String db) {
        try {
            return ((Number) server.queryValue(db, "SELECT COUNT(*) FROM t")).longValue();
        } catch (RuntimeException notYet) {
            return -1;
        }
    }

    /** Milliseconds from {@code killedAt} (source clock) until the destination holds a row the application wrote after it. */
    private static long resumedAfter(String copy, String killedAt, long killedNanos) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> ((Number) dest.queryValue(copy,
                "SELECT COUNT(*) FROM t WHERE written > '" + killedAt + "'")).longValue() > 0);
        return (System.nanoTime() - killedNanos) / 1_000_000L;
    }

    @Test
    void threeWorkersShareTheCopyAndTheLinkSurvivesTheLossOfTheBinlogWorkerTwice() throws Exception {
        String db = source.createDatabase("cluster");
        String copy = "copy_" + db;
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(40), written DATETIME(6) NOT NULL DEFAULT NOW(6))",
                "INSERT INTO t (id, v, written) SELECT seq, CONCAT('row-', seq), '2026-01-01' FROM seq_1_to_" + ROWS);
        Map<String, String> sourceConfig = sourceConfig(connect, source, "fo", 7501);
        sourceConfig.put("tandem.objects", db + ".t");
        sourceConfig.put("tasks.max", "3");
        sourceConfig.put("tandem.full.tasks", "3");
        sourceConfig.put("tandem.full.chunk.size", "10000");
        sourceConfig.put("tandem.full.rows.per.second", "15000");
        Map<String, String> sinkConfig = sinkConfig(dest, "fo." + db + ".t", copy + ".${table}");
        sinkConfig.put("tasks.max", "2");

        BinlogClients clients = new BinlogClients(source);
        long destSeq = BinlogAudit.lastSeq(dest);
        List<ConnectWorkerProcess> alive = new ArrayList<>(workers("failover", Map.of()));
        AtomicBoolean writing = new AtomicBoolean(false);
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = null;
        try {
            ConnectWorkerProcess first = alive.get(0);
            first.rest().configure("fo-source", sourceConfig);
            first.rest().configure("fo-sink", sinkConfig);
            await().atMost(TIMEOUT).until(() -> placement(first, "fo-source").values().stream().mapToInt(List::size).sum() == 3);
            Map<String, List<Integer>> copyPlacement = placement(first, "fo-source");
            System.out.printf("Copy tasks of the source over the three workers: %s%n", copyPlacement);
            assertThat(copyPlacement).as("the copy tasks run on more than one worker").hasSizeGreaterThan(1);

            // Kill 1: the worker running copy task 0, in the middle of the copy (the one streaming task comes after it).
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> count(dest, copy) >= 20_000);
            ConnectWorkerProcess victim = runningTask(alive, "fo-source", 0);
            assertThat(victim).as("a worker runs task 0").isNotNull();
            long copiedAtKill = count(dest, copy);
            victim.kill();
            alive.remove(victim);
            long killed = System.nanoTime();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> onlyOn(alive, "fo-source"));
            long movedMs = (System.nanoTime() - killed) / 1_000_000L;
            Map<String, List<Integer>> afterKill = placement(alive.get(0), "fo-source");
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> count(dest, copy) == ROWS);
            System.out.printf("Kill during the copy (%d of %d rows in the destination): the source's tasks ran on the "
                    + "surviving workers %d ms later, %s%n", copiedAtKill, ROWS, movedMs, afterKill);

            // A second kill while an application writes: of the worker that now streams the binlog (the one task left).
            await().atMost(TIMEOUT).until(() -> onlyOn(alive, "fo-source") && placement(alive.get(0), "fo-source").values()
                    .stream().mapToInt(List::size).sum() == 1);
            writing.set(true);
            writer = CompletableFuture.runAsync(() -> {
                long id = ROWS;
                while (writing.get()) {
                    id++;
                    source.execute(db, "INSERT INTO t (id, v) VALUES (" + id + ", 'written during the failover')",
                            "UPDATE t SET v = CONCAT('updated ', " + id + ") WHERE id = " + (id % ROWS + 1));
                    written.addAndGet(2);
                }
            });
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> count(dest, copy) > ROWS + 200);
            ConnectWorkerProcess streaming = runningTask(alive, "fo-source", 0);
            String killedAt = String.valueOf(source.queryValue("", "SELECT NOW(6)"));
            streaming.kill();
            alive.remove(streaming);
            long killedStreaming = System.nanoTime();
            long flowingMs = resumedAfter(copy, killedAt, killedStreaming);
            Thread.sleep(2_000);
            writing.set(false);
            writer.get();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(TableComparison.rows(dest, copy, "t")).isEqualTo(TableComparison.rows(source, db, "t")));
            System.out.printf("Kill of the streaming worker while the application wrote (%d statements): changes reached the "
                    + "destination again %d ms after the kill (worker settings: session.timeout.ms=6000, heartbeat.interval.ms=1000, "
                    + "scheduled.rebalance.max.delay.ms=0, consumer.session.timeout.ms=10000); source and destination equal, %d rows%n", written.get(), flowingMs,
                    count(dest, copy));
        } finally {
            writing.set(false);
            if (writer != null) {
                writer.exceptionally(e -> null).get();
            }
            clients.close();
            alive.forEach(ConnectWorkerProcess::kill);
        }

        // The destination's binlog: each sink transaction moves its partitions' checkpoints strictly forward.
        int transactions = VersionedStream.assertCheckpointsRise(dest, destSeq, "fo-sink").transactions();
        System.out.printf("Destination binlog: %d transactions of the sink, each partition's offsets strictly rising; the "
                + "source served %d binlog connections over the test, at most %d at once%n", transactions, clients.seen.size(),
                clients.mostAtOnce.get());
        assertThat(clients.mostAtOnce.get()).as("binlog clients of the link at once").isLessThanOrEqualTo(1);
        assertThat(clients.seen).as("one binlog connection before the second kill, one after").hasSizeBetween(2, 3);
    }

    /**
     * Active-active between two regions (the source server is east, the destination west) on the
     * three-worker cluster, the workers with exactly-once source support (each source transaction
     * one Kafka transaction, sinks reading committed records): the worker that streams east's
     * binlog is killed while both regions' applications write. The regions converge; east's
     * change topics hold no binlog event twice among committed records, so the replay after the
     * kill reaches no sink; each sink's transactions move its checkpoints strictly forward, so no
     * Kafka record is applied twice: no change is applied twice in a region. East never serves two
     * binlog clients of its link at once.
     */
    @Test
    void activeActiveTrafficSurvivesTheLossOfTheWorkerStreamingARegionsBinlog() throws Exception {
        String db = "aa_cluster";
        MariaDbServer east = source;
        MariaDbServer west = dest;
        for (MariaDbServer region : List.of(east, west)) {
            region.execute("", "CREATE DATABASE " + db);
            region.execute(db, RegionWriter.SCHEMA);
        }
        east.execute(db, RegionWriter.seed(2_000, List.of("east", "west")));
        Map<String, String> exactlyOnce = Map.of("exactly.once.support", "required", "transaction.boundary", "connector");
        Map<String, String> eastSource = ActiveActiveLinks.source(connect, east, "east", "aac_east", db, true, 7601);
        Map<String, String> westSource = ActiveActiveLinks.source(connect, west, "west", "aac_west", db, false, 7602);
        eastSource.putAll(exactlyOnce);
        westSource.putAll(exactlyOnce);

        List<ConnectWorkerProcess> alive = new ArrayList<>(workers("aa-failover", Map.of(
                "exactly.once.source.support", "enabled", "consumer.isolation.level", "read_committed")));
        BinlogClients eastClients = new BinlogClients(east);
        List<RegionWriter> writers = new ArrayList<>();
        long eastSeq;
        long westSeq;
        try {
            ConnectRest rest = alive.get(0).rest();
            rest.configure("aac-east-source", eastSource);
            rest.configure("aac-east-to-west", ActiveActiveLinks.sink(west, "east", "west", "aac_east", db));
            awaitEqual(db, east, west);
            rest.configure("aac-west-source", westSource);
            rest.configure("aac-west-to-east", ActiveActiveLinks.sink(east, "west", "east", "aac_west", db));
            await().atMost(TIMEOUT).until(() -> BinlogClients.streaming(west) && BinlogClients.streaming(east));
            eastSeq = BinlogAudit.lastSeq(east);
            westSeq = BinlogAudit.lastSeq(west);

            writers.add(new RegionWriter(east, db, "east", 0, 2_000, 2, 60).start());
            writers.add(new RegionWriter(west, db, "west", 1, 2_000, 2, 60).start());
            Thread.sleep(5_000);
            ConnectWorkerProcess streaming = runningTask(alive, "aac-east-source", 0);
            assertThat(streaming).as("a worker streams east's binlog").isNotNull();
            streaming.kill();
            alive.remove(streaming);
            long killed = System.nanoTime();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> onlyOn(alive, "aac-east-source"));
            long movedMs = (System.nanoTime() - killed) / 1_000_000L;
            Thread.sleep(5_000);
            long eastWrites = writers.get(0).stop();
            long westWrites = writers.get(1).stop();
            awaitEqual(db, east, west);
            System.out.printf("Active-active on three workers: the worker streaming east's binlog was killed while east wrote %d "
                    + "and west %d transactions; east's source ran on a surviving worker %d ms later; the regions converged%n",
                    eastWrites, westWrites, movedMs);
        } finally {
            writers.forEach(RegionWriter::stop);
            eastClients.close();
            alive.forEach(ConnectWorkerProcess::kill);
        }

        long committed = 0;
        long aborted = 0;
        for (String table : List.of("account", "ledger")) {
            String topic = "aac_east." + db + "." + table;
            committed += repeatedEvents(topic, "read_committed");
            aborted += repeatedEvents(topic, "read_uncommitted");
        }
        int intoWest = VersionedStream.assertCheckpointsRise(west, westSeq, "aac-east-to-west").transactions();
        int intoEast = VersionedStream.assertCheckpointsRise(east, eastSeq, "aac-west-to-east").transactions();
        System.out.printf("East's change topics: %d binlog events twice among committed records, %d counting aborted Kafka "
                + "transactions; sink transactions with strictly rising checkpoints: %d into west, %d into east; east served at "
                + "most %d binlog client(s) of the link at once%n", committed, aborted, intoWest, intoEast, eastClients.mostAtOnce.get());
        assertThat(committed).as("binlog events of east sent twice in committed Kafka transactions").isZero();
        assertThat(eastClients.mostAtOnce.get()).as("binlog clients of east's link at once").isLessThanOrEqualTo(1);
    }

    private static void awaitEqual(String db, MariaDbServer a, MariaDbServer b) {
        for (String table : List.of("account", "ledger")) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(TableComparison.rows(b, db, table)).as(table).isEqualTo(TableComparison.rows(a, db, table)));
        }
    }

    /**
     * Change records of {@code topic} (read with {@code isolation}) that repeat a binlog event
     * already read: the same row of the same event (file, position, row), until the topic is quiet.
     */
    private static long repeatedEvents(String topic, String isolation) {
        Set<String> events = new HashSet<>();
        long repeated = 0;
        try (TopicReader reader = new TopicReader(connect.kafka(), topic, Map.of("isolation.level", isolation))) {
            int quiet = 0;
            while (quiet < 3) {
                List<ConsumerRecord<byte[], byte[]>> batch = reader.poll(Duration.ofSeconds(1));
                quiet = batch.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (r.value() == null) {
                        continue;
                    }
                    ChangeEvent e = ChangeEvent.of(r);
                    if ("r".equals(e.op())) {
                        continue; // copied rows carry the copy's position, not an event's
                    }
                    JsonNode s = e.source();
                    if (!events.add(s.path("file").asText() + ":" + s.path("pos").asText() + ":" + s.path("row").asText())) {
                        repeated++;
                    }
                }
            }
        }
        return repeated;
    }

    /** Watches a server's binlog clients (its process list, every 100 ms): how many at once, and each one's connection id. */
    private static final class BinlogClients implements AutoCloseable {
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final CompletableFuture<Void> watcher;

        BinlogClients(MariaDbServer server) {
            watcher = CompletableFuture.runAsync(() -> {
                while (watching.get()) {
                    List<Map<String, Object>> dumps = server.query("", "SELECT ID FROM information_schema.PROCESSLIST "
                            + "WHERE COMMAND LIKE 'Binlog Dump%'");
                    dumps.forEach(r -> seen.add(((Number) r.get("ID")).longValue()));
                    mostAtOnce.accumulateAndGet(dumps.size(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** Whether a binlog client is connected now. */
        static boolean streaming(MariaDbServer server) {
            return !server.query("", "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'").isEmpty();
        }

        @Override
        public void close() throws Exception {
            watching.set(false);
            watcher.get();
        }
    }
}
