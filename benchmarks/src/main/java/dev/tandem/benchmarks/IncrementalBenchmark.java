package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Incremental synchronization, MariaDB → Tandem source → Kafka → Tandem sink → MariaDB: a writer
 * inserts rows at a fixed rate (transactions of 10 rows) with their commit time in a column; a
 * reader polls the destination every 10 ms and takes, for each row, the time it became visible
 * minus its commit time. Each rate runs as a one-way link, as an active-active link (source with
 * {@code tandem.region} and the OriginTagger, sink with its region: marker rows, tagging and
 * conflict detection) and as an active-active link without conflict detection, side by side in one
 * worker. Prints p50/p95/p99 latency, the rates reached, the active-active ratios and what
 * conflict detection costs.
 */
public final class IncrementalBenchmark {

    /** How a run's link is set up. */
    private enum Mode {
        ONE_WAY("one-way"), ACTIVE_ACTIVE("active-active"), NO_DETECTION("aa-no-detect");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private record Run(String mode, String rate, long rows, double writeRate, double applyRate, double p50, double p95,
                       double p99, double max) {
    }

    private IncrementalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        List<Integer> rates = List.of(1_000, 5_000, 0);
        Path out = Path.of("benchmarks/target/incremental-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rates" -> rates = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::parseInt).toList();
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --seconds N, --rates 1000,5000,0 (0 = unthrottled), --out FILE)");
            }
        }
        System.out.printf("Incremental benchmark: %d s per run, rates %s rows/s (0 = as fast as one writer goes), one-way, "
                + "active-active, and active-active without conflict detection%n", seconds, rates);
        List<Run> runs = new ArrayList<>();
        try (MariaDbServer source = MariaDbServer.start("inc-src", Map.of("innodb_buffer_pool_size", "256M"));
             MariaDbServer dest = MariaDbServer.start("inc-dst", Map.of("innodb_buffer_pool_size", "256M"));
             ConnectCluster connect = ConnectCluster.builder().name("incremental-benchmark").start()) {
            int n = 0;
            for (int rate : rates) {
                for (Mode mode : Mode.values()) {
                    n++;
                    runs.add(run(connect, source, dest, "inc" + n, rate, seconds, mode));
                }
            }
        }
        System.out.printf("%n%-14s %-12s %10s %12s %12s %9s %9s %9s %9s%n", "mode", "target", "rows", "written/s", "applied/s",
                "p50 ms", "p95 ms", "p99 ms", "max ms");
        StringBuilder json = new StringBuilder("{\"seconds\":" + seconds + ",\"runs\":[");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            System.out.printf(Locale.ROOT, "%-14s %-12s %,10d %,12.0f %,12.0f %9.0f %9.0f %9.0f %9.0f%n", r.mode, r.rate, r.rows,
                    r.writeRate, r.applyRate, r.p50, r.p95, r.p99, r.max);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"mode\":\"%s\",\"target\":\"%s\",\"rows\":%d,"
                    + "\"writtenPerSecond\":%.1f,\"appliedPerSecond\":%.1f,\"p50Ms\":%.1f,\"p95Ms\":%.1f,\"p99Ms\":%.1f,\"maxMs\":%.1f}",
                    r.mode, r.rate, r.rows, r.writeRate, r.applyRate, r.p50, r.p95, r.p99, r.max));
        }
        System.out.println();
        int modes = Mode.values().length;
        for (int i = 0; i + modes - 1 < runs.size(); i += modes) {
            Run plain = runs.get(i);
            Run aa = runs.get(i + 1);
            Run blind = runs.get(i + 2);
            System.out.printf(Locale.ROOT, "target %-10s active-active / one-way: applied/s %.3f, p50 latency %.2f, p99 latency %.2f%n",
                    plain.rate, aa.applyRate / plain.applyRate, aa.p50 / plain.p50, aa.p99 / plain.p99);
            System.out.printf(Locale.ROOT, "target %-10s conflict detection on / off: applied/s %.3f, p50 latency %.2f, "
                    + "p99 latency %.2f%n", plain.rate, aa.applyRate / blind.applyRate, aa.p50 / blind.p50, aa.p99 / blind.p99);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.append("]}\n").toString());
        System.out.println("written " + out);
    }

    private static Run run(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, String name, int rate, int seconds,
                           Mode mode) throws Exception {
        String db = name;
        source.execute("", "CREATE DATABASE " + db);
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, payload VARCHAR(100), committed_at DATETIME(6) NOT NULL)");
        dest.execute("", "CREATE DATABASE " + db);
        dest.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, payload VARCHAR(100), committed_at DATETIME(6) NOT NULL)");
        Map<String, String> src = Links.source(connect, source, name, 8100 + Math.abs(name.hashCode() % 500), db + ".t");
        src.put("tandem.migration.types", "incremental");
        Map<String, String> sink = Links.sink(dest, name + "." + db + ".t", "${db}.${table}");
        if (mode != Mode.ONE_WAY) {
            src.put("tandem.region", "east");
            src.put("transforms", "origin");
            src.put("transforms.origin.type", "dev.tandem.smt.origin.OriginTagger");
            src.put("transforms.origin.region", "east");
            sink.put("tandem.region", "west");
            sink.put("tandem.source.region", "east");
            sink.put("tandem.conflict.detection", Boolean.toString(mode == Mode.ACTIVE_ACTIVE));
        }
        connect.configure(name + "-source", src);
        connect.configure(name + "-sink", sink);
        connect.awaitRunning(name + "-source", 1, java.time.Duration.ofMinutes(2));
        connect.awaitRunning(name + "-sink", 1, java.time.Duration.ofMinutes(2));
        // A first row through the link: both ends are streaming before the clock starts.
        source.execute(db, "INSERT INTO t VALUES (0, 'warm-up', NOW(6))");
        long waitUntil = System.currentTimeMillis() + 120_000;
        while (dest.query(db, "SELECT id FROM t WHERE id = 0").isEmpty()) {
            if (System.currentTimeMillis() > waitUntil) {
                throw new IllegalStateException("the link " + name + " does not deliver");
            }
            Thread.sleep(100);
        }

        AtomicLong written = new AtomicLong();
        long[] latencies = new long[1 << 16];
        int[] count = {0};
        long start = System.nanoTime();
        Thread writer = new Thread(() -> write(source, db, rate, seconds, written), "writer");
        writer.start();
        long lastSeen = 0;
        long firstVisible = 0;
        long lastVisible = 0;
        try (Connection c = dest.connect(db);
             PreparedStatement ps = c.prepareStatement("SELECT id, committed_at FROM t WHERE id > ? ORDER BY id")) {
            long deadline = System.nanoTime() + (seconds + 120) * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                ps.setLong(1, lastSeen);
                long now = System.currentTimeMillis();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lastSeen = rs.getLong(1);
                        Timestamp committed = rs.getTimestamp(2);
                        if (count[0] == latencies.length) {
                            latencies = Arrays.copyOf(latencies, latencies.length * 2);
                        }
                        latencies[count[0]++] = now - committed.getTime();
                        lastVisible = System.nanoTime();
                        if (firstVisible == 0) {
                            firstVisible = lastVisible;
                        }
                    }
                }
                if (!writer.isAlive() && lastSeen >= written.get()) {
                    break;
                }
                Thread.sleep(10);
            }
        }
        writer.join();
        double writeSeconds = seconds;
        double applySeconds = (lastVisible - start) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, count[0]);
        Arrays.sort(sorted);
        connect.delete(name + "-sink");
        connect.delete(name + "-source");
        Run r = new Run(mode.label, rate == 0 ? "unthrottled" : String.format("%,d/s", rate),
                written.get(), written.get() / writeSeconds, count[0] / applySeconds, pct(sorted, 50), pct(sorted, 95),
                pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        System.out.printf(Locale.ROOT, "  %-13s %-12s %,d rows written at %,.0f/s, applied at %,.0f/s, latency p50 %.0f ms, "
                + "p99 %.0f ms%n", r.mode, r.rate, r.rows, r.writeRate, r.applyRate, r.p50, r.p99);
        return r;
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Transactions of 10 rows at {@code rate} rows/s (0: as fast as it goes) for {@code seconds}; ids from 1. */
    private static void write(MariaDbServer source, String db, int rate, int seconds, AtomicLong written) {
        try (Connection c = source.connect(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long id = 1;
            while (System.nanoTime() < end) {
                StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
                for (int i = 0; i < 10; i++) {
                    sql.append(i == 0 ? "" : ",").append('(').append(id + i).append(", 'payload of row ").append(id + i)
                            .append("', NOW(6))");
                }
                s.execute(sql.toString());
                c.commit();
                id += 10;
                written.set(id - 1);
                if (rate > 0) {
                    long due = start + (long) ((id - 1) * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed: " + e.getMessage(), e);
        }
    }
}
