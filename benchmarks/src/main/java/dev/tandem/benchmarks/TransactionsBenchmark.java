package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole source transactions ({@code tandem.transactions=whole}) against batched ones, side by side in
 * one run on the same servers:
 * <ul>
 *   <li>apply rate: the same backlog of source transactions of 10 new rows — in one table, and split
 *   5 + 5 over two tables — already in Kafka, applied by a new sink in each mode (two rounds, the
 *   order swapped in the second; the better of the two is kept), timed from its first committed
 *   checkpoint to its last;</li>
 *   <li>a large transaction on a live link: one source transaction of {@code --large-rows} new rows,
 *   timed from its commit in the source to its first and to its last row visible in the destination.</li>
 * </ul>
 */
public final class TransactionsBenchmark {

    private static final String[] MODES = {"batched", "whole"};

    private record Apply(String workload, String mode, int round, long rows, double seconds) {
        double rate() {
            return rows / seconds;
        }
    }

    private record Large(String mode, long rows, long firstMs, long lastMs) {
    }

    private TransactionsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int transactions = 20_000;
        int largeRows = 300_000;
        Path out = Path.of("benchmarks/target/transactions-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--transactions" -> transactions = Integer.parseInt(args[++i].replace("_", ""));
                case "--large-rows" -> largeRows = Integer.parseInt(args[++i].replace("_", ""));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --transactions N, --large-rows N, --out FILE)");
            }
        }
        System.out.printf("Transactions benchmark: %,d source transactions of 10 rows per workload, then one transaction of "
                + "%,d rows; tandem.transactions=batched vs whole%n", transactions, largeRows);
        List<Apply> applies = new ArrayList<>();
        List<Large> larges = new ArrayList<>();
        try (MariaDbServer source = MariaDbServer.start("txn-src", Map.of("innodb_buffer_pool_size", "512M"));
             MariaDbServer dest = MariaDbServer.start("txn-dst", Map.of("innodb_buffer_pool_size", "512M"));
             ConnectCluster connect = ConnectCluster.builder().name("transactions-benchmark").start()) {
            for (String workload : List.of("single", "multi")) {
                List<String> topics = backlog(connect, source, workload, transactions);
                long rows = 10L * transactions;
                for (int round = 1; round <= 2; round++) {
                    for (int m = 0; m < MODES.length; m++) {
                        String mode = MODES[round == 1 ? m : MODES.length - 1 - m];
                        applies.add(apply(connect, dest, workload, topics, rows, mode, round));
                    }
                }
            }
            larges.addAll(large(connect, source, dest, largeRows));
        }

        System.out.printf("%n%-8s %-8s %6s %10s %10s %12s%n", "workload", "mode", "round", "rows", "seconds", "applied/s");
        StringBuilder json = new StringBuilder("{\"transactions\":" + transactions + ",\"largeRows\":" + largeRows + ",\"apply\":[");
        for (int i = 0; i < applies.size(); i++) {
            Apply a = applies.get(i);
            System.out.printf(Locale.ROOT, "%-8s %-8s %6d %,10d %10.2f %,12.0f%n", a.workload, a.mode, a.round, a.rows, a.seconds,
                    a.rate());
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"workload\":\"%s\",\"mode\":\"%s\",\"round\":%d,"
                    + "\"rows\":%d,\"seconds\":%.3f,\"rowsPerSecond\":%.1f}", a.workload, a.mode, a.round, a.rows, a.seconds, a.rate()));
        }
        System.out.println();
        for (String workload : List.of("single", "multi")) {
            double batched = best(applies, workload, "batched");
            double whole = best(applies, workload, "whole");
            System.out.printf(Locale.ROOT, "%-6s table(s): whole %,.0f rows/s, batched %,.0f rows/s (the better of two rounds): "
                    + "whole / batched %.3f%n", workload, whole, batched, whole / batched);
        }
        json.append("],\"large\":[");
        System.out.printf("%nOne transaction of %,d rows on a live link, from its commit in the source:%n", largeRows);
        for (int i = 0; i < larges.size(); i++) {
            Large l = larges.get(i);
            System.out.printf(Locale.ROOT, "  %-8s first row visible after %,6d ms, all rows after %,6d ms%n", l.mode, l.firstMs,
                    l.lastMs);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"mode\":\"%s\",\"rows\":%d,\"firstVisibleMs\":%d,"
                    + "\"allVisibleMs\":%d}", l.mode, l.rows, l.firstMs, l.lastMs));
        }
        Large batched = larges.get(0);
        Large whole = larges.get(1);
        System.out.printf(Locale.ROOT, "  whole / batched, time to all rows visible: %.3f (%+,d ms); its first row appears %,d ms "
                + "later with whole (all at once)%n", (double) whole.lastMs / batched.lastMs, whole.lastMs - batched.lastMs,
                whole.firstMs - batched.firstMs);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.append("]}\n").toString());
        System.out.println("written " + out);
    }

    private static double best(List<Apply> applies, String workload, String mode) {
        return applies.stream().filter(a -> a.workload.equals(workload) && a.mode.equals(mode)).mapToDouble(Apply::rate).max()
                .orElse(0);
    }

    /**
     * Source transactions of 10 new rows in database {@code workload} (one table, or 5 + 5 rows in two
     * tables) streamed by a source into Kafka; returns the topics a sink reads (the transaction topic last).
     */
    private static List<String> backlog(ConnectCluster connect, MariaDbServer source, String workload, int transactions)
            throws Exception {
        List<String> tables = workload.equals("single") ? List.of("t") : List.of("a", "b");
        source.execute("", "CREATE DATABASE " + workload);
        for (String table : tables) {
            source.execute(workload, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, payload VARCHAR(100) NOT NULL, "
                    + "amount DECIMAL(12,2) NOT NULL)");
        }
        String prefix = "tx" + workload;
        Map<String, String> src = Links.source(connect, source, prefix, 8700 + tables.size(), workload + ".*");
        src.put("tandem.migration.types", "incremental");
        connect.configure(prefix + "-source", src);
        DebeziumMetrics.awaitStreaming(prefix, Duration.ofMinutes(2));
        long started = System.nanoTime();
        try (Connection c = source.connect(workload); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            int perTable = 10 / tables.size();
            long id = 1;
            for (int t = 0; t < transactions; t++) {
                for (String table : tables) {
                    StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
                    for (int i = 0; i < perTable; i++) {
                        long k = id + i;
                        sql.append(i == 0 ? "" : ",").append('(').append(k).append(", 'payload of row ").append(k).append("', ")
                                .append(k % 100_000).append(".25)");
                    }
                    s.execute(sql.toString());
                }
                c.commit();
                id += perTable;
            }
        }
        List<String> topics = new ArrayList<>();
        long rows = 10L * transactions;
        for (String table : tables) {
            topics.add(prefix + "." + workload + "." + table);
        }
        long deadline = System.currentTimeMillis() + 600_000;
        while (topics.stream().mapToLong(t -> connect.recordCount(t, 1)).sum() < rows) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the source did not stream the " + workload + " workload");
            }
            Thread.sleep(200);
        }
        connect.delete(prefix + "-source");
        System.out.printf(Locale.ROOT, "  %s: %,d transactions of 10 rows (%d table(s)) written and in Kafka in %.1f s%n", workload,
                transactions, tables.size(), (System.nanoTime() - started) / 1e9);
        topics.add(prefix + ".transaction");
        return topics;
    }

    /** A new sink applying the backlog in {@code mode} to its own database: timed from its first checkpoint to its last. */
    private static Apply apply(ConnectCluster connect, MariaDbServer dest, String workload, List<String> topics, long rows,
                               String mode, int round) throws Exception {
        String name = "tx-" + workload + "-" + mode + "-" + round;
        String db = mode + "_" + workload + "_" + round;
        Map<String, String> sink = Links.sink(dest, String.join(",", topics), db + ".${table}");
        sink.put("tandem.transactions", mode);
        connect.configure(name, sink);
        List<String> data = topics.subList(0, topics.size() - 1);
        String applied = "SELECT COALESCE(SUM(kafka_offset + 1), 0) FROM tandem.tandem_checkpoint WHERE connector = '" + name
                + "' AND topic IN ('" + String.join("','", data) + "')";
        long first = 0;
        long last;
        long deadline = System.currentTimeMillis() + 600_000;
        while (true) {
            long done;
            try {
                done = ((Number) dest.queryValue("", applied)).longValue();
            } catch (IllegalStateException noCheckpointTableYet) {
                done = 0;
            }
            long now = System.nanoTime();
            if (done > 0 && first == 0) {
                first = now;
            }
            if (done >= rows) {
                last = now;
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(name + " applied " + done + " of " + rows + " records in 10 minutes");
            }
            Thread.sleep(50);
        }
        connect.delete(name);
        long count = 0;
        for (String topic : data) {
            String table = topic.substring(topic.lastIndexOf('.') + 1);
            count += ((Number) dest.queryValue("", "SELECT COUNT(*) FROM " + db + "." + table)).longValue();
        }
        if (count != rows) {
            throw new IllegalStateException(name + " left " + count + " rows, not " + rows);
        }
        Apply a = new Apply(workload, mode, round, rows, (last - first) / 1e9);
        System.out.printf(Locale.ROOT, "  %-6s %-8s round %d: %,d rows in %.2f s, %,.0f rows/s%n", workload, mode, round, rows,
                a.seconds, a.rate());
        return a;
    }

    /** One transaction of {@code rows} new rows on a live link, per mode: commit to first and to last row visible. */
    private static List<Large> large(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, int rows) throws Exception {
        source.execute("", "CREATE DATABASE big");
        source.execute("big", "CREATE TABLE ledger (id BIGINT PRIMARY KEY, note VARCHAR(40) NOT NULL)",
                "INSERT INTO ledger VALUES (0, 'opening')");
        Map<String, String> src = Links.source(connect, source, "txbig", 8790, "big.*");
        connect.configure("txbig-source", src);
        DebeziumMetrics.awaitStreaming("txbig", Duration.ofMinutes(2));
        List<Large> out = new ArrayList<>();
        long from = 1;
        for (String mode : MODES) {
            String name = "txbig-" + mode;
            String table = "big_" + mode + ".ledger";
            Map<String, String> sink = Links.sink(dest, "txbig.big.ledger,txbig.transaction", "big_" + mode + ".${table}");
            sink.put("tandem.transactions", mode);
            connect.configure(name, sink);
            long before = from - 1; // the rows so far, ids 0..from-1, applied before the clock starts
            waitFor(() -> maxId(dest, table) >= before, name + " catching up");
            long to = from + rows - 1;
            source.execute("big", "INSERT INTO ledger SELECT seq, CONCAT('entry ', seq) FROM seq_" + from + "_to_" + to);
            long committed = System.nanoTime();
            long first = 0;
            while (true) {
                long max = maxId(dest, table);
                long now = System.nanoTime();
                if (max >= from && first == 0) {
                    first = now;
                }
                if (max >= to) {
                    out.add(new Large(mode, rows, (first - committed) / 1_000_000, (now - committed) / 1_000_000));
                    break;
                }
                if (now - committed > 600_000_000_000L) {
                    throw new IllegalStateException(name + " did not apply the large transaction in 10 minutes");
                }
                Thread.sleep(20);
            }
            long count = ((Number) dest.queryValue("", "SELECT COUNT(*) FROM " + table)).longValue();
            if (count != to + 1) {
                throw new IllegalStateException(table + " has " + count + " rows, not " + (to + 1));
            }
            Large l = out.get(out.size() - 1);
            System.out.printf(Locale.ROOT, "  large transaction, %-8s first row after %,d ms, all %,d rows after %,d ms%n", mode,
                    l.firstMs, rows, l.lastMs);
            connect.delete(name);
            from = to + 1;
        }
        connect.delete("txbig-source");
        return out;
    }

    private static long maxId(MariaDbServer dest, String table) {
        try {
            Object v = dest.queryValue("", "SELECT COALESCE(MAX(id), -1) FROM " + table);
            return ((Number) v).longValue();
        } catch (IllegalStateException notCreatedYet) {
            return -1;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 600_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + ": not done in 10 minutes");
            }
            Thread.sleep(100);
        }
    }
}
