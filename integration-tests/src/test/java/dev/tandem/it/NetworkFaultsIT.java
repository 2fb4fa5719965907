package dev.tandem.it;

import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import dev.tandem.testkit.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The faults a link meets between regions, on real servers and a real worker process: the
 * destination server crashes in the middle of an apply, the source server restarts, the network
 * to the source drops every packet for longer than the clients' timeouts, and the connection to
 * the destination is reset and refused. After each, the link resumes by itself: nothing lost
 * (source and destination equal), nothing applied twice (the destination's binlog shows every
 * sink transaction moving its checkpoint forward), and the sink says once that it retries.
 */
class NetworkFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final String RETRYING = "Transient error applying";

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;
    private static ConnectWorkerProcess worker;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("faults-source");
        dest = MariaDbServer.start("faults-dest");
        connect = ConnectCluster.builder().name("faults").start();
        worker = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), "faults", work);
    }

    @AfterAll
    static void stop() {
        Closing.all(worker, connect, source, dest);
    }

    private static Map<String, String> streamSink(String topic, String url) {
        Map<String, String> sink = sinkConfig(dest, topic, "${db}.${table}");
        sink.put("connection.url", url);
        sink.put("tandem.batch.size", "2000");
        sink.put("consumer.override.max.poll.records", "2000");
        sink.put("tandem.retry.backoff.ms", "500");
        return sink;
    }

    /** An application inserting one row per transaction, carrying on through the server's outages. */
    private static final class Writer implements AutoCloseable {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final CompletableFuture<Void> loop;

        Writer(MariaDbServer server, String db) {
            loop = CompletableFuture.runAsync(() -> {
                long id = 0;
                while (running.get()) {
                    try {
                        server.execute(db, "INSERT INTO t (id, v) VALUES (" + (id + 1) + ", 'row " + (id + 1) + "')");
                        id++;
                        committed.set(id);
                    } catch (RuntimeException down) {
                        refused.incrementAndGet();
                        sleep(100);
                    }
                }
            });
        }

        @Override
        public void close() {
            running.set(false);
            loop.join();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long rows(String db) {
        try {
            return ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM t")).longValue();
        } catch (RuntimeException notYet) {
            return -1;
        }
    }

    /** A source and its sink; returns the copy's database. */
    private static String link(String name, String db, int serverId, String host, int port) {
        Map<String, String> config = sourceConfig(connect, source, name, serverId);
        config.put("database.hostname", host);
        config.put("database.port", Integer.toString(port));
        config.put("tandem.objects", db + ".t");
        // The binlog client's keep-alive: a silent connection is noticed (and reconnected) within about this long.
        config.put("connect.keep.alive.interval.ms", "2000");
        worker.rest().configure(name + "-source", config);
        String copy = "copy_" + db;
        Map<String, String> sink = sinkConfig(dest, name + "." + db + ".t", copy + ".${table}");
        worker.rest().configure(name + "-sink", sink);
        worker.rest().awaitRunning(name + "-source", 1, TIMEOUT);
        worker.rest().awaitRunning(name + "-sink", 1, TIMEOUT);
        return copy;
    }

    private static void awaitEqual(String db, String copy) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(TableComparison.rows(dest, copy, "t")).isEqualTo(TableComparison.rows(source, db, "t")));
    }

    private static void delete(String... connectors) {
        for (String c : connectors) {
            worker.rest().delete("connectors/" + c);
        }
    }

    /** A sink applying a versioned stream, and where the destination's binlog was when it began. */
    private record Applying(String db, VersionedStream stream, long total, long seq) {
    }

    /** Starts sink {@code name}-sink on a stream of {@code keys} keys, reaching the destination at host:port; returns at a quarter applied. */
    private static Applying applyingAQuarter(String name, int keys, String host, int port) {
        String db = dest.createDatabase(name + "_apply");
        VersionedStream stream = new VersionedStream(name + "." + db + ".t", keys, 3);
        long total = stream.produce(connect);
        long seq = BinlogAudit.lastSeq(dest);
        worker.rest().configure(name + "-sink", streamSink(stream.topic(), "jdbc:mariadb://" + host + ":" + port + "/"));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> VersionedStream.applied(dest, name + "-sink") >= total / 4);
        return new Applying(db, stream, total, seq);
    }

    @Test
    void theSinkRidesOutADestinationCrashMidApplyAndAppliesNothingTwice() {
        int warningsBefore = worker.logLines(RETRYING).size();
        Applying a = applyingAQuarter("dc", 20_000, dest.host(), dest.port());
        long total = a.total();
        dest.halt(true); // SIGKILL: whatever the sink had not committed is rolled back by InnoDB's recovery
        sleep(6_000);
        dest.startAgain();
        long back = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> VersionedStream.applied(dest, "dc-sink") == total);
        long caughtUpMs = (System.nanoTime() - back) / 1_000_000L;
        a.stream().assertApplied(dest, a.db(), "t");
        int transactions = VersionedStream.assertCheckpointsRise(dest, a.seq(), "dc-sink").transactions();
        List<String> warnings = worker.logLines(RETRYING);
        System.out.printf("Destination crashed (SIGKILL) for 6 s in the middle of %d records: the sink retried with backoff "
                + "and had applied everything %d ms after the server was back; %d sink transactions in the destination's "
                + "binlog, checkpoints strictly rising; log: %s%n", total, caughtUpMs, transactions,
                warnings.subList(warningsBefore, warnings.size()));
        assertThat(warnings.size() - warningsBefore).as("the outage is reported once, not at every attempt").isEqualTo(1);
        delete("dc-sink");
    }

    @Test
    void aResetAndRefusedConnectionToTheDestinationIsRetriedUntilItReturns() {
        Applying a;
        try (TcpProxy proxy = TcpProxy.to(dest.host(), dest.port())) {
            a = applyingAQuarter("dx", 10_000, proxy.host(), proxy.port());
            long total = a.total();
            proxy.cut(); // open connections reset, new ones refused
            sleep(5_000);
            long appliedDuringCut = VersionedStream.applied(dest, "dx-sink");
            proxy.restore();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> VersionedStream.applied(dest, "dx-sink") == total);
            System.out.printf("Connection to the destination reset and refused for 5 s at %d of %d records; the sink "
                    + "reconnected (%d connections through the proxy) and applied the rest%n", appliedDuringCut, total,
                    proxy.connectionsAccepted());
            assertThat(appliedDuringCut).isLessThan(total);
        }
        a.stream().assertApplied(dest, a.db(), "t");
        VersionedStream.assertCheckpointsRise(dest, a.seq(), "dx-sink");
        delete("dx-sink");
    }

    @Test
    void theSourceFollowsItsServerThroughARestartWithoutAGap() {
        String db = source.createDatabase("restart_source");
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(40))");
        String copy = link("rs", db, 7601, source.host(), source.port());
        try (Writer writer = new Writer(source, db)) {
            await().atMost(TIMEOUT).until(() -> rows(copy) > 200);
            source.halt(false); // a clean restart, as for an upgrade
            long lastBefore = writer.committed.get();
            sleep(5_000);
            source.startAgain();
            long back = System.nanoTime();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() ->
                    ((Number) dest.queryValue(copy, "SELECT COALESCE(MAX(id), 0) FROM t")).longValue() > lastBefore);
            System.out.printf("Source server restarted (down 5 s): changes made after it reached the destination %d ms after "
                    + "the server was back (%d writes refused while it was down)%n", (System.nanoTime() - back) / 1_000_000L,
                    writer.refused.get());
            sleep(1_000);
        }
        awaitEqual(db, copy);
        delete("rs-source", "rs-sink");
    }

    @Test
    void aNetworkBlackHoleToTheSourceLongerThanItsTimeoutsEndsWithoutAGap() {
        String db = source.createDatabase("blackhole");
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(40))");
        try (TcpProxy proxy = TcpProxy.to(source.host(), source.port())) {
            String copy = link("bh", db, 7602, proxy.host(), proxy.port());
            try (Writer writer = new Writer(source, db)) {
                await().atMost(TIMEOUT).until(() -> rows(copy) > 200);
                proxy.blackhole(); // every packet dropped: only the client's keep-alive and timeouts notice
                sleep(3_000);
                long stalled = rows(copy);
                sleep(12_000);
                long lastDuring = writer.committed.get();
                assertThat(rows(copy)).as("nothing reaches the destination through the black hole").isEqualTo(stalled);
                proxy.restore();
                long back = System.nanoTime();
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() ->
                        ((Number) dest.queryValue(copy, "SELECT COALESCE(MAX(id), 0) FROM t")).longValue() >= lastDuring);
                System.out.printf("Network to the source dropped every packet for 15 s (%d rows written meanwhile): "
                        + "everything written during the outage reached the destination %d ms after the network returned "
                        + "(%d connections through the proxy)%n", lastDuring, (System.nanoTime() - back) / 1_000_000L,
                        proxy.connectionsAccepted());
                sleep(1_000);
            }
            awaitEqual(db, copy);
        }
        delete("bh-source", "bh-sink");
    }
}
