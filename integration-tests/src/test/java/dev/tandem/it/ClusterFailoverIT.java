package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
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

    /** Three worker processes of one group, started side by side. */
    private static List<ConnectWorkerProcess> workers(String group) {
        List<CompletableFuture<ConnectWorkerProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Path dir = work.resolve("worker-" + i);
            // The sink tasks' consumers: a dead worker's consumer holds its partitions until this expires (default 45 s).
            starting.add(CompletableFuture.supplyAsync(() -> ConnectWorkerProcess.start(connect.bootstrapServers(),
                    connect.pluginPath(), group, dir, Map.of("consumer.session.timeout.ms", "10000"))));
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

        // The source's binlog clients: how many at once, and each one's connection id.
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger mostAtOnce = new AtomicInteger();
        Set<Long> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (watching.get()) {
                List<Map<String, Object>> dumps = source.query("", "SELECT ID FROM information_schema.PROCESSLIST "
                        + "WHERE COMMAND LIKE 'Binlog Dump%'");
                dumps.forEach(r -> clients.add(((Number) r.get("ID")).longValue()));
                mostAtOnce.accumulateAndGet(dumps.size(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long destSeq = BinlogAudit.lastSeq(dest);
        List<ConnectWorkerProcess> alive = new ArrayList<>(workers("failover"));
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
            watching.set(false);
            watcher.get();
            alive.forEach(ConnectWorkerProcess::kill);
        }

        // The destination's binlog: each sink transaction moves its partitions' checkpoints strictly forward.
        int transactions = VersionedStream.assertCheckpointsRise(dest, destSeq, "fo-sink").transactions();
        System.out.printf("Destination binlog: %d transactions of the sink, each partition's offsets strictly rising; the "
                + "source served %d binlog connections over the test, at most %d at once%n", transactions, clients.size(),
                mostAtOnce.get());
        assertThat(mostAtOnce.get()).as("binlog clients of the link at once").isLessThanOrEqualTo(1);
        assertThat(clients).as("one binlog connection before the second kill, one after").hasSizeBetween(2, 3);
    }
}
