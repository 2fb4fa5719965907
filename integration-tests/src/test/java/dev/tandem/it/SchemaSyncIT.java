package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.DebeziumMetrics;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schema migration and DDL synchronization through a real worker: the source puts each table's
 * schema-change events into the table's topic ({@code tandem.ddl.table.topics}), the sink creates
 * the destination tables from the snapshot's CREATE TABLE (every key, default, comment and
 * collation), adds non-unique indexes after the rows with post-indexing, and applies later DDL in
 * order with the rows; unsupported DDL stops the sink with the statement, or is skipped and counted.
 */
class SchemaSyncIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("schema-src");
        dest = MariaDbServer.start("schema-dst");
        connect = ConnectCluster.builder().name("schema-sync").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    private static void link(String name, String db, String copy, Map<String, String> sinkExtra, int serverId) {
        Map<String, String> src = sourceConfig(connect, source, name, serverId);
        src.put("tandem.objects", db + ".*");
        src.put("tandem.ddl.table.topics", "true");
        connect.configure(name + "-source", src);
        Map<String, String> sink = sinkConfig(dest, "", copy + ".${table}");
        sink.remove("topics");
        sink.put("topics.regex", name + "\\." + db + "\\..*");
        sink.put("consumer.override.metadata.max.age.ms", "2000");
        sink.put("tandem.ddl.sync", "true");
        sink.putAll(sinkExtra);
        connect.configure(name + "-sink", sink);
    }

    /** A table's definition as information_schema describes it: columns, indexes, comment and collation. */
    private static List<Map<String, Object>> definition(MariaDbServer server, String db, String table) {
        List<Map<String, Object>> d = new java.util.ArrayList<>(server.query("", "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
                + "COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '"
                + db + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION"));
        d.addAll(server.query("", "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = '" + table + "' ORDER BY INDEX_NAME, SEQ_IN_INDEX"));
        d.addAll(server.query("", "SELECT TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                + db + "' AND TABLE_NAME = '" + table + "'"));
        return d;
    }

    private static void awaitSame(String db, String copy, String table) {
        await(copy + "." + table + " has " + db + "." + table + "'s definition and rows").atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(definition(dest, copy, table)).isEqualTo(definition(source, db, table));
                    assertThat(TableComparison.rows(dest, copy, table)).isEqualTo(TableComparison.rows(source, db, table));
                });
    }

    private static boolean hasIndex(String db, String table, String index) {
        return !dest.query("", "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '" + db + "' AND TABLE_NAME = '"
                + table + "' AND INDEX_NAME = '" + index + "'").isEmpty();
    }

    @Test
    void tablesAreMigratedWithTheirFullDefinitionIndexesFollowTheRowsAndLaterDdlIsApplied() throws Exception {
        source.execute("", "CREATE DATABASE sm");
        source.execute("sm",
                "CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT, customer VARCHAR(40) NOT NULL DEFAULT 'anon' COMMENT 'who', "
                        + "amount DECIMAL(10,2) NOT NULL DEFAULT 0.00, created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), "
                        + "note TEXT, PRIMARY KEY (id), UNIQUE KEY uk_customer_created (customer, created), KEY ix_amount (amount), "
                        + "KEY ix_created (created)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='orders'",
                "CREATE TABLE order_lines (order_id BIGINT NOT NULL, line INT NOT NULL, sku VARCHAR(20) CHARACTER SET latin1, "
                        + "qty INT DEFAULT 1, PRIMARY KEY (order_id, line), KEY ix_sku (sku))",
                "INSERT INTO orders (customer, amount, created, note) SELECT CONCAT('c', seq), seq / 100, "
                        + "'2024-01-01' + INTERVAL seq SECOND, IF(seq % 3 = 0, NULL, 'n') FROM seq_1_to_60000",
                "INSERT INTO order_lines SELECT seq DIV 3, seq % 3, CONCAT('sku', seq % 50), seq % 7 FROM seq_1_to_900");
        link("sm", "sm", "sm_copy", Map.of("tandem.schema.post.indexing", "true"), 6801);

        // Post-indexing: while the rows of orders load, its secondary indexes are not there yet.
        AtomicBoolean loadingWithoutIndex = new AtomicBoolean();
        await("orders loading without its secondary indexes").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            Object rows = dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sm_copy' "
                    + "AND TABLE_NAME = 'orders'").isEmpty() ? 0 : dest.queryValue("", "SELECT COUNT(*) FROM sm_copy.orders");
            if (((Number) rows).longValue() > 0 && !hasIndex("sm_copy", "orders", "ix_amount")) {
                loadingWithoutIndex.set(true);
            }
            return loadingWithoutIndex.get() || hasIndex("sm_copy", "orders", "ix_amount");
        });
        assertThat(loadingWithoutIndex).as("rows were loaded while ix_amount was absent").isTrue();
        awaitSame("sm", "sm_copy", "orders");
        awaitSame("sm", "sm_copy", "order_lines");
        assertThat(hasIndex("sm_copy", "orders", "ix_amount") && hasIndex("sm_copy", "orders", "ix_created")).isTrue();
        assertThat(hasIndex("sm_copy", "orders", "uk_customer_created")).isTrue();

        // DDL during streaming, each with rows written before and after it.
        source.execute("sm",
                "ALTER TABLE orders ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'new' AFTER amount",
                "UPDATE orders SET status = 'paid' WHERE id <= 10",
                "ALTER TABLE orders MODIFY COLUMN note VARCHAR(200) NULL",
                "ALTER TABLE orders CHANGE COLUMN status state VARCHAR(12) NOT NULL DEFAULT 'new'",
                "ALTER TABLE orders ADD INDEX ix_state (state), DROP INDEX ix_created",
                "INSERT INTO orders (customer, amount, state, created) VALUES ('late', 1.00, 'shipped', '2025-01-01')",
                "ALTER TABLE order_lines DROP COLUMN qty",
                "INSERT INTO order_lines VALUES (9999, 1, 'skuX')",
                "CREATE TABLE refunds (id INT PRIMARY KEY, order_id BIGINT NOT NULL, reason VARCHAR(50) DEFAULT 'n/a', "
                        + "KEY ix_order (order_id)) COMMENT 'refunds'",
                "INSERT INTO refunds VALUES (1, 5, 'broken'), (2, 6, DEFAULT)",
                "CREATE TABLE scratch (id INT PRIMARY KEY)",
                "INSERT INTO scratch VALUES (1)",
                "RENAME TABLE scratch TO scratch_old",
                "INSERT INTO scratch_old VALUES (2)",
                "CREATE TABLE gone (id INT PRIMARY KEY)",
                "INSERT INTO gone VALUES (1)",
                "DROP TABLE gone");
        awaitSame("sm", "sm_copy", "orders");
        awaitSame("sm", "sm_copy", "order_lines");
        awaitSame("sm", "sm_copy", "refunds");
        awaitSame("sm", "sm_copy", "scratch_old");
        await("gone is dropped").atMost(TIMEOUT).until(() -> dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE "
                + "TABLE_SCHEMA = 'sm_copy' AND TABLE_NAME IN ('gone', 'scratch')").isEmpty());
        assertThat(DebeziumMetrics.pluginMetric("sm-sink", "ddl-applied-total")).isGreaterThanOrEqualTo(11);
        connect.delete("sm-sink");
        connect.delete("sm-source");
    }

    @Test
    void aSinkRestartedWhileTheRowsLoadStillAddsTheIndexesItHeldBack() throws Exception {
        source.execute("", "CREATE DATABASE pr");
        source.execute("pr", "CREATE TABLE t (id BIGINT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20), KEY ix_k (k), KEY ix_v (v))",
                "INSERT INTO t SELECT seq, seq % 100, CONCAT('v', seq) FROM seq_1_to_40000");
        Map<String, String> src = sourceConfig(connect, source, "pr", 6805);
        src.put("tandem.objects", "pr.t");
        src.put("tandem.ddl.table.topics", "true");
        src.put("tandem.full.chunk.size", "2000");
        src.put("tandem.full.rows.per.second", "8000"); // about 5 s of copying
        connect.configure("pr-source", src);
        Map<String, String> sink = sinkConfig(dest, "pr.pr.t", "pr_copy.${table}");
        sink.put("tandem.schema.post.indexing", "true");
        connect.configure("pr-sink", sink);
        await("the first rows in, without the indexes").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() ->
                !dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'pr_copy' AND TABLE_NAME = 't'")
                        .isEmpty() && ((Number) dest.queryValue("", "SELECT COUNT(*) FROM pr_copy.t")).longValue() > 0);
        assertThat(hasIndex("pr_copy", "t", "ix_k")).as("held back while the rows load").isFalse();
        // A new task: what the old one held back in memory is gone; it resumes after the CREATE TABLE it applied.
        connect.delete("pr-sink");
        connect.configure("pr-sink", sink);
        awaitSame("pr", "pr_copy", "t");
        assertThat(hasIndex("pr_copy", "t", "ix_k") && hasIndex("pr_copy", "t", "ix_v")).isTrue();
        connect.delete("pr-sink");
        connect.delete("pr-source");
    }

    @Test
    void anExistingTableIsCheckedForCompatibilityInsteadOfRecreated() {
        source.execute("", "CREATE DATABASE ex");
        source.execute("ex", "CREATE TABLE ok (id INT PRIMARY KEY, a INT, b VARCHAR(10))", "INSERT INTO ok VALUES (1, 1, 'x')",
                "CREATE TABLE bad (id INT PRIMARY KEY, a INT, b VARCHAR(10))", "INSERT INTO bad VALUES (1, 1, 'x')");
        dest.execute("", "CREATE DATABASE ex_copy");
        dest.execute("ex_copy", "CREATE TABLE ok (id INT PRIMARY KEY, a BIGINT, b VARCHAR(10), extra INT DEFAULT 7)",
                "CREATE TABLE bad (id INT PRIMARY KEY, a INT)");
        Map<String, String> src = sourceConfig(connect, source, "ex", 6803);
        src.put("tandem.objects", "ex.ok");
        src.put("tandem.ddl.table.topics", "true");
        connect.configure("ex-ok-source", src);
        connect.configure("ex-ok-sink", sinkConfig(dest, "ex.ex.ok", "ex_copy.${table}"));
        await("the compatible table gets the rows").atMost(TIMEOUT).until(() -> !dest.query("ex_copy", "SELECT 1 FROM ok WHERE id = 1").isEmpty());
        assertThat(dest.queryValue("ex_copy", "SELECT extra FROM ok WHERE id = 1")).as("kept as it was, not recreated").isEqualTo(7);

        Map<String, String> bad = sourceConfig(connect, source, "exbad", 6804);
        bad.put("tandem.objects", "ex.bad");
        bad.put("tandem.ddl.table.topics", "true");
        connect.configure("ex-bad-source", bad);
        connect.configure("ex-bad-sink", sinkConfig(dest, "exbad.ex.bad", "ex_copy.${table}"));
        await("the incompatible table stops the sink, naming the missing column").atMost(TIMEOUT).untilAsserted(() ->
                assertThat(connect.status("ex-bad-sink").tasks()).singleElement().satisfies(task -> {
                    assertThat(task.state()).isEqualTo("FAILED");
                    assertThat(task.trace()).contains("ex_copy.bad exists but lacks the source's column(s) [b]");
                }));
        for (String c : List.of("ex-ok-sink", "ex-ok-source", "ex-bad-sink", "ex-bad-source")) {
            connect.delete(c);
        }
    }

    @Test
    void unsupportedDdlStopsTheSinkWithTheStatementOrIsSkippedAndCounted() {
        source.execute("", "CREATE DATABASE un");
        source.execute("un", "CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1)");
        link("un", "un", "un_fail", Map.of(), 6802);
        Map<String, String> skip = sinkConfig(dest, "", "un_skip.${table}");
        skip.remove("topics");
        skip.put("topics.regex", "un\\.un\\..*");
        skip.put("consumer.override.metadata.max.age.ms", "2000");
        skip.put("tandem.ddl.sync", "true");
        skip.put("tandem.ddl.unsupported", "skip");
        connect.configure("un-skip-sink", skip);
        await().atMost(TIMEOUT).until(() -> !dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'un_skip' "
                + "AND TABLE_NAME = 't'").isEmpty() && !dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE "
                + "TABLE_SCHEMA = 'un_fail' AND TABLE_NAME = 't'").isEmpty());

        source.execute("un", "ALTER TABLE t ENGINE=InnoDB ROW_FORMAT=COMPACT", "INSERT INTO t VALUES (2, 2)");
        await("the failing sink stops, naming the statement").atMost(TIMEOUT).untilAsserted(() -> {
            var status = connect.status("un-sink");
            assertThat(status.tasks()).singleElement().satisfies(task -> {
                assertThat(task.state()).isEqualTo("FAILED");
                assertThat(task.trace()).contains("ALTER TABLE t ENGINE=InnoDB ROW_FORMAT=COMPACT")
                        .contains("tandem.ddl.unsupported=skip");
            });
        });
        await("the skipping sink goes on").atMost(TIMEOUT).until(() -> !dest.query("un_skip", "SELECT 1 FROM t WHERE id = 2").isEmpty());
        assertThat(DebeziumMetrics.pluginMetric("un-skip-sink", "ddl-skipped-total")).isEqualTo(1.0);
        connect.delete("un-skip-sink");
        connect.delete("un-sink");
        connect.delete("un-source");
    }
}
