package dev.tandem.benchmarks;

import dev.tandem.common.select.ObjectSelection;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.verifier.Report;
import dev.tandem.verifier.Verifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The verifier on two local MariaDB servers holding the same 10-column table, against the I/O
 * ceiling: a plain {@code SELECT} of every row on both sides at once, each row read column by
 * column. Prints rows/s and the ratio; writes them as JSON.
 */
public final class VerifierBenchmark {

    private VerifierBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        Path out = Path.of("benchmarks/target/verifier-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --rows N, --out FILE)");
            }
        }
        System.out.printf("Verifier benchmark: %,d rows x 10 columns in two local MariaDB servers%n", rows);
        Map<String, String> settings = Map.of("innodb_buffer_pool_size", "768M", "innodb_log_file_size", "256M");
        try (MariaDbServer a = MariaDbServer.start("verify-a", settings); MariaDbServer b = MariaDbServer.start("verify-b", settings)) {
            for (MariaDbServer s : List.of(a, b)) {
                Links.benchTable(s, "bench", rows);
            }
            // Warm both buffer pools the same way for every contender.
            double select = selectBoth(a, b);
            double selectAgain = selectBoth(a, b);
            double ceiling = rows / Math.min(select, selectAgain);
            List<String[]> lines = new ArrayList<>();
            lines.add(new String[] {"plain SELECT of all rows, both sides at once", String.format(Locale.ROOT, "%,.0f", ceiling), "1.00"});
            StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"rows\":%d,\"selectRowsPerSecond\":%.1f", rows, ceiling));
            for (String preset : List.of("smooth", "normal", "fast")) {
                Verifier.Options options = new Verifier.Options(a.jdbcUrl(""), a.user(), a.password(), b.jdbcUrl(""), b.user(),
                        b.password(), ObjectSelection.of(List.of("bench.*"), List.of()), List.of(), List.of(), 10_000,
                        Verifier.Options.concurrencyOf(preset), 0, Duration.ofSeconds(1), 0, false);
                long start = System.nanoTime();
                Report report = new Verifier(options).run();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (!report.clean()) {
                    throw new IllegalStateException("identical tables reported different:\n" + report.summary());
                }
                double rate = rows / seconds;
                lines.add(new String[] {"verifier, " + preset + " (" + options.concurrency() + " at once), chunks of 10,000",
                        String.format(Locale.ROOT, "%,.0f", rate), String.format(Locale.ROOT, "%.2f", rate / ceiling)});
                json.append(String.format(Locale.ROOT, ",\"verifier_%s_rowsPerSecond\":%.1f", preset, rate));
                System.out.printf("  verifier %-6s: %,d rows in %.1f s%n", preset, rows, seconds);
            }
            System.out.printf("%n%-52s %12s %8s%n", "contender", "rows/s", "ratio");
            for (String[] l : lines) {
                System.out.printf("%-52s %12s %8s%n", l[0], l[1], l[2]);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json.append("}\n").toString());
            System.out.println("written " + out);
        }
    }

    /** Seconds to read every row of both tables at once, each value fetched as text. */
    private static double selectBoth(MariaDbServer a, MariaDbServer b) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Long> left = CompletableFuture.supplyAsync(() -> readAll(a));
        CompletableFuture<Long> right = CompletableFuture.supplyAsync(() -> readAll(b));
        long n = left.get() + right.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  plain SELECT: %,d rows on two servers in %.1f s%n", n, seconds);
        return seconds;
    }

    private static long readAll(MariaDbServer server) {
        try (Connection c = server.connect("bench"); Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            long n = 0;
            try (ResultSet rs = s.executeQuery("SELECT * FROM t")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        rs.getString(i);
                    }
                    n++;
                }
            }
            return n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
