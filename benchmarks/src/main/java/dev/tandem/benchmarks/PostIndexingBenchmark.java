package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Full migration (schema + snapshot) of one table with three non-unique secondary indexes,
 * MariaDB → Tandem source → Kafka → Tandem sink → MariaDB, with the indexes created with the
 * table and with post-indexing (created after the rows), one after the other in one worker.
 * Timed from registering the connectors until the destination holds every row and all indexes.
 */
public final class PostIndexingBenchmark {

    private PostIndexingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        Path out = Path.of("benchmarks/target/post-indexing-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --rows N, --out FILE)");
            }
        }
        System.out.printf("Post-indexing benchmark: full migration of %,d rows x 10 columns with three secondary indexes%n", rows);
        Map<String, String> settings = Map.of("innodb_buffer_pool_size", "768M", "innodb_log_file_size", "256M",
                "max_allowed_packet", "256M");
        try (MariaDbServer source = MariaDbServer.start("pi-src", settings);
             MariaDbServer dest = MariaDbServer.start("pi-dst", settings);
             ConnectCluster connect = ConnectCluster.builder().name("post-indexing-benchmark").start()) {
            source.execute("", "CREATE DATABASE bench");
            source.execute("bench", "CREATE TABLE t (id BIGINT PRIMARY KEY, c_int INT, c_name VARCHAR(64), c_city VARCHAR(16), "
                    + "c_amount DECIMAL(12,2), c_score DOUBLE, c_created DATETIME(3), c_day DATE, c_flag TINYINT, c_note VARCHAR(120), "
                    + "KEY ix_name (c_name), KEY ix_amount (c_amount), KEY ix_created (c_created))",
                    "INSERT INTO t SELECT seq, seq % 1000, CONCAT('name-', (seq * 7919) % 1000003), ELT(1 + seq % 4, 'hz', 'sh', 'bj', "
                            + "'sz'), (seq * 31 % 100000) / 100, seq / 7, '2024-01-01 00:00:00' + INTERVAL (seq * 13 % 9999991) SECOND, "
                            + "'2024-01-01' + INTERVAL (seq % 365) DAY, seq % 2, CONCAT('note ', seq) FROM seq_1_to_" + rows);
            double with = migrate(connect, source, dest, "inline", rows, false);
            double post = migrate(connect, source, dest, "post", rows, true);
            System.out.printf("%n%-44s %10s %10s%n", "contender", "seconds", "rows/s");
            System.out.printf(Locale.ROOT, "%-44s %10.1f %,10.0f%n", "indexes with the table", with, rows / with);
            System.out.printf(Locale.ROOT, "%-44s %10.1f %,10.0f%n", "post-indexing (indexes after the rows)", post, rows / post);
            System.out.printf(Locale.ROOT, "%npost-indexing / indexes with the table, time: %.3f%n", post / with);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, String.format(Locale.ROOT, "{\"rows\":%d,\"inlineSeconds\":%.1f,\"postIndexingSeconds\":%.1f,"
                    + "\"ratio\":%.4f}%n", rows, with, post, post / with));
            System.out.println("written " + out);
        }
    }

    private static double migrate(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, String name, int rows,
                                  boolean postIndexing) throws Exception {
        Map<String, String> src = Links.source(connect, source, name, postIndexing ? 8801 : 8802, "bench.t");
        src.put("tandem.ddl.table.topics", "true");
        Map<String, String> sink = Links.sink(dest, name + ".bench.t", "bench_" + name + ".${table}");
        sink.put("tandem.schema.post.indexing", Boolean.toString(postIndexing));
        long start = System.nanoTime();
        connect.configure(name + "-source", src);
        connect.configure(name + "-sink", sink);
        String db = "bench_" + name;
        while (true) {
            boolean exists = !dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db
                    + "' AND TABLE_NAME = 't'").isEmpty();
            // Rows arrive in key order (the snapshot reads by primary key), so the largest key tells the progress cheaply.
            Object max = exists ? dest.queryValue(db, "SELECT MAX(id) FROM t") : null;
            long n = max == null ? 0 : ((Number) max).longValue();
            long indexes = ((Number) dest.queryValue("", "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS "
                    + "WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = 't' AND NON_UNIQUE = 1")).longValue();
            if (n >= rows && indexes == 3) {
                break;
            }
            Thread.sleep(500);
            if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                throw new IllegalStateException("the migration did not finish in 30 minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        connect.delete(name + "-sink");
        connect.delete(name + "-source");
        System.out.printf(Locale.ROOT, "  %-7s %,d rows and 3 secondary indexes in %.1f s%n", name, rows, seconds);
        return seconds;
    }
}
