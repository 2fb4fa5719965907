package dev.tandem.verifier;

import dev.tandem.common.ServerKind;
import dev.tandem.common.Preset;
import dev.tandem.common.RowRateLimit;

import dev.tandem.common.select.MatchRule;
import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableId;
import dev.tandem.common.select.TableMapping;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares destination tables with their source tables. Each table is split by primary key into
 * ranges of about {@code chunkSize} source rows; each range gets a row count and an
 * order-independent digest on both sides, computed by the database (the sum of two 60-bit slices
 * of each row's SHA-256 over length-prefixed canonical values). Ranges whose digests differ are
 * read row by row on both sides to name every missing, extra and different row. While
 * replication runs, those rows are read again after {@code recheckDelay} (up to
 * {@code recheckAttempts} times) and only differences that persist are reported. Repair SQL makes
 * the destination match the source, and can be applied.
 */
public final class Verifier {

    /** What to compare and how. */
    public record Options(String sourceUrl, String sourceUser, String sourcePassword,
                          String destinationUrl, String destinationUser, String destinationPassword,
                          ObjectSelection objects, List<TableMapping> renames, List<Filter> filters, int chunkSize,
                          int concurrency, long maxRowsPerSecond, Duration recheckDelay, int recheckAttempts,
                          boolean applyRepair) {

        public Options {
            filters = List.copyOf(filters);
            if (chunkSize < 1 || concurrency < 1 || recheckAttempts < 0) {
                throw new IllegalArgumentException("chunk size and concurrency must be positive, recheck attempts not negative");
            }
            renames = List.copyOf(renames);
        }

        /** OceanBase Migration Service's Smooth / Normal / Fast presets as concurrency: 1, 2 and 4 tables-and-chunks at once. */
        public static int concurrencyOf(String preset) {
            return Preset.named(preset).concurrency;
        }
    }

    /**
     * A link's row filter: the source rows of matching tables that the destination should hold. The
     * condition is the RowFilter SMT's (checked with its parser) and is evaluated by the source database.
     */
    public record Filter(MatchRule tables, String condition) {
        public Filter {
            dev.tandem.smt.filter.RowCondition.parse(condition, true); // the SMT's grammar, or an error naming the position
        }

        /** {@code db.table-rule=condition}, e.g. {@code shop.orders_*=amount > 100}. */
        public static Filter parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a filter is db.table=condition, e.g. shop.orders_*=amount > 100: " + spec);
            }
            return new Filter(MatchRule.parse(spec.substring(0, eq)), spec.substring(eq + 1).trim());
        }
    }

    /** One row that differs: {@code MISSING} in the destination, {@code EXTRA} there, or {@code DIFFERENT} in these columns. */
    public record Difference(String kind, String key, List<String> columns) {
    }

    /** The outcome for one table. */
    public record TableResult(TableId source, TableId destination, long sourceRows, int chunks, int mismatchedChunks,
                              int inFlight, List<Difference> differences, List<String> repairSql, double seconds, String error) {
        public long count(String kind) {
            return differences.stream().filter(d -> d.kind().equals(kind)).count();
        }
    }

    private final Options options;

    public Verifier(Options options) {
        this.options = options;
    }

    /** Verifies every selected table and returns the report. */
    public Report run() throws SQLException, InterruptedException {
        List<TableId> tables;
        try (Connection c = DriverManager.getConnection(options.sourceUrl(), options.sourceUser(), options.sourcePassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN ("
                     + "'BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA NOT IN ("
                     + ServerKind.SYSTEM_DATABASES.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", "))
                     + ") ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            tables = new ArrayList<>();
            while (rs.next()) {
                TableId t = new TableId(rs.getString(1), rs.getString(2));
                if (options.objects().selects(t)) {
                    tables.add(t);
                }
            }
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency());
        ConnectionPool connections = new ConnectionPool(options);
        try {
            List<TableResult> results = new ArrayList<>();
            for (TableId t : tables) {
                results.add(verify(t, pool, connections));
            }
            return new Report(results, (System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
            connections.close();
        }
    }

    private TableId destinationOf(TableId source) {
        for (TableMapping m : options.renames()) {
            var mapped = m.map(source);
            if (mapped.isPresent()) {
                return mapped.get();
            }
        }
        return source;
    }

    private TableResult verify(TableId sourceTable, ExecutorService pool, ConnectionPool connections)
            throws SQLException, InterruptedException {
        long started = System.nanoTime();
        TableId destTable = destinationOf(sourceTable);
        Connection src = connections.source();
        Connection dst = connections.destination();
        TableSpec sourceSpec = TableSpec.read(src, sourceTable);
        TableSpec destSpec = TableSpec.read(dst, destTable);
        if (sourceSpec.key().isEmpty()) {
            return failed(sourceTable, destTable, started, "no primary key: tables without one are not compared");
        }
        if (!destSpec.exists()) {
            return failed(sourceTable, destTable, started, "the destination table does not exist");
        }
        List<String> names = sourceSpec.columns().stream().map(Column::name).toList();
        String filter = options.filters().stream().filter(f -> f.tables().matches(sourceTable)).map(Filter::condition)
                .findFirst().orElse(null);
        Side source = new Side(sourceSpec, names, sourceSpec.key(), filter);
        Side destination = new Side(destSpec, names, sourceSpec.key(), null);
        List<List<Object>> bounds = source.boundaries(src, options.chunkSize());
        List<Side.Range> ranges = new ArrayList<>();
        List<Object> lower = null;
        for (List<Object> b : bounds) {
            ranges.add(new Side.Range(lower, b));
            lower = b;
        }
        ranges.add(new Side.Range(lower, null));

        AtomicLong rows = new AtomicLong();
        List<Future<Map<String, Candidate>>> futures = new ArrayList<>();
        // At most maxRowsPerSecond rows read over the run, both sides counted.
        RowRateLimit rate = new RowRateLimit(options.maxRowsPerSecond());
        for (Side.Range range : ranges) {
            futures.add(pool.submit(() -> {
                Connection s = connections.source();
                Connection d = connections.destination();
                Side.Digest a = source.digest(s, range);
                Side.Digest b = destination.digest(d, range);
                rows.addAndGet(a.rows());
                rate.acquire(a.rows() + b.rows());
                if (a.equals(b)) {
                    return Map.of();
                }
                return compare(names, source.rows(s, range), destination.rows(d, range));
            }));
        }
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        int mismatched = 0;
        for (Future<Map<String, Candidate>> f : futures) {
            try {
                Map<String, Candidate> found = f.get();
                if (!found.isEmpty()) {
                    mismatched++;
                }
                candidates.putAll(found);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return failed(sourceTable, destTable, started, "comparison failed: " + cause.getMessage());
            }
        }
        int found = candidates.size();
        for (int attempt = 0; attempt < options.recheckAttempts() && !candidates.isEmpty(); attempt++) {
            Thread.sleep(options.recheckDelay().toMillis());
            List<List<Object>> keys = candidates.values().stream().map(Candidate::keyValues).toList();
            Map<String, Candidate> again = compare(names, source.rows(src, keys), destination.rows(dst, keys));
            again.keySet().retainAll(candidates.keySet());
            candidates = again;
        }
        List<Difference> differences = new ArrayList<>();
        List<String> repair = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            differences.add(c.difference(sourceSpec.key()));
            repair.add(repairStatement(c, source, sourceSpec, destSpec, src));
        }
        repair.removeIf(java.util.Objects::isNull);
        if (options.applyRepair() && !repair.isEmpty()) {
            try (Statement s = dst.createStatement()) {
                for (String sql : repair) {
                    s.execute(sql);
                }
            }
        }
        return new TableResult(sourceTable, destTable, rows.get(), ranges.size(), mismatched, found - candidates.size(),
                differences, repair,
                (System.nanoTime() - started) / 1e9, null);
    }

    private static TableResult failed(TableId source, TableId dest, long started, String error) {
        return new TableResult(source, dest, 0, 0, 0, 0, List.of(), List.of(), (System.nanoTime() - started) / 1e9, error);
    }

    /** A row found different, with its raw key values for re-reading it and its columns that differ. */
    private record Candidate(String kind, List<Object> keyValues, List<String> columns) {
        Difference difference(List<String> keyNames) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < keyNames.size(); i++) {
                Object v = keyValues.get(i);
                parts.add(keyNames.get(i) + "=" + (v instanceof byte[] b ? "0x" + HexFormat.of().formatHex(b) : v));
            }
            return new Difference(kind, String.join(", ", parts), columns);
        }
    }

    private static Map<String, Candidate> compare(List<String> names, Map<String, Side.Row> source,
                                                  Map<String, Side.Row> destination) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        for (Side.Row s : source.values()) {
            Side.Row d = destination.get(s.key());
            if (d == null) {
                out.put(s.key(), new Candidate("MISSING", s.keyValues(), List.of()));
            } else if (!s.values().equals(d.values())) {
                List<String> columns = new ArrayList<>();
                for (int i = 0; i < s.values().size(); i++) {
                    if (!s.values().get(i).equals(d.values().get(i))) {
                        columns.add(names.get(i));
                    }
                }
                out.put(s.key(), new Candidate("DIFFERENT", s.keyValues(), columns));
            }
        }
        for (Side.Row d : destination.values()) {
            if (!source.containsKey(d.key())) {
                out.put(d.key(), new Candidate("EXTRA", d.keyValues(), List.of()));
            }
        }
        return out;
    }

    private String repairStatement(Candidate c, Side source, TableSpec sourceSpec, TableSpec destSpec, Connection src)
            throws SQLException {
        if (c.kind().equals("EXTRA")) {
            List<String> conditions = new ArrayList<>();
            for (int i = 0; i < sourceSpec.key().size(); i++) {
                conditions.add(Column.quote(sourceSpec.key().get(i)) + " = " + literal(c.keyValues().get(i)));
            }
            return "DELETE FROM " + destSpec.qualified() + " WHERE " + String.join(" AND ", conditions) + ";";
        }
        List<String> values = source.literals(src, c.keyValues());
        if (values == null) {
            return null; // gone from the source meanwhile
        }
        List<String> columns = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        for (int i = 0; i < sourceSpec.columns().size(); i++) {
            Column col = sourceSpec.columns().get(i);
            if (destSpec.column(col.name()).isEmpty()) {
                continue;
            }
            columns.add(col.quoted());
            String v = values.get(i);
            literals.add(v == null ? "NULL" : col.isBinary() ? "X'" + (v.length() % 2 == 1 ? "0" + v : v) + "'" : quote(v));
        }
        return "REPLACE INTO " + destSpec.qualified() + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", literals) + ");";
    }

    private static String literal(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof byte[] b) {
            return "X'" + HexFormat.of().formatHex(b) + "'";
        }
        return quote(v.toString());
    }

    /** A string literal that reads back the same with or without NO_BACKSLASH_ESCAPES. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\'' -> out.append("''");
                case '\\' -> out.append("\\\\");
                case '\0' -> out.append("\\0");
                default -> out.append(ch);
            }
        }
        return out.append('\'').toString();
    }

    /** Per-thread connection pairs, with the session settings that make both sides render alike. */
    private static final class ConnectionPool implements AutoCloseable {
        private final Options options;
        private final ThreadLocal<Connection[]> local = new ThreadLocal<>();
        private final Set<Connection> all = Collections.synchronizedSet(new LinkedHashSet<>());

        ConnectionPool(Options options) {
            this.options = options;
        }

        private Connection[] pair() throws SQLException {
            Connection[] p = local.get();
            if (p == null) {
                p = new Connection[] {open(options.sourceUrl(), options.sourceUser(), options.sourcePassword()),
                        open(options.destinationUrl(), options.destinationUser(), options.destinationPassword())};
                local.set(p);
            }
            return p;
        }

        private Connection open(String url, String user, String password) throws SQLException {
            Connection c = DriverManager.getConnection(url, user, password);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION time_zone = '+00:00'");
            }
            all.add(c);
            return c;
        }

        Connection source() throws SQLException {
            return pair()[0];
        }

        Connection destination() throws SQLException {
            return pair()[1];
        }

        @Override
        public void close() {
            synchronized (all) {
                for (Connection c : all) {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // closing at the end: nothing to do
                    }
                }
            }
        }
    }
}
