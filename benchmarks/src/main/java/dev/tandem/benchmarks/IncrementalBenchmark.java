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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Incremental synchronization against MariaDB's own replication: a writer inserts rows at a fixed
 * rate in transactions of 10 rows, each with its commit time in a column, into one table or into
 * ten (one row in each per transaction); a reader polls the destination every 10 ms and takes, for
 * each row, the time it became visible minus its commit time. Contenders, one after the other on
 * the same servers: a MariaDB replica of the source (row-based, parallel replication), Tandem
 * one-way (source → Kafka → sink), Tandem active-active (source with {@code tandem.region} and the
 * OriginTagger, sink with its region: marker rows, tagging and conflict detection), and
 * active-active without conflict detection. Prints the rates reached, p50/p95/p99 latency, and the
 * ratios Tandem / native, active-active / one-way and detection on / off per rate; with {@code
 * --profile}, where the CPU went during the unthrottled runs (processes, threads, JFR samples).
 */
public final class IncrementalBenchmark {

    /** How a run's changes reach the destination. */
    private enum Mode {
        NATIVE("native"), ONE_WAY("one-way"), ACTIVE_ACTIVE("active-active"), NO_DETECTION("aa-no-detect");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        static Mode of(String label) {
            return Arrays.stream(values()).filter(m -> m.label.equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown mode " + label + " (known: "
                            + Arrays.stream(values()).map(m -> m.label).collect(Collectors.joining(", ")) + ")"));
        }
    }

    private record Run(int tables, String mode, String rate, long rows, double writeRate, double applyRate, double p50, double p95,
                       double p99, double max) {
    }

    /** What every run shares: the servers, the run length, the settings given on the command line, and where profiles go. */
    private record Bench(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, MariaDbServer replica, int seconds,
                         Map<String, String> sourceSettings, Map<String, String> sinkSettings, Path profiles) {
    }

    private IncrementalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int warmupSeconds = 30;
        List<Integer> rates = List.of(1_000, 5_000, 10_000, 0);
        List<Integer> workloads = List.of(1, 10);
        List<Mode> modes = List.of(Mode.values());
        Map<String, String> sourceSettings = new LinkedHashMap<>();
        Map<String, String> sinkSettings = new LinkedHashMap<>();
        Path profiles = null;
        Path out = Path.of("benchmarks/target/incremental-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--rates" -> rates = ints(args[++i]);
                case "--tables" -> workloads = ints(args[++i]);
                case "--modes" -> modes = Arrays.stream(args[++i].split(",")).map(String::trim).map(Mode::of).toList();
                case "--source" -> put(sourceSettings, args[++i]);
                case "--sink" -> put(sinkSettings, args[++i]);
                case "--profile" -> profiles = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --seconds N, --warmup-seconds N, --rates 1000,5000,10000,0 (0 = unthrottled), --tables 1,10, "
                        + "--modes native,one-way,active-active,aa-no-detect, --source KEY=VALUE, --sink KEY=VALUE, "
                        + "--profile DIR, --out FILE)");
            }
        }
        System.out.printf("Incremental benchmark: %d s per run, rates %s rows/s (0 = as fast as one writer goes), %s table(s), "
                + "modes %s%s%s%n", seconds, rates, workloads, modes.stream().map(m -> m.label).toList(),
                sourceSettings.isEmpty() ? "" : ", source " + sourceSettings, sinkSettings.isEmpty() ? "" : ", sink " + sinkSettings);
        List<Run> runs = new ArrayList<>();
        Map<String, String> server = Map.of("innodb_buffer_pool_size", "256M");
        try (MariaDbServer source = MariaDbServer.start("inc-src", server);
             MariaDbServer dest = MariaDbServer.start("inc-dst", server);
             MariaDbServer replica = modes.contains(Mode.NATIVE) ? MariaDbServer.start("inc-replica", replicaSettings()) : null;
             ConnectCluster connect = ConnectCluster.builder().name("incremental-benchmark").start()) {
            Bench bench = new Bench(connect, source, dest, replica, seconds, sourceSettings, sinkSettings, profiles);
            int n = 0;
            if (warmupSeconds > 0) {
                // The JIT compiles the link's code once, untimed: the first timed Tandem run does not pay for a cold JVM.
                Run warm = run(new Bench(connect, source, dest, null, warmupSeconds, sourceSettings, sinkSettings, null),
                        "incw", 1, 0, Mode.ONE_WAY);
                System.out.printf(Locale.ROOT, "  (warm-up, not counted: %,d rows at %,.0f/s)%n", warm.rows(), warm.applyRate());
            }
            for (int tables : workloads) {
                for (int rate : rates) {
                    for (Mode mode : modes) {
                        n++;
                        runs.add(run(bench, "inc" + n, tables, rate, mode));
                    }
                }
            }
        }
        report(runs, seconds, out);
    }

    /** MariaDB's replica as a user sets it up for throughput: parallel, optimistic, its own binlog kept (it may be promoted). */
    private static Map<String, String> replicaSettings() {
        return Map.of("innodb_buffer_pool_size", "256M", "slave_parallel_threads", "4", "slave_parallel_mode", "optimistic",
                "log_slave_updates", "ON");
    }

    private static List<Integer> ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void put(Map<String, String> settings, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, got " + keyValue);
        }
        settings.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
    }

    private static void report(List<Run> runs, int seconds, Path out) throws Exception {
        System.out.printf("%n%-6s %-14s %-12s %10s %10s %10s %8s %8s %8s %8s %8s%n", "tables", "mode", "target", "rows", "written/s",
                "applied/s", "applied/", "p50 ms", "p95 ms", "p99 ms", "max ms");
        System.out.printf("%-6s %-14s %-12s %10s %10s %10s %8s%n", "", "", "", "", "", "", "written");
        StringBuilder json = new StringBuilder("{\"seconds\":" + seconds + ",\"runs\":[");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            System.out.printf(Locale.ROOT, "%-6d %-14s %-12s %,10d %,10.0f %,10.0f %8.3f %,8.0f %,8.0f %,8.0f %,8.0f%n", r.tables, r.mode,
                    r.rate, r.rows, r.writeRate, r.applyRate, r.applyRate / r.writeRate, r.p50, r.p95, r.p99, r.max);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"tables\":%d,\"mode\":\"%s\",\"target\":\"%s\","
                    + "\"rows\":%d,\"writtenPerSecond\":%.1f,\"appliedPerSecond\":%.1f,\"p50Ms\":%.1f,\"p95Ms\":%.1f,\"p99Ms\":%.1f,"
                    + "\"maxMs\":%.1f}", r.tables, r.mode, r.rate, r.rows, r.writeRate, r.applyRate, r.p50, r.p95, r.p99, r.max));
        }
        System.out.println();
        Map<String, List<Run>> byRate = runs.stream().collect(Collectors.groupingBy(r -> r.tables + " " + r.rate, LinkedHashMap::new,
                Collectors.toList()));
        for (List<Run> same : byRate.values()) {
            String what = String.format(Locale.ROOT, "%d table%s, target %-11s", same.get(0).tables, same.get(0).tables == 1 ? " " : "s",
                    same.get(0).rate);
            Run nativeRun = find(same, Mode.NATIVE);
            Run oneWay = find(same, Mode.ONE_WAY);
            Run aa = find(same, Mode.ACTIVE_ACTIVE);
            Run blind = find(same, Mode.NO_DETECTION);
            ratio(what, "Tandem one-way / native", oneWay, nativeRun);
            ratio(what, "Tandem active-active / native", aa, nativeRun);
            ratio(what, "active-active / one-way", aa, oneWay);
            ratio(what, "conflict detection on / off", aa, blind);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.append("]}\n").toString());
        System.out.println("written " + out);
    }

    private static Run find(List<Run> runs, Mode mode) {
        return runs.stream().filter(r -> r.mode.equals(mode.label)).findFirst().orElse(null);
    }

    private static void ratio(String what, String label, Run a, Run b) {
        if (a == null || b == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "%s %-30s applied/s %.3f, p50 latency %.2f, p99 latency %.2f%n", what, label + ":",
                a.applyRate / b.applyRate, a.p50 / b.p50, a.p99 / b.p99);
    }

    private static List<String> tableNames(int tables) {
        return IntStream.range(0, tables).mapToObj(i -> "t" + i).toList();
    }

    private static Run run(Bench b, String name, int tables, int rate, Mode mode) throws Exception {
        String db = name;
        List<String> names = tableNames(tables);
        String[] ddl = names.stream().map(t -> "CREATE TABLE " + t
                + " (id BIGINT PRIMARY KEY, payload VARCHAR(100), committed_at DATETIME(6) NOT NULL)").toArray(String[]::new);
        b.source.execute("", "CREATE DATABASE " + db);
        b.source.execute(db, ddl);
        MariaDbServer dest = mode == Mode.NATIVE ? b.replica : b.dest;
        if (mode == Mode.NATIVE) {
            replicate(b.source, b.replica);
        }
        dest.execute("", "CREATE DATABASE " + db);
        dest.execute(db, ddl);
        if (mode == Mode.NATIVE) {
            b.replica.execute("", "START SLAVE");
        } else {
            startLink(b, name, db, names, mode);
        }
        // A first row through every table: both ends are streaming before the clock starts.
        b.source.transaction(db, names.stream().map(t -> "INSERT INTO " + t + " VALUES (0, 'warm-up', NOW(6))").toArray(String[]::new));
        long waitUntil = System.currentTimeMillis() + 120_000;
        for (String t : names) {
            while (dest.query(db, "SELECT id FROM " + t + " WHERE id = 0").isEmpty()) {
                if (System.currentTimeMillis() > waitUntil) {
                    throw new IllegalStateException("the " + mode.label + " link " + name + " does not deliver");
                }
                Thread.sleep(100);
            }
        }

        CpuProfile profile = b.profiles != null && rate == 0
                ? CpuProfile.start(Map.of("source mariadbd", b.source.pid(), "destination mariadbd", dest.pid()),
                b.profiles.resolve(mode.label + "-" + tables + ".jfr"))
                : null;
        if (profile != null) {
            Files.createDirectories(b.profiles);
        }
        AtomicLong written = new AtomicLong();
        Latencies latencies = new Latencies();
        long start = System.nanoTime();
        Thread writer = new Thread(() -> write(b.source, db, names, rate, b.seconds, written), "writer");
        writer.start();
        long lastVisible = read(dest, db, names, writer, written, latencies, b.seconds);
        writer.join();
        String profileReport = profile == null ? null : profile.stop(14);
        double applySeconds = (lastVisible - start) / 1e9;
        long[] sorted = latencies.sorted();
        if (mode == Mode.NATIVE) {
            b.replica.execute("", "STOP SLAVE");
        } else {
            b.connect.delete(name + "-sink");
            b.connect.delete(name + "-source");
        }
        Run r = new Run(tables, mode.label, rate == 0 ? "unthrottled" : String.format("%,d/s", rate), written.get(),
                written.get() / (double) b.seconds, sorted.length / applySeconds, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        System.out.printf(Locale.ROOT, "  %-2d %-13s %-12s %,d rows written at %,.0f/s, applied at %,.0f/s, latency p50 %.0f ms, "
                + "p99 %.0f ms%n", tables, r.mode, r.rate, r.rows, r.writeRate, r.applyRate, r.p50, r.p99);
        System.out.println("     tail: " + latencies.tail(r.p95));
        if (profileReport != null) {
            System.out.print(profileReport);
        }
        return r;
    }

    /** Points the replica at the source's current binlog position (it starts with START SLAVE). */
    private static void replicate(MariaDbServer source, MariaDbServer replica) {
        Map<String, Object> at = source.query("", "SHOW MASTER STATUS").get(0);
        replica.execute("", "STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='" + source.host() + "', MASTER_PORT=" + source.port()
                + ", MASTER_USER='" + source.user() + "', MASTER_PASSWORD='" + source.password() + "', MASTER_LOG_FILE='"
                + at.get("File") + "', MASTER_LOG_POS=" + at.get("Position") + ", MASTER_USE_GTID=no");
    }

    /** Registers the run's Tandem source and sink and waits until both run. */
    private static void startLink(Bench b, String name, String db, List<String> tables, Mode mode) {
        Map<String, String> src = Links.source(b.connect, b.source, name, 8100 + Math.abs(name.hashCode() % 500),
                tables.stream().map(t -> db + "." + t).collect(Collectors.joining(",")));
        src.put("tandem.migration.types", "incremental");
        Links.shippedSourceSettings(src);
        Map<String, String> sink = Links.sink(b.dest, tables.stream().map(t -> name + "." + db + "." + t)
                .collect(Collectors.joining(",")), "${db}.${table}");
        if (mode != Mode.ONE_WAY) {
            src.put("tandem.region", "east");
            src.put("transforms", "origin");
            src.put("transforms.origin.type", "dev.tandem.smt.origin.OriginTagger");
            src.put("transforms.origin.region", "east");
            sink.put("tandem.region", "west");
            sink.put("tandem.source.region", "east");
            sink.put("tandem.conflict.detection", Boolean.toString(mode == Mode.ACTIVE_ACTIVE));
        }
        src.putAll(b.sourceSettings);
        sink.putAll(b.sinkSettings);
        b.connect.configure(name + "-source", src);
        b.connect.configure(name + "-sink", sink);
        b.connect.awaitRunning(name + "-source", 1, Duration.ofMinutes(2));
        b.connect.awaitRunning(name + "-sink", 1, Duration.ofMinutes(2));
    }

    /** Every row's latency in milliseconds (visible in the destination minus its commit time), and when it was seen. */
    private static final class Latencies {
        private long[] values = new long[1 << 16];
        private long[] seenAt = new long[1 << 16];
        private int count;

        void add(long ms, long seenAtMillis) {
            if (count == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
                seenAt = Arrays.copyOf(seenAt, seenAt.length * 2);
            }
            seenAt[count] = seenAtMillis;
            values[count++] = ms;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(values, count);
            Arrays.sort(s);
            return s;
        }

        /**
         * Where the rows slower than {@code threshold} ms lie in time: in how many of the run's
         * seconds, and the worst second. Spread over most seconds, the tail is a steady cost; in a
         * few seconds, a stall (a commit, a flush, a pause) that held everything behind it.
         */
        String tail(double threshold) {
            if (count == 0) {
                return "no rows";
            }
            long first = seenAt[0];
            Map<Long, long[]> bySecond = new java.util.TreeMap<>(); // second → {rows above, max latency}
            long seconds = (seenAt[count - 1] - first) / 1000 + 1;
            for (int i = 0; i < count; i++) {
                if (values[i] > threshold) {
                    long[] v = bySecond.computeIfAbsent((seenAt[i] - first) / 1000, k -> new long[2]);
                    v[0]++;
                    v[1] = Math.max(v[1], values[i]);
                }
            }
            if (bySecond.isEmpty()) {
                return "no row above " + Math.round(threshold) + " ms";
            }
            var worst = bySecond.entrySet().stream().max(java.util.Comparator.comparingLong(e -> e.getValue()[0])).orElseThrow();
            long[] afterFirstSecond = java.util.stream.IntStream.range(0, count).filter(i -> seenAt[i] - first >= 1000)
                    .mapToLong(i -> values[i]).sorted().toArray();
            return String.format(Locale.ROOT, "rows above %.0f ms were seen in %d of %d seconds; the most in second %d: %d rows, "
                    + "up to %d ms; p99 without the first second %.0f ms", threshold, bySecond.size(), seconds, worst.getKey(),
                    worst.getValue()[0], worst.getValue()[1], pct(afterFirstSecond, 99));
        }
    }

    /**
     * Polls every table for rows past the last seen every 10 ms until the writer is done and every
     * row it wrote is visible (or two minutes after the writer's end); returns when the last row
     * became visible (System.nanoTime).
     */
    private static long read(MariaDbServer dest, String db, List<String> tables, Thread writer, AtomicLong written,
                             Latencies latencies, int seconds) throws Exception {
        long lastVisible = 0;
        long[] lastSeen = new long[tables.size()];
        long seen = 0;
        try (Connection c = dest.connect(db)) {
            List<PreparedStatement> polls = new ArrayList<>();
            for (String t : tables) {
                polls.add(c.prepareStatement("SELECT id, committed_at FROM " + t + " WHERE id > ? ORDER BY id"));
            }
            long deadline = System.nanoTime() + (seconds + 120) * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < tables.size(); i++) {
                    PreparedStatement ps = polls.get(i);
                    ps.setLong(1, lastSeen[i]);
                    long now = System.currentTimeMillis();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lastSeen[i] = rs.getLong(1);
                            Timestamp committed = rs.getTimestamp(2);
                            latencies.add(now - committed.getTime(), now);
                            lastVisible = System.nanoTime();
                            seen++;
                        }
                    }
                }
                if (!writer.isAlive() && seen >= written.get()) {
                    break;
                }
                Thread.sleep(10);
            }
            for (PreparedStatement ps : polls) {
                ps.close();
            }
        }
        return lastVisible;
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /**
     * Transactions of 10 rows at {@code rate} rows/s (0: as fast as it goes) for {@code seconds};
     * ids from 1. One table: one INSERT of 10 rows. Ten tables: one row in each, an INSERT each.
     */
    private static void write(MariaDbServer source, String db, List<String> tables, int rate, int seconds, AtomicLong written) {
        try (Connection c = source.connect(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long id = 1;
            while (System.nanoTime() < end) {
                if (tables.size() == 1) {
                    StringBuilder sql = new StringBuilder("INSERT INTO " + tables.get(0) + " VALUES ");
                    for (int i = 0; i < 10; i++) {
                        sql.append(i == 0 ? "" : ",").append(row(id + i));
                    }
                    s.execute(sql.toString());
                } else {
                    for (int i = 0; i < 10; i++) {
                        s.execute("INSERT INTO " + tables.get(i % tables.size()) + " VALUES " + row(id + i));
                    }
                }
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

    private static String row(long id) {
        return "(" + id + ", 'payload of row " + id + "', NOW(6))";
    }
}
