package dev.tandem.it;

import dev.tandem.testkit.BinlogAudit;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectRest;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Active-active between real MariaDB regions through one Connect cluster: each link is our source
 * (with the OriginTagger) and our sink (dropping its own region's changes, writing the loop
 * marker). Writers change disjoint keys of the same tables in every region at once; the regions
 * must converge row for row, and each region's binary log — decoded by {@code mariadb-binlog} —
 * must hold exactly its writer's transactions plus the sink's, none of which carries a change
 * that was made in that region: no change comes back, none is applied twice.
 */
class ActiveActiveIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final String CHECKPOINT = "tandem.tandem_checkpoint";
    private static final int ORIGIN_COLUMN = 4;
    private static final int RATE = 60;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(7100);

    private static ConnectCluster connect;
    private static Region east;
    private static Region west;
    private static Region north;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the worker processes' logs stay when a test fails
    static Path work;

    private record Region(String name, MariaDbServer server) {
    }

    private record Link(String source, String sink, String prefix) {
    }

    @BeforeAll
    static void start() {
        east = new Region("east", MariaDbServer.start("east"));
        west = new Region("west", MariaDbServer.start("west"));
        north = new Region("north", MariaDbServer.start("north"));
        connect = ConnectCluster.builder().name("active-active").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, east == null ? null : east.server, west == null ? null : west.server,
                north == null ? null : north.server);
    }

    private static Map<String, String> source(Region from, String prefix, String database, boolean full) {
        return ActiveActiveLinks.source(connect, from.server, from.name, prefix, database, full, SERVER_IDS.incrementAndGet());
    }

    private static Map<String, String> sink(Region from, Region to, String prefix, String database) {
        return ActiveActiveLinks.sink(to.server, from.name, to.name, prefix, database);
    }

    private static Link link(ConnectRest rest, String test, Region from, Region to, String database, boolean full) {
        return link(rest, test, from, to, database, full, false);
    }

    /** A link; with {@code ddl}, DDL travels in the table topics and the sink applies it. */
    private static Link link(ConnectRest rest, String test, Region from, Region to, String database, boolean full, boolean ddl) {
        return link(rest, test, from, to, database, full, ddl, Map.of());
    }

    /** A link whose sink has {@code sinkSettings} besides the usual ones. */
    private static Link link(ConnectRest rest, String test, Region from, Region to, String database, boolean full, boolean ddl,
                             Map<String, String> sinkSettings) {
        String prefix = test + "_" + from.name;
        Link link = new Link(prefix + "-source", test + "-" + from.name + "-to-" + to.name, prefix);
        Map<String, String> source = source(from, prefix, database, full);
        Map<String, String> sink = sink(from, to, prefix, database);
        sink.putAll(sinkSettings);
        if (ddl) {
            source.put("tandem.ddl.table.topics", "true");
            // This class's DDL test syncs DDL on both links of its pair: an explicit override of the one-link rule,
            // which the test first shows validate enforcing.
            source.put("tandem.ddl.both.links", "true");
            sink.put("tandem.ddl.sync", "true");
        }
        rest.configure(link.source, source);
        rest.configure(link.sink, sink);
        rest.awaitRunning(link.source, 1, TIMEOUT);
        rest.awaitRunning(link.sink, 1, TIMEOUT);
        return link;
    }

    private static void delete(ConnectRest rest, Link... links) {
        for (Link l : links) {
            rest.delete("connectors/" + l.sink);
            rest.delete("connectors/" + l.source);
        }
    }

    /** The schema in east and west (the sink creates tables only from their rows, so empty ones too), rows in east. */
    private static void seedPair(String db) {
        createSchema(east, db);
        createSchema(west, db);
        east.server.execute(db, RegionWriter.seed(2_000, List.of("east", "west")));
    }

    private static void createSchema(Region region, String database) {
        region.server.execute("", "CREATE DATABASE " + database);
        region.server.execute(database, RegionWriter.SCHEMA);
    }

    private static void awaitConverged(String database, Region... regions) {
        for (String table : List.of("account", "ledger")) {
            await("every region's " + database + "." + table + " equals " + regions[0].name + "'s").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        var expected = TableComparison.rows(regions[0].server, database, table);
                        for (int i = 1; i < regions.length; i++) {
                            assertThat(TableComparison.rows(regions[i].server, database, table))
                                    .as(regions[i].name + " " + table).isEqualTo(expected);
                        }
                    });
        }
    }

    /** Conflicts a region's sinks recorded for {@code table} (db.table). */
    private static long conflicts(Region region, String table) {
        if (region.server.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'tandem' "
                + "AND TABLE_NAME = 'tandem_conflict'").isEmpty()) {
            return 0;
        }
        return ((Number) region.server.queryValue("", "SELECT COUNT(*) FROM tandem.tandem_conflict WHERE table_name = '"
                + table + "'")).longValue();
    }

    private static double metric(Link link, String name) {
        return DebeziumMetrics.pluginMetric(link.sink, name);
    }

    private static List<RegionWriter> writers(String database, int seeded, Region... regions) {
        List<RegionWriter> writers = new ArrayList<>();
        for (int i = 0; i < regions.length; i++) {
            writers.add(new RegionWriter(regions[i].server, database, regions[i].name, i, seeded, regions.length, RATE).start());
        }
        return writers;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a region's binlog since {@code afterSeq} and prints transactions and rows per kind and origin. */
    private static List<BinlogAudit.Transaction> summarise(Region region, long afterSeq) {
        List<BinlogAudit.Transaction> txs = BinlogAudit.after(region.server, afterSeq, CHECKPOINT, ORIGIN_COLUMN);
        Map<String, long[]> summary = new java.util.TreeMap<>();
        for (BinlogAudit.Transaction t : txs) {
            long[] c = summary.computeIfAbsent(t.ddl() ? "ddl" : t.origin() == null ? "local" : "marked " + t.origin(), k -> new long[2]);
            c[0]++;
            c[1] += t.rows();
        }
        StringBuilder line = new StringBuilder(region.name + "'s binlog since seq " + afterSeq + ":");
        summary.forEach((k, c) -> line.append(' ').append(k).append('=').append(c[0]).append(" txs/").append(c[1]).append(" rows"));
        System.out.println(line);
        return txs;
    }

    /**
     * What a region's binlog holds since {@code afterSeq}: exactly {@code local} transactions of
     * its own writer, no DDL, and otherwise only sink transactions whose marker names another region.
     * Returns the number of sink transactions.
     */
    private static long auditBinlog(Region region, long afterSeq, long local) {
        List<BinlogAudit.Transaction> txs = summarise(region, afterSeq);
        assertThat(txs).as(region.name + ": no DDL while the writers ran").noneMatch(BinlogAudit.Transaction::ddl);
        assertThat(txs.stream().filter(BinlogAudit.Transaction::local).count())
                .as(region.name + ": transactions without a marker are exactly its writer's").isEqualTo(local);
        assertThat(txs.stream().filter(t -> t.origin() != null).map(BinlogAudit.Transaction::origin).distinct())
                .as(region.name + ": no applied transaction carries a change made in " + region.name).doesNotContain(region.name);
        return txs.stream().filter(t -> t.origin() != null).count();
    }

    @Test
    void twoRegionsConvergeAndEachChangeIsAppliedOnceInTheOtherRegionAndNeverBack() {
        String db = "pair";
        seedPair(db);
        ConnectRest rest = connect.rest();
        Link forward = link(rest, "pair", east, west, db, true); // schema + full + incremental
        awaitConverged(db, east, west);
        Link reverse = link(rest, "pair", west, east, db, false); // incremental only
        DebeziumMetrics.awaitStreaming(reverse.prefix, TIMEOUT);
        DebeziumMetrics.awaitStreaming(forward.prefix, TIMEOUT);

        long eastSeq = BinlogAudit.lastSeq(east.server);
        long westSeq = BinlogAudit.lastSeq(west.server);
        double fwdApplied = metric(forward, "records-applied-total");
        double fwdTx = metric(forward, "transactions-committed-total");
        double revApplied = metric(reverse, "records-applied-total");
        double revTx = metric(reverse, "transactions-committed-total");
        double fwdSkipped = metric(forward, "records-skipped-own-origin-total");
        double revSkipped = metric(reverse, "records-skipped-own-origin-total");

        List<RegionWriter> writers = writers(db, 2_000, east, west);
        sleep(Duration.ofSeconds(15));
        long e = writers.get(0).stop();
        long w = writers.get(1).stop();
        // The links apply whole source transactions (tandem.transactions=auto on active-active sinks that read the
        // transaction topic): a delete's tombstone goes with the delete, so one change record per writer transaction.
        long eRecords = writers.get(0).changes();
        long wRecords = writers.get(1).changes();
        awaitConverged(db, east, west);
        await("every change reached the other region's sink, and came back to be dropped").atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(metric(forward, "records-applied-total") - fwdApplied).as("east's change records applied in west")
                    .isEqualTo(eRecords);
            assertThat(metric(reverse, "records-applied-total") - revApplied).as("west's change records applied in east")
                    .isEqualTo(wRecords);
        });
        // A region's own changes come back through the other region's binlog and are dropped by the sink into it
        // (fewer records than were made: a sink batch reduces several changes of one key to the last).
        assertThat(metric(reverse, "records-skipped-own-origin-total") - revSkipped)
                .as("east's changes seen again in west's binlog, dropped by the sink into east").isPositive().isLessThanOrEqualTo(eRecords);
        assertThat(metric(forward, "records-skipped-own-origin-total") - fwdSkipped)
                .as("west's changes seen again in east's binlog, dropped by the sink into west").isPositive().isLessThanOrEqualTo(wRecords);
        sleep(Duration.ofSeconds(2));
        long intoWest = auditBinlog(west, westSeq, w);
        long intoEast = auditBinlog(east, eastSeq, e);
        assertThat(intoWest).as("sink transactions in west's binlog").isEqualTo((long) (metric(forward, "transactions-committed-total") - fwdTx));
        for (Region r : List.of(east, west)) {
            for (String table : List.of("pair.account", "pair.ledger")) {
                assertThat(conflicts(r, table)).as("writers on disjoint keys make no conflict in " + r.name + " " + table)
                        .isZero();
            }
        }
        assertThat(intoEast).as("sink transactions in east's binlog").isEqualTo((long) (metric(reverse, "transactions-committed-total") - revTx));
        System.out.printf("Active-active pair: east wrote %d transactions, west %d; west's binlog holds %d + %d sink "
                + "transactions (all marked east), east's %d + %d (all marked west); no change came back%n", e, w, w, intoWest,
                e, intoEast);
        delete(rest, forward, reverse);
    }

    /**
     * Writers in both regions change the same rows at once (updates of shared rows, deletes racing
     * updates, inserts of the same new keys): under last-writer-wins on a column the writers set,
     * both regions end identical, every updated row holds the write with the greatest value, the
     * conflict tables hold each conflict once, and nothing bounces.
     */
    private static final Map<String, String> LWW = Map.of("tandem.conflict.strategy", "last-writer-wins",
            "tandem.conflict.lww.column", "updated_at", "tandem.conflict.region.order", "east,west,north");

    /** Table {@code item} with 30 identical rows in each region. */
    private static void sharedSchema(String db, List<Region> regions) {
        for (Region r : regions) {
            r.server.execute("", "CREATE DATABASE " + db);
            r.server.execute(db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40), "
                    + "updated_at DATETIME(6) NOT NULL)", "INSERT INTO item SELECT seq, 0, 'seed', '2026-01-01' FROM seq_1_to_30");
        }
    }

    /**
     * A writer per region on the same rows for {@code time}: updates of rows 1-20, deletes (first
     * region) racing updates (the others) of rows 21-30, inserts of the same new keys in every
     * region. One clock gives every write a distinct updated_at, so each shared row's winner is
     * known; {@code midway} runs halfway. Returns the note of each shared row's newest write.
     */
    private static Map<Integer, String> sharedWriters(String db, List<Region> regions, Duration time, Runnable midway)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(
                java.time.LocalDateTime.of(2027, 1, 1, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L);
        Map<Integer, long[]> newest = new java.util.concurrent.ConcurrentHashMap<>();
        Map<Integer, String> newestNote = new java.util.concurrent.ConcurrentHashMap<>();
        long until = System.currentTimeMillis() + time.toMillis();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Region r : regions) {
            boolean deleter = r == regions.get(0);
            Thread t = new Thread(() -> {
                java.util.Random random = new java.util.Random(r.name.hashCode());
                try (var c = r.server.connect(db)) {
                    for (int n = 0; System.currentTimeMillis() < until; n++) {
                        String note = r.name + " " + n;
                        String sql;
                        long ts;
                        synchronized (clock) {
                            ts = clock.addAndGet(1 + random.nextInt(5));
                            if (n % 10 == 9) {
                                int id = 21 + random.nextInt(10);
                                sql = deleter ? "DELETE FROM item WHERE id = " + id
                                        : "UPDATE item SET v = v + 1, note = '" + note + "', updated_at = ? WHERE id = " + id;
                            } else if (n % 10 == 4) {
                                sql = "INSERT IGNORE INTO item VALUES (" + (1000 + n / 10) + ", 0, '" + note + "', ?)";
                            } else {
                                int id = 1 + random.nextInt(20);
                                sql = "UPDATE item SET v = v + 1, note = '" + note + "', updated_at = ? WHERE id = " + id;
                                long[] best = newest.computeIfAbsent(id, k -> new long[1]);
                                if (ts > best[0]) {
                                    best[0] = ts;
                                    newestNote.put(id, note);
                                }
                            }
                        }
                        try (var ps = c.prepareStatement(sql)) {
                            if (sql.contains("?")) {
                                ps.setString(1, java.time.LocalDateTime.ofEpochSecond(ts / 1_000_000L,
                                        (int) (ts % 1_000_000L) * 1000, java.time.ZoneOffset.UTC).toString().replace('T', ' '));
                            }
                            ps.executeUpdate();
                        }
                        Thread.sleep(random.nextInt(4));
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "shared-writer-" + r.name);
            t.start();
            threads.add(t);
        }
        Thread.sleep(time.toMillis() / 2);
        midway.run();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).as("the writers' errors").isEmpty();
        return newestNote;
    }

    /**
     * After shared writers: every region holds the same rows, each shared row its newest write,
     * binlogs are quiet, and each region recorded conflicts, none twice (the same source change of
     * the same row).
     */
    private static void assertConvergedOnNewest(String db, List<Region> regions, Map<Integer, String> newest) {
        await("every region holds the same rows").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            var expected = TableComparison.rows(regions.get(0).server, db, "item");
            for (Region r : regions.subList(1, regions.size())) {
                assertThat(TableComparison.rows(r.server, db, "item")).as(r.name).isEqualTo(expected);
            }
        });
        Map<Region, Long> seqs = new LinkedHashMap<>();
        regions.forEach(r -> seqs.put(r, BinlogAudit.lastSeq(r.server)));
        sleep(Duration.ofSeconds(5));
        regions.forEach(r -> assertThat(BinlogAudit.lastSeq(r.server)).as(r.name + "'s binlog is quiet: nothing bounces")
                .isEqualTo(seqs.get(r)));
        for (var e : newest.entrySet()) {
            assertThat(regions.get(0).server.queryValue(db, "SELECT note FROM item WHERE id = " + e.getKey()))
                    .as("row " + e.getKey() + " holds its newest write").isEqualTo(e.getValue());
        }
        for (Region r : regions) {
            long conflicts = conflicts(r, db + ".item");
            long distinct = ((Number) r.server.queryValue("", "SELECT COUNT(DISTINCT row_key, source_position) "
                    + "FROM tandem.tandem_conflict WHERE table_name = '" + db + ".item'")).longValue();
            System.out.printf("%s recorded %d conflicts: %s%n", r.name, conflicts, r.server.query("", "SELECT conflict_type, "
                    + "outcome, COUNT(*) AS n FROM tandem.tandem_conflict WHERE table_name = '" + db + ".item' GROUP BY "
                    + "conflict_type, outcome"));
            assertThat(conflicts).as(r.name + " recorded conflicts").isPositive();
            assertThat(distinct).as(r.name + ": no change of a row recorded twice").isEqualTo(conflicts);
        }
    }

    /**
     * Writers in both regions change the same rows at once (updates of shared rows, deletes racing
     * updates, inserts of the same new keys): under last-writer-wins on a column the writers set,
     * both regions end identical, every updated row holds the write with the greatest value, the
     * conflict tables hold each conflict once, and nothing bounces.
     */
    @Test
    void writersOnTheSameRowsConvergeUnderLastWriterWinsAndEveryConflictIsRecordedOnce() throws Exception {
        String db = "lww";
        sharedSchema(db, List.of(east, west));
        ConnectRest rest = connect.rest();
        Link forward = link(rest, "lww", east, west, db, false, false, LWW);
        Link reverse = link(rest, "lww", west, east, db, false, false, LWW);
        DebeziumMetrics.awaitStreaming(forward.prefix, TIMEOUT);
        DebeziumMetrics.awaitStreaming(reverse.prefix, TIMEOUT);
        Map<Integer, String> newest = sharedWriters(db, List.of(east, west), Duration.ofSeconds(12), () -> { });
        assertConvergedOnNewest(db, List.of(east, west), newest);
        assertThat(east.server.query("", "SELECT DISTINCT conflict_type FROM tandem.tandem_conflict WHERE table_name = 'lww.item'"))
                .extracting(row -> row.get("conflict_type")).contains("update-row-changed");
        delete(rest, forward, reverse);
    }

    /** The same in a ring of three regions: each change travels the ring, and every region ends on the newest writes. */
    @Test
    void aRingOfThreeRegionsWritingTheSameRowsConvergesUnderLastWriterWins() throws Exception {
        String db = "ringlww";
        List<Region> regions = List.of(east, west, north);
        sharedSchema(db, regions);
        ConnectRest rest = connect.rest();
        Link eastToWest = link(rest, "ringlww", east, west, db, false, false, LWW);
        Link westToNorth = link(rest, "ringlww", west, north, db, false, false, LWW);
        Link northToEast = link(rest, "ringlww", north, east, db, false, false, LWW);
        for (Link l : List.of(eastToWest, westToNorth, northToEast)) {
            DebeziumMetrics.awaitStreaming(l.prefix, TIMEOUT);
        }
        Map<Integer, String> newest = sharedWriters(db, regions, Duration.ofSeconds(10), () -> { });
        assertConvergedOnNewest(db, regions, newest);
        delete(rest, eastToWest, westToNorth, northToEast);
    }

    /**
     * A conflict made on purpose: both sinks paused, the same rows changed in both regions, the
     * sinks resumed. Per-table strategies: {@code ignore} keeps each region's row (the verifier
     * names exactly those rows), {@code region-priority} makes both regions take east's, and
     * {@code fail} stops both sinks with a message naming the row.
     */
    @Test
    void eachStrategyResolvesAConflictAsDocumented() throws Exception {
        String db = "strat";
        for (Region r : List.of(east, west)) {
            r.server.execute("", "CREATE DATABASE " + db);
            for (String t : List.of("t_ignore", "t_priority", "t_fail")) {
                r.server.execute(db, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)",
                        "INSERT INTO " + t + " SELECT seq, 'seed' FROM seq_1_to_5");
            }
            r.server.execute(db, "CREATE TABLE person (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL, v VARCHAR(20) NOT NULL, "
                    + "updated_at DATETIME(6) NOT NULL, UNIQUE KEY uk_email (email))",
                    "INSERT INTO person VALUES (1, 'keep@x', 'seed', '2027-01-01 00:00:00')");
        }
        Map<String, String> strategies = Map.of("tandem.conflict.tables",
                db + ".t_ignore=ignore," + db + ".t_priority=region-priority," + db + ".t_fail=fail," + db
                        + ".person=last-writer-wins:updated_at",
                "tandem.conflict.region.order", "east,west");
        ConnectRest rest = connect.rest();
        Link forward = link(rest, "strat", east, west, db, false, false, strategies);
        Link reverse = link(rest, "strat", west, east, db, false, false, strategies);
        DebeziumMetrics.awaitStreaming(forward.prefix, TIMEOUT);
        DebeziumMetrics.awaitStreaming(reverse.prefix, TIMEOUT);

        whilePaused(rest, List.of(forward, reverse), () -> {
            east.server.execute(db, "UPDATE t_ignore SET v = 'east' WHERE id = 1", "UPDATE t_priority SET v = 'east' WHERE id = 1",
                    "DELETE FROM t_priority WHERE id = 2", "UPDATE t_priority SET v = 'east' WHERE id = 3");
            west.server.execute(db, "UPDATE t_ignore SET v = 'west' WHERE id = 1", "UPDATE t_priority SET v = 'west' WHERE id = 1",
                    "UPDATE t_priority SET v = 'west' WHERE id = 2", "DELETE FROM t_priority WHERE id = 3",
                    "UPDATE t_ignore SET v = 'only west' WHERE id = 4");
            // The same email under different primary keys: west's is newer. Upserting east's row in west would,
            // through ON DUPLICATE KEY UPDATE on the email, overwrite west's row 20 with east's values.
            east.server.execute(db, "INSERT INTO person VALUES (10, 'a@x', 'east', '2027-01-01 00:00:01')");
            west.server.execute(db, "INSERT INTO person VALUES (20, 'a@x', 'west', '2027-01-01 00:00:02')");
        });
        await("region-priority: both regions hold east's rows").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(TableComparison.rows(west.server, db, "t_priority")).isEqualTo(TableComparison.rows(east.server, db,
                            "t_priority"));
                    assertThat(east.server.query(db, "SELECT id, v FROM t_priority ORDER BY id")).extracting(r -> r.get("id")
                            + "=" + r.get("v")).containsExactly("1=east", "3=east", "4=seed", "5=seed");
                    assertThat(east.server.queryValue(db, "SELECT v FROM t_ignore WHERE id = 4")).isEqualTo("only west");
                    assertThat(conflicts(east, db + ".t_ignore") + conflicts(west, db + ".t_ignore")).isEqualTo(2);
                    for (Region r : List.of(east, west)) {
                        assertThat(r.server.query(db, "SELECT id, email, v FROM person ORDER BY id")).as(r.name + "'s person")
                                .extracting(row -> row.get("id") + " " + row.get("email") + " " + row.get("v"))
                                .containsExactly("1 keep@x seed", "20 a@x west");
                    }
                });
        // West's person table looks final before east's row 10 reaches it: wait for its conflict record too.
        await("both regions recorded the unique key collision").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (Region r : List.of(east, west)) {
                        assertThat(r.server.query("", "SELECT conflict_type, outcome FROM tandem.tandem_conflict WHERE table_name = '"
                                + db + ".person'")).extracting(row -> row.get("conflict_type") + " " + row.get("outcome"))
                                .as(r.name + ": the unique key collision, resolved by last-writer-wins")
                                .containsExactly(r == east ? "unique-key-collision applied" : "unique-key-collision kept");
                    }
                });
        assertThat(east.server.queryValue(db, "SELECT v FROM t_ignore WHERE id = 1")).as("ignore keeps east's row").isEqualTo("east");
        assertThat(west.server.queryValue(db, "SELECT v FROM t_ignore WHERE id = 1")).as("ignore keeps west's row").isEqualTo("west");
        var report = new dev.tandem.verifier.Verifier(new dev.tandem.verifier.Verifier.Options(east.server.jdbcUrl(""),
                east.server.user(), east.server.password(), west.server.jdbcUrl(""), west.server.user(), west.server.password(),
                dev.tandem.common.select.ObjectSelection.of(List.of(db + ".t_ignore", db + ".t_priority"), List.of()), List.of(),
                List.of(), 1000, 1, 0, Duration.ofSeconds(1), 0, false)).run();
        System.out.print(report.summary());
        assertThat(report.tables().stream().flatMap(t -> t.differences().stream().map(d -> t.source() + " " + d.kind() + " "
                + d.key()))).as("the verifier names exactly the rows ignore left apart").containsExactly(db + ".t_ignore DIFFERENT id=1");
        // East's t_priority is final before west's changes reach it (each table is its own topic): wait for them.
        await("east recorded west's changes of t_priority").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(east.server.query("", "SELECT conflict_type, strategy, outcome FROM "
                        + "tandem.tandem_conflict WHERE table_name = '" + db + ".t_priority' ORDER BY conflict_type"))
                        .extracting(r -> r.get("conflict_type") + " " + r.get("outcome"))
                        .as("east met west's changes of rows it changed: region-priority kept east's")
                        .containsExactly("delete-row-changed kept", "update-row-changed kept", "update-row-missing kept"));

        whilePaused(rest, List.of(forward, reverse), () -> {
            east.server.execute(db, "UPDATE t_fail SET v = 'east' WHERE id = 5");
            west.server.execute(db, "UPDATE t_fail SET v = 'west' WHERE id = 5");
        });
        await("fail stops the sink naming the row").atMost(TIMEOUT).untilAsserted(() -> {
            String trace = rest.status(forward.sink).path("tasks").path(0).path("trace").asText("");
            assertThat(trace).contains("Conflict on " + db + ".t_fail key {\"id\":5}").contains("update-row-changed")
                    .contains("\"v\":\"west\"").contains("\"v\":\"east\"");
        });
        delete(rest, forward, reverse);
    }

    /** Pauses the links' sinks, runs {@code changes} in the regions, resumes: the sinks meet the changes as conflicts. */
    private static void whilePaused(ConnectRest rest, List<Link> links, Runnable changes) {
        for (Link l : links) {
            rest.put("connectors/" + l.sink + "/pause", "");
        }
        await("sinks paused").atMost(TIMEOUT).until(() -> links.stream().allMatch(l ->
                "PAUSED".equals(rest.status(l.sink).path("tasks").path(0).path("state").asText())));
        changes.run();
        sleep(Duration.ofSeconds(2)); // the sources capture the changes while the sinks wait
        for (Link l : links) {
            rest.put("connectors/" + l.sink + "/resume", "");
        }
    }

    @Test
    void threeRegionsInARingApplyEachChangeOnceInEveryOtherRegion() {
        String db = "ring";
        for (Region r : List.of(east, west, north)) {
            createSchema(r, db);
        }
        east.server.execute(db, RegionWriter.seed(3_000, List.of("east", "west", "north")));
        ConnectRest rest = connect.rest();
        // The two incremental links first, so the seed rows copied into west travel on to north.
        Link westToNorth = link(rest, "ring", west, north, db, false);
        Link northToEast = link(rest, "ring", north, east, db, false);
        DebeziumMetrics.awaitStreaming(westToNorth.prefix, TIMEOUT);
        DebeziumMetrics.awaitStreaming(northToEast.prefix, TIMEOUT);
        Link eastToWest = link(rest, "ring", east, west, db, true);
        awaitConverged(db, east, west, north);
        DebeziumMetrics.awaitStreaming(eastToWest.prefix, TIMEOUT);

        Map<Region, Long> seqs = new LinkedHashMap<>();
        for (Region r : List.of(east, west, north)) {
            seqs.put(r, BinlogAudit.lastSeq(r.server));
        }
        Map<Link, Double> applied = new LinkedHashMap<>();
        Map<Link, Double> tx = new LinkedHashMap<>();
        for (Link l : List.of(eastToWest, westToNorth, northToEast)) {
            applied.put(l, metric(l, "records-applied-total"));
            tx.put(l, metric(l, "transactions-committed-total"));
        }
        List<RegionWriter> writers = writers(db, 3_000, east, west, north);
        sleep(Duration.ofSeconds(15));
        long e = writers.get(0).stop();
        long w = writers.get(1).stop();
        long n = writers.get(2).stop();
        long eRecords = writers.get(0).changes();
        long wRecords = writers.get(1).changes();
        long nRecords = writers.get(2).changes();
        awaitConverged(db, east, west, north);
        sleep(Duration.ofSeconds(3));
        for (Link l : List.of(eastToWest, westToNorth, northToEast)) {
            System.out.printf("%s: applied %.0f (since writers %.0f), skipped %.0f, transactions %.0f%n", l.sink,
                    metric(l, "records-applied-total"), metric(l, "records-applied-total") - applied.get(l),
                    metric(l, "records-skipped-own-origin-total"), metric(l, "transactions-committed-total"));
        }
        System.out.printf("writers: east %d, west %d, north %d%n", e, w, n);
        for (Region r : List.of(east, west, north)) {
            summarise(r, seqs.get(r));
        }
        // Each sink applies its source region's own change records exactly, and the changes that region received
        // from the third one as they reappear in its binlog (at most as many: a sink batch reduces several changes
        // of one key to the last). More would mean a change applied twice.
        await("each sink applied the changes of the two other regions, at most once").atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(metric(eastToWest, "records-applied-total") - applied.get(eastToWest))
                    .isGreaterThan((double) eRecords).isLessThanOrEqualTo((double) eRecords + nRecords);
            assertThat(metric(westToNorth, "records-applied-total") - applied.get(westToNorth))
                    .isGreaterThan((double) wRecords).isLessThanOrEqualTo((double) wRecords + eRecords);
            assertThat(metric(northToEast, "records-applied-total") - applied.get(northToEast))
                    .isGreaterThan((double) nRecords).isLessThanOrEqualTo((double) nRecords + wRecords);
        });
        sleep(Duration.ofSeconds(2));
        assertThat(auditBinlog(west, seqs.get(west), w)).isEqualTo((long) (metric(eastToWest, "transactions-committed-total") - tx.get(eastToWest)));
        assertThat(auditBinlog(north, seqs.get(north), n)).isEqualTo((long) (metric(westToNorth, "transactions-committed-total") - tx.get(westToNorth)));
        assertThat(auditBinlog(east, seqs.get(east), e)).isEqualTo((long) (metric(northToEast, "transactions-committed-total") - tx.get(northToEast)));
        System.out.printf("Ring of three: east %d, west %d, north %d writer transactions; each applied once in the two "
                + "other regions, none came back%n", e, w, n);
        delete(rest, eastToWest, westToNorth, northToEast);
    }

    @Test
    void withDdlSyncOnBothLinksADdlIsAppliedOnceInTheOtherRegionAndNeverComesBack() {
        String db = "ddlpair";
        seedPair(db);
        ConnectRest rest = connect.rest();
        Link forward = link(rest, "ddl", east, west, db, true, true);
        awaitConverged(db, east, west);
        // The one-link rule: the forward sink syncs DDL into west, so a source of west that carries DDL is refused.
        Map<String, String> reverseSource = source(west, "ddl_west", db, false);
        reverseSource.put("tandem.ddl.table.topics", "true");
        await("validate refuses DDL on the second link").atMost(TIMEOUT).untilAsserted(() ->
                assertThat(connect.validationErrors(SourceCaptureIT.SOURCE, reverseSource).get("tandem.ddl.table.topics"))
                        .anySatisfy(e -> assertThat(e).contains("'" + forward.sink + "'", "tandem.ddl.both.links")));
        Link reverse = link(rest, "ddl", west, east, db, false, true); // both links sync DDL: an override of the one-link rule
        DebeziumMetrics.awaitStreaming(reverse.prefix, TIMEOUT);
        DebeziumMetrics.awaitStreaming(forward.prefix, TIMEOUT);
        long eastSeq = BinlogAudit.lastSeq(east.server);
        long westSeq = BinlogAudit.lastSeq(west.server);
        double fwdDdl = metric(forward, "ddl-applied-total");
        double revDdl = metric(reverse, "ddl-applied-total");

        east.server.execute(db, "ALTER TABLE account ADD COLUMN tag VARCHAR(10) NOT NULL DEFAULT 'none'",
                "UPDATE account SET tag = 'east' WHERE id = 2");
        west.server.execute(db, "UPDATE account SET balance = balance + 1 WHERE id = 1");
        await("west has the new column and east's row with it").atMost(TIMEOUT).ignoreExceptions().until(() ->
                "east".equals(String.valueOf(west.server.queryValue(db, "SELECT tag FROM account WHERE id = 2"))));
        west.server.execute(db, "UPDATE account SET tag = 'west' WHERE id = 3");
        awaitConverged(db, east, west);
        sleep(Duration.ofSeconds(5));
        assertThat(metric(forward, "ddl-applied-total") - fwdDdl).as("the ALTER applied in west").isEqualTo(1.0);
        assertThat(metric(reverse, "ddl-applied-total") - revDdl).as("and not again in east").isZero();
        List<BinlogAudit.Transaction> eastTxs = summarise(east, eastSeq);
        List<BinlogAudit.Transaction> westTxs = summarise(west, westSeq);
        assertThat(eastTxs.stream().filter(BinlogAudit.Transaction::ddl).count()).as("east's binlog: its own ALTER only").isEqualTo(1);
        assertThat(westTxs.stream().filter(BinlogAudit.Transaction::ddl).count()).as("west's binlog: the ALTER, once").isEqualTo(1);
        assertThat(eastTxs).as("nothing marked as coming from east reached east").noneMatch(t -> "east".equals(t.origin()));
        delete(rest, forward, reverse);
    }

    /** Shared writers again, and the worker running both links killed with SIGKILL halfway: still converged, nothing twice. */
    @Test
    void killingTheWorkerDuringConflictingTrafficStillConvergesAndRecordsNothingTwice() throws Exception {
        String db = "lwwkill";
        sharedSchema(db, List.of(east, west));
        String group = "active-active-lww-kill";
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        ConnectWorkerProcess[] second = new ConnectWorkerProcess[1];
        try {
            Link forward = link(first.rest(), "lwwkill", east, west, db, false, false, LWW);
            Link reverse = link(first.rest(), "lwwkill", west, east, db, false, false, LWW);
            // The worker is another process (its metrics are not here): a probe each way proves both links stream.
            east.server.execute(db, "INSERT INTO item VALUES (5000, 0, 'probe from east', '2026-01-01')");
            west.server.execute(db, "INSERT INTO item VALUES (5001, 0, 'probe from west', '2026-01-01')");
            await("a probe each way").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() ->
                    !west.server.query(db, "SELECT 1 FROM item WHERE id = 5000").isEmpty()
                            && !east.server.query(db, "SELECT 1 FROM item WHERE id = 5001").isEmpty());
            Map<Integer, String> newest = sharedWriters(db, List.of(east, west), Duration.ofSeconds(16), () -> {
                first.kill(); // SIGKILL: no task stops, no offsets flushed
                second[0] = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
            });
            assertConvergedOnNewest(db, List.of(east, west), newest);
            delete(second[0].rest(), forward, reverse);
        } finally {
            first.kill();
            if (second[0] != null) {
                second[0].close();
            }
        }
    }

    @Test
    void killingTheWorkerInTheMiddleOfTrafficLosesNothingAndLoopsNothing() {
        String db = "killed";
        seedPair(db);
        String group = "active-active-kill";
        ConnectWorkerProcess first = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group, work);
        try {
            Link forward = link(first.rest(), "kill", east, west, db, true);
            awaitConverged(db, east, west);
            Link reverse = link(first.rest(), "kill", west, east, db, false);
            // A probe from west proves the reverse link streams before the writers start.
            west.server.execute(db, "INSERT INTO ledger VALUES (0, 0, 0.00, 'probe')");
            await("the probe from west reaches east").atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> !east.server.query(db, "SELECT 1 FROM ledger WHERE seq = 0").isEmpty());
            awaitConverged(db, east, west);
            long eastSeq = BinlogAudit.lastSeq(east.server);
            long westSeq = BinlogAudit.lastSeq(west.server);

            List<RegionWriter> writers = writers(db, 2_000, east, west);
            sleep(Duration.ofSeconds(8));
            first.kill(); // SIGKILL: no task stops, no offsets flushed
            sleep(Duration.ofSeconds(4));
            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(), group,
                    work)) {
                sleep(Duration.ofSeconds(8));
                long e = writers.get(0).stop();
                long w = writers.get(1).stop();
                awaitConverged(db, east, west);
                sleep(Duration.ofSeconds(5));
                long seqEast = BinlogAudit.lastSeq(east.server);
                long seqWest = BinlogAudit.lastSeq(west.server);
                sleep(Duration.ofSeconds(5));
                assertThat(BinlogAudit.lastSeq(east.server)).as("east's binlog is quiet: nothing bounces").isEqualTo(seqEast);
                assertThat(BinlogAudit.lastSeq(west.server)).as("west's binlog is quiet: nothing bounces").isEqualTo(seqWest);
                long intoWest = auditBinlog(west, westSeq, w);
                long intoEast = auditBinlog(east, eastSeq, e);
                System.out.printf("Worker killed mid-traffic: east wrote %d, west %d transactions; west's binlog holds %d "
                        + "sink transactions marked east, east's %d marked west; converged, nothing looped%n", e, w, intoWest,
                        intoEast);
                delete(second.rest(), forward, reverse);
            }
        } finally {
            first.kill();
        }
    }
}
