package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DDL while streaming, as a team running MySQL-family servers meets it: a source database with its
 * own character set and collation; pt-online-schema-change (the real tool, from Debian's
 * percona-toolkit) and gh-ost's cut-over (its statements replayed, see {@link #ghostMigration})
 * changing a table while an application writes to it; tables created, renamed (and back, and into
 * another selected database) and dropped, with sink restarts in between. After each step both
 * sides have the same databases' defaults, the same tables with the same SHOW CREATE TABLE, and
 * the same rows.
 */
class OnlineSchemaChangeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final List<String> DATABASES = List.of("osc", "osc_b");
    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("osc-src");
        dest = MariaDbServer.start("osc-dst");
        connect = ConnectCluster.builder().name("online-schema-change").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    @Test
    void onlineSchemaChangesRenamesAndNewTablesLeaveBothSidesTheSame() throws Exception {
        // Neither database has the server's defaults (utf8mb4_general_ci on both servers).
        source.execute("", "CREATE DATABASE osc CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                "CREATE DATABASE osc_b CHARACTER SET latin1 COLLATE latin1_general_ci");
        source.execute("osc",
                "CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2) NOT NULL)",
                "INSERT INTO products SELECT seq, CONCAT('p', seq), seq / 10 FROM seq_1_to_20000",
                "CREATE TABLE order_items (id INT PRIMARY KEY, product_id INT NOT NULL, qty INT NOT NULL)",
                "INSERT INTO order_items SELECT seq, seq % 500 + 1, seq % 7 FROM seq_1_to_3000");
        link("osc", "east", 6901, "osc.*,osc_b.*", "east\\.osc(_b)?\\..*");
        awaitSame("the full migration");

        try (Writer writer = new Writer()) {
            // A table created while streaming takes its database's collation, on both sides: 's' and 'ß' are one value
            // for the server's utf8mb4_general_ci (the unique key would refuse the second), two for utf8mb4_unicode_ci.
            source.execute("osc", "CREATE TABLE reviews (id INT PRIMARY KEY, body VARCHAR(100), UNIQUE KEY uk_body (body))",
                    "INSERT INTO reviews VALUES (1, 's'), (2, 'ß')");
            writer.pauseAndDrain();
            awaitSame("a table created while streaming");
            writer.resume();
            assertThat(dest.queryValue("", "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'osc' "
                    + "AND TABLE_NAME = 'reviews'")).isEqualTo("utf8mb4_unicode_ci");

            ptOnlineSchemaChange("ADD COLUMN stock INT NOT NULL DEFAULT 0");
            writer.pauseAndDrain();
            awaitSame("pt-online-schema-change");
            writer.resume();

            ghostMigration(writer, "ADD COLUMN sku VARCHAR(20) NOT NULL DEFAULT ''");
            writer.pauseAndDrain();
            awaitSame("gh-ost's cut-over");
            writer.resume();
            assertThat(writer.written()).as("the application wrote throughout").isGreaterThan(100);
        }

        // Renamed, restarted, renamed back, moved to another selected database, restarted, dropped, created there.
        source.execute("osc", "RENAME TABLE order_items TO order_lines", "INSERT INTO order_lines VALUES (5001, 1, 1)");
        awaitSame("a rename");
        restartSink();
        source.execute("osc", "INSERT INTO order_lines VALUES (5002, 1, 1)");
        awaitSame("a sink restart after a rename");
        Thread.sleep(5_000); // two metadata refreshes: a stale CREATE would have brought order_items back by now
        awaitSame("a sink restart after a rename, later");
        source.execute("osc", "RENAME TABLE order_lines TO order_items", "INSERT INTO order_items VALUES (5003, 2, 2)");
        awaitSame("a rename back");
        source.execute("osc", "RENAME TABLE osc.reviews TO osc_b.reviews", "INSERT INTO osc_b.reviews VALUES (3, 'moved')");
        awaitSame("a rename into another selected database");
        restartSink();
        source.execute("osc_b", "DROP TABLE reviews", "CREATE TABLE notes (id INT PRIMARY KEY, note VARCHAR(30))",
                "INSERT INTO notes VALUES (1, 'latin1 by default')");
        awaitSame("a drop and a create in the second database after a restart");
        assertThat(dest.queryValue("", "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'osc_b' "
                + "AND TABLE_NAME = 'notes'")).isEqualTo("latin1_general_ci");
        assertThat(connect.status("osc-sink").tasks()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        connect.delete("osc-sink");
        connect.delete("osc-source");
    }

    /**
     * A statement the source cannot read (MariaDB's INET6 type is not in Debezium's grammar) stops
     * the source; the sink fails too, naming the statement, instead of staying RUNNING with nothing
     * arriving. Restarted, the sink goes on past the notice (it fails again only if the source stops again).
     */
    @Test
    void aStatementTheSourceCannotReadFailsBothConnectorsNamingIt() {
        source.execute("", "CREATE DATABASE osc_stop");
        source.execute("osc_stop", "CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY, v INT)",
                "INSERT INTO b VALUES (1, 1)");
        link("stop", "stop", 6902, "osc_stop.*", "stop\\.osc_stop\\..*");
        await("the full migration").atMost(TIMEOUT).untilAsserted(() ->
                assertThat(TableComparison.rows(dest, "osc_stop", "b")).isEqualTo(TableComparison.rows(source, "osc_stop", "b")));

        DebeziumMetrics.awaitStreaming("stop", TIMEOUT); // the statement reaches the binlog reader, not the schema rebuild
        String statement = "ALTER TABLE b ADD COLUMN ip INET6";
        source.execute("osc_stop", statement, "INSERT INTO b VALUES (2, 2, '::1')");
        await("both connectors fail naming the statement").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var sourceTask = connect.status("stop-source").tasks().get(0);
            assertThat(sourceTask.state()).isEqualTo("FAILED");
            assertThat(sourceTask.trace()).contains(statement);
            var sinkTask = connect.status("stop-sink").tasks().get(0);
            assertThat(sinkTask.state()).isEqualTo("FAILED");
            assertThat(sinkTask.trace()).contains("The source of this link stopped").contains("'" + statement + "'")
                    .contains("Debezium's parser").contains("stop.osc_stop.b-0@");
        });

        var answer = connect.rest().send("POST", "connectors/stop-sink/restart?includeTasks=true", null);
        assertThat(answer.status()).isBetween(200, 204);
        connect.awaitRunning("stop-sink", 1, TIMEOUT);
        await("the restarted sink went on past the notice").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(connect.status("stop-sink").tasks().get(0).state()).isEqualTo("RUNNING"));
        connect.delete("stop-sink");
        connect.delete("stop-source");
    }

    /**
     * pt-online-schema-change 3.x as its documentation runs it: a shadow table {@code _products_new}
     * created LIKE the table and altered, three triggers copying the application's writes into it,
     * the rows copied in chunks, one RENAME TABLE swapping the two, the old table and the triggers dropped.
     */
    private static void ptOnlineSchemaChange(String alter) throws Exception {
        Path tool = Path.of("/usr/bin/pt-online-schema-change");
        Assumptions.assumeTrue(Files.isExecutable(tool), "pt-online-schema-change is not installed (apt-get install "
                + "percona-toolkit; .ci/run installs it)");
        List<String> command = List.of(tool.toString(), "--alter", alter, "--execute", "--chunk-size", "2000",
                "--recursion-method", "none", "--no-check-replication-filters", "--set-vars", "lock_wait_timeout=30",
                "h=" + source.host() + ",P=" + source.port() + ",u=" + source.user() + ",D=osc,t=products");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MYSQL_PWD", source.password());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pt-online-schema-change:\n" + output).isZero();
        assertThat(output).contains("Swapped original and new tables OK");
    }

    /**
     * gh-ost's migration of {@code products}, with the statements gh-ost 1.1 sends (from its
     * documentation and source: go/logic/applier.go, go/sql/builder.go): the changelog table
     * {@code _products_ghc} with its state and heartbeat rows, the ghost table {@code _products_gho}
     * created LIKE the table and altered, rows copied in chunks with INSERT IGNORE ... SELECT ... LOCK
     * IN SHARE MODE while the application's changes are applied to the ghost (gh-ost reads them from
     * the binlog; here the writer hands them over), then the atomic cut-over: the sentry table
     * {@code _products_del}, LOCK TABLES on one connection, the two-pair RENAME waiting on another,
     * the sentry dropped and the tables unlocked, so the RENAME runs; finally the changelog and the
     * old table dropped. The writer pauses at the cut-over, where gh-ost's lock makes it wait.
     */
    private static void ghostMigration(Writer writer, String alter) throws Exception {
        String t = "`osc`.`products`";
        String ghost = "`osc`.`_products_gho`";
        String changelog = "`osc`.`_products_ghc`";
        String sentry = "`osc`.`_products_del`";
        try (Connection c = source.connect("osc"); Statement s = c.createStatement()) {
            s.execute("drop /* gh-ost */ table if exists " + changelog);
            s.execute("create /* gh-ost */ table " + changelog + " (id bigint unsigned auto_increment, last_update timestamp not "
                    + "null DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, hint varchar(64) charset ascii not null, value "
                    + "varchar(4096) charset ascii not null, primary key(id), unique key hint_uidx(hint)) auto_increment=256 "
                    + "comment='gh-ost changelog'");
            changelog(c, changelog, 0, "state", "GhostTableMigrated");
            s.execute("create /* gh-ost */ table " + ghost + " like " + t);
            s.execute("alter /* gh-ost */ table " + ghost + " " + alter);
            writer.handOverTo(ghost);
            long max = ((Number) source.queryValue("osc", "SELECT MAX(id) FROM products")).longValue();
            for (long from = 0; from <= max; from += 1000) {
                s.execute("insert /* gh-ost " + t + " */ ignore into " + ghost + " (`id`, `name`, `price`, `stock`) (select `id`, "
                        + "`name`, `price`, `stock` from " + t + " force index (`PRIMARY`) where (((`id` > " + from + ")) or ((`id` = "
                        + from + "))) and (((`id` < " + (from + 1000) + "))) lock in share mode)");
                changelog(c, changelog, 1, "heartbeat", java.time.Instant.now().toString());
                writer.applyHandedOver();
            }
            changelog(c, changelog, 0, "state", "AllEventsUpToLockProcessed");
            writer.pauseAndDrain();
            writer.applyHandedOver();
            s.execute("create /* gh-ost */ table " + sentry + " (id int auto_increment primary key) engine=InnoDB "
                    + "comment='ghost-cut-over-sentry'");
            s.execute("lock /* gh-ost */ tables " + t + " write, " + sentry + " write");
            AtomicBoolean renamed = new AtomicBoolean();
            Thread rename = new Thread(() -> {
                try (Connection r = source.connect("osc"); Statement rs = r.createStatement()) {
                    rs.execute("rename /* gh-ost */ table " + t + " to " + sentry + ", " + ghost + " to " + t);
                    renamed.set(true);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            rename.start();
            await("the RENAME waits for the lock").atMost(Duration.ofSeconds(30)).until(() -> !source.query("", "SELECT 1 FROM "
                    + "information_schema.PROCESSLIST WHERE INFO LIKE 'rename /* gh-ost */%'").isEmpty());
            s.execute("drop /* gh-ost */ table if exists " + sentry);
            s.execute("unlock tables");
            rename.join(30_000);
            assertThat(renamed).as("the cut-over RENAME ran").isTrue();
            writer.handOverTo(null);
            writer.resume();
            s.execute("drop /* gh-ost */ table if exists " + changelog);
            s.execute("drop /* gh-ost */ table if exists " + sentry);
        }
    }

    private static void changelog(Connection c, String table, long id, String hint, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert /* gh-ost */ into " + table + " (id, hint, value) values "
                + "(NULLIF(?, 0), ?, ?) on duplicate key update last_update=NOW(), value=VALUES(value)")) {
            ps.setLong(1, id);
            ps.setString(2, hint);
            ps.setString(3, value);
            ps.executeUpdate();
        }
    }

    /** A link with DDL sync from the source server to the destination: {@code <name>-source} and {@code <name>-sink}. */
    private static void link(String name, String prefix, int serverId, String objects, String topicsRegex) {
        Map<String, String> src = sourceConfig(connect, source, prefix, serverId);
        src.put("tandem.objects", objects);
        src.put("tandem.ddl.table.topics", "true");
        connect.configure(name + "-source", src);
        Map<String, String> sink = sinkConfig(dest, "", "${db}.${table}");
        sink.remove("topics");
        sink.put("topics.regex", topicsRegex);
        sink.put("consumer.override.metadata.max.age.ms", "2000"); // topics created later are read within seconds
        sink.put("tandem.ddl.sync", "true");
        connect.configure(name + "-sink", sink);
    }

    private static void restartSink() {
        var answer = connect.rest().send("POST", "connectors/osc-sink/restart?includeTasks=true", null);
        assertThat(answer.status()).isBetween(200, 204);
        connect.awaitRunning("osc-sink", 1, TIMEOUT);
    }

    /** Both sides: the databases' defaults, their tables, each table's SHOW CREATE TABLE and rows. */
    private static void awaitSame(String after) {
        await("both sides the same after " + after).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String db : DATABASES) {
                Map<String, String> tables = createTables(source, db);
                assertThat(createTables(dest, db)).as(db + "'s tables").isEqualTo(tables);
                if (!tables.isEmpty()) { // a database is created in the destination with its first table
                    assertThat(databaseDefaults(dest, db)).as(db + "'s defaults").isEqualTo(databaseDefaults(source, db));
                }
                for (String table : tables.keySet()) {
                    assertThat(TableComparison.rows(dest, db, table)).as(db + "." + table).isEqualTo(TableComparison.rows(source, db, table));
                }
            }
        });
    }

    private static List<Object> databaseDefaults(MariaDbServer server, String db) {
        return new ArrayList<>(server.query("", "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
                + "information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'"));
    }

    /** Each table's SHOW CREATE TABLE, without the AUTO_INCREMENT counter (a server's own state). */
    private static Map<String, String> createTables(MariaDbServer server, String db) {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> row : server.query("", "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                + db + "'")) {
            String table = row.get("TABLE_NAME").toString();
            try {
                Object create = server.query(db, "SHOW CREATE TABLE `" + table + "`").get(0).get("Create Table");
                out.put(table, create.toString().replaceAll(" AUTO_INCREMENT=\\d+", ""));
            } catch (IllegalStateException e) {
                // listed, then dropped before SHOW CREATE (a cut-over's old table): not the same yet, look again
                if (!String.valueOf(e.getMessage()).contains("doesn't exist")) {
                    throw e;
                }
                throw new AssertionError(server + ": " + db + "." + table + " dropped while being read", e);
            }
        }
        return out;
    }

    /**
     * The application: single-row inserts, updates and deletes on osc.products, committed one by one.
     * While a gh-ost migration runs it hands each change over for the ghost table, as gh-ost's binlog
     * reader would.
     */
    private static final class Writer implements AutoCloseable {
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean paused = new AtomicBoolean();
        private final AtomicBoolean idle = new AtomicBoolean();
        private final AtomicLong written = new AtomicLong();
        private final BlockingQueue<long[]> handedOver = new LinkedBlockingQueue<>();
        private volatile String ghost;
        private volatile RuntimeException failure;

        Writer() {
            thread = new Thread(this::run, "osc-writer");
            thread.start();
        }

        private void run() {
            Random random = new Random(7);
            long next = 100_000;
            try (Connection c = source.connect("osc"); Statement s = c.createStatement()) {
                while (running.get()) {
                    if (paused.get()) {
                        idle.set(true);
                        Thread.sleep(20);
                        continue;
                    }
                    idle.set(false);
                    String g = ghost;
                    int op = random.nextInt(10);
                    long id;
                    if (op < 3) {
                        id = next++;
                        s.executeUpdate("INSERT INTO products (id, name, price) VALUES (" + id + ", 'new', 1.00)");
                    } else if (op < 9) {
                        id = 1 + random.nextInt(20_000);
                        s.executeUpdate("UPDATE products SET price = price + 1, name = CONCAT('u', " + written.get() + ") WHERE id = " + id);
                    } else {
                        id = 1 + random.nextInt(20_000);
                        s.executeUpdate("DELETE FROM products WHERE id = " + id);
                    }
                    if (g != null) {
                        handedOver.add(new long[] {id});
                    }
                    written.incrementAndGet();
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException e) {
                failure = new IllegalStateException("the writer failed after " + written.get() + " changes", e);
            }
        }

        long written() {
            check();
            return written.get();
        }

        void handOverTo(String ghostTable) {
            ghost = ghostTable;
            if (ghostTable == null) {
                handedOver.clear();
            }
        }

        /** Applies the handed-over changes to the ghost as gh-ost does (REPLACE INTO for a row that exists, DELETE otherwise). */
        void applyHandedOver() throws SQLException {
            List<long[]> changes = new ArrayList<>();
            handedOver.drainTo(changes);
            try (Connection c = source.connect("osc"); Statement s = c.createStatement()) {
                for (long[] change : changes) {
                    long id = change[0];
                    s.executeUpdate("delete /* gh-ost */ from " + ghost + " where ((`id` = " + id + ")) and not exists "
                            + "(select 1 from `osc`.`products` where `id` = " + id + ")");
                    s.executeUpdate("replace /* gh-ost */ into " + ghost + " (`id`, `name`, `price`, `stock`) select `id`, "
                            + "`name`, `price`, `stock` from `osc`.`products` where `id` = " + id);
                }
            }
        }

        void pauseAndDrain() {
            paused.set(true);
            await("the writer pauses").atMost(Duration.ofSeconds(30)).until(idle::get);
            check();
        }

        void resume() {
            paused.set(false);
        }

        private void check() {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join(10_000);
            check();
        }
    }
}
