package dev.tandem.it;

import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableMapping;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.verifier.Report;
import dev.tandem.verifier.Verifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verifier on two real MariaDB servers: every kind of difference reported exactly (and no
 * false one for equal values written differently), the repair SQL making the next run clean, and
 * no false difference while a link replicates under writes.
 */
class VerifierIT {

    private static MariaDbServer source;
    private static MariaDbServer dest;
    private static ConnectCluster connect;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("verify-src");
        dest = MariaDbServer.start("verify-dst");
        connect = ConnectCluster.builder().name("verifier").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    private static Verifier.Options options(String objects, List<TableMapping> renames, int recheckAttempts, boolean repair) {
        return options(objects, renames, List.of(), recheckAttempts, repair);
    }

    private static Verifier.Options options(String objects, List<TableMapping> renames, List<Verifier.Filter> filters,
                                            int recheckAttempts, boolean repair) {
        return new Verifier.Options(source.jdbcUrl(""), source.user(), source.password(), dest.jdbcUrl(""), dest.user(),
                dest.password(), ObjectSelection.of(List.of(objects), List.of()), renames, filters, 1000, 2, 0,
                Duration.ofSeconds(2), recheckAttempts, repair);
    }

    @Test
    void aLinksRowFilterAndRenameAreTheVerifiersToo() throws Exception {
        source.execute("", "CREATE DATABASE vf", "CREATE DATABASE vf_copy");
        source.execute("vf", "CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2), region VARCHAR(4))",
                "INSERT INTO orders SELECT seq, seq, IF(seq % 2 = 0, 'hz', 'bj') FROM seq_1_to_3000");
        source.execute("vf_copy", "CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2), region VARCHAR(4))");
        // What a link with RowFilter "amount > 100 AND region IN ('hz','sh')" would have written.
        source.execute("", "INSERT INTO vf_copy.orders SELECT * FROM vf.orders WHERE amount > 100 AND region IN ('hz','sh')");
        // Both databases on one server here: the verifier still reads the two sides through its two connections.
        List<TableMapping> renames = List.of(TableMapping.parse("vf.*->vf_copy.*", false));
        List<Verifier.Filter> filters = List.of(Verifier.Filter.parse("vf.orders=amount > 100 AND region IN ('hz','sh')"));
        Verifier.Options sameServer = new Verifier.Options(source.jdbcUrl(""), source.user(), source.password(), source.jdbcUrl(""),
                source.user(), source.password(), ObjectSelection.of(List.of("vf.*"), List.of()), renames, filters, 500, 2, 0,
                Duration.ofSeconds(1), 0, false);
        Report filtered = new Verifier(sameServer).run();
        assertThat(filtered.clean()).as(filtered.summary()).isTrue();
        assertThat(filtered.rows()).as("only the rows the filter keeps are compared").isEqualTo(1450);
        source.execute("vf_copy", "INSERT INTO orders VALUES (3, 3.00, 'bj')", "DELETE FROM orders WHERE id = 3000");
        Report found = new Verifier(sameServer).run();
        assertThat(found.tables().get(0).differences()).extracting(d -> d.kind() + " " + d.key())
                .containsExactlyInAnyOrder("EXTRA id=3", "MISSING id=3000");
        assertThatThrownBy(() -> Verifier.Filter.parse("vf.orders=amount >> 1")).hasMessageContaining("not supported");
    }

    @Test
    void eachKindOfDifferenceIsReportedExactlyAndTheRepairMakesTheNextRunClean() throws Exception {
        source.execute("", "CREATE DATABASE v1");
        dest.execute("", "CREATE DATABASE v1_copy");
        // The destination's types differ where engines and migrations commonly differ: wider DECIMAL scale,
        // finer DATETIME precision. Equal values must still compare equal.
        source.execute("v1", "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b VARCHAR(20), amount DECIMAL(10,2), "
                        + "ratio DOUBLE, f FLOAT, ts DATETIME(3), raw VARBINARY(8), note TEXT NULL)",
                "INSERT INTO t SELECT seq, CONCAT('a', seq), CONCAT('b', seq), seq / 4, seq * 1.5, 0.5, "
                        + "'2024-02-29 12:00:00.123' + INTERVAL seq SECOND, UNHEX(HEX(seq)), IF(seq % 7 = 0, NULL, 'n') "
                        + "FROM seq_1_to_5000");
        dest.execute("v1_copy", "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b VARCHAR(20), amount DECIMAL(12,4), "
                + "ratio DOUBLE, f FLOAT, ts DATETIME(6), raw VARBINARY(8), note TEXT NULL)");
        copy("v1", "v1_copy");
        List<TableMapping> renames = List.of(TableMapping.parse("v1.*->v1_copy.*", false));

        Report same = new Verifier(options("v1.*", renames, 0, false)).run();
        assertThat(same.clean()).as(same.summary()).isTrue();
        assertThat(same.tables().get(0).chunks()).as("5,000 rows in chunks of 1,000, plus the open range above").isEqualTo(6);

        dest.execute("v1_copy",
                "UPDATE t SET a = 'changed' WHERE id = 10",
                "DELETE FROM t WHERE id = 20",
                "INSERT INTO t (id, a) VALUES (99999, 'extra')",
                "UPDATE t SET a = 'a31' WHERE id = 30", "UPDATE t SET a = 'a30' WHERE id = 31", // swapped values
                "UPDATE t SET a = 'p', b = '|qb40' WHERE id = 40",                            // same bytes, split differently
                "UPDATE t SET note = '' WHERE id = 49",                                      // NULL in the source
                "UPDATE t SET ratio = 1.5e2, amount = 25.0000 WHERE id = 100",               // same values, other spelling
                "UPDATE t SET ratio = 150.0000001 WHERE id = 101");
        source.execute("v1", "UPDATE t SET a = 'p|', b = 'qb40' WHERE id = 40");
        Report found = new Verifier(options("v1.*", renames, 0, false)).run();
        System.out.print(found.summary());
        Verifier.TableResult t = found.tables().get(0);
        assertThat(t.differences()).extracting(d -> d.kind() + " " + d.key() + " " + d.columns()).containsExactlyInAnyOrder(
                "DIFFERENT id=10 [a]",
                "MISSING id=20 []",
                "EXTRA id=99999 []",
                "DIFFERENT id=30 [a]",
                "DIFFERENT id=31 [a]",
                "DIFFERENT id=40 [a, b]",
                "DIFFERENT id=49 [note]",
                "DIFFERENT id=101 [ratio]");
        assertThat(found.toJson()).contains("\"kind\":\"EXTRA\",\"key\":\"id=99999\"");
        assertThat(found.repairSql()).contains("DELETE FROM `v1_copy`.`t` WHERE `id` = 99999;")
                .contains("REPLACE INTO `v1_copy`.`t` (`id`, `a`, `b`, `amount`, `ratio`, `f`, `ts`, `raw`, `note`) VALUES ('20', 'a20'");

        Report repaired = new Verifier(options("v1.*", renames, 0, true)).run();
        assertThat(repaired.differences()).isEqualTo(8);
        Report again = new Verifier(options("v1.*", renames, 0, false)).run();
        assertThat(again.clean()).as(again.summary()).isTrue();
    }

    private static void copy(String from, String to) {
        // Through the server's own text rendering, as a migration tool would write the rows.
        List<String> values = new java.util.ArrayList<>();
        for (Map<String, Object> row : source.query(from, "SELECT id, a, b, CAST(amount AS CHAR) AS amount, CAST(ratio AS CHAR) "
                + "AS ratio, CAST(f AS CHAR) AS f, CAST(ts AS CHAR) AS ts, HEX(raw) AS raw, note FROM t")) {
            values.add(String.format("(%s, %s, %s, %s, %s, %s, %s, %s, %s)", row.get("id"), lit(row.get("a")), lit(row.get("b")),
                    row.get("amount"), row.get("ratio"), row.get("f"), lit(row.get("ts")),
                    row.get("raw") == null ? "NULL" : "X'" + row.get("raw") + "'", lit(row.get("note"))));
        }
        dest.execute(to, "INSERT INTO t VALUES " + String.join(", ", values));
    }

    private static String lit(Object v) {
        return v == null ? "NULL" : "'" + v.toString().replace("'", "''") + "'";
    }

    @Test
    void whileALinkReplicatesUnderWritesNoFalseDifferenceIsReported() throws Exception {
        String db = "online";
        source.execute("", "CREATE DATABASE " + db);
        dest.execute("", "CREATE DATABASE " + db);
        source.execute(db, RegionWriter.SCHEMA);
        dest.execute(db, RegionWriter.SCHEMA);
        source.execute(db, RegionWriter.seed(5_000, List.of("east")));
        Map<String, String> src = sourceConfig(connect, source, "online", 6991);
        src.put("tandem.objects", db + ".*");
        connect.configure("online-source", src);
        Map<String, String> sink = sinkConfig(dest, "", "${db}.${table}");
        sink.remove("topics");
        sink.put("topics.regex", "online\\.online\\..*");
        sink.put("consumer.override.metadata.max.age.ms", "2000");
        connect.configure("online-sink", sink);
        Verifier.Options options = options(db + ".*", List.of(), 5, false);
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> new Verifier(options).run().clean());

        try (RegionWriter writer = new RegionWriter(source, db, "east", 0, 5_000, 1, 200).start()) {
            Thread.sleep(2_000);
            Report during = new Verifier(options).run();
            System.out.print(during.summary());
            long written = writer.stop();
            assertThat(written).as("the writer was busy while the verifier ran").isGreaterThan(100);
            assertThat(during.differences()).as("differences reported while replicating: " + during.toJson()).isZero();
            assertThat(during.errors()).isZero();
        }
        connect.delete("online-sink");
        connect.delete("online-source");
    }
}
