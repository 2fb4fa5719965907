package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tandem.it.SourceCaptureIT.SOURCE;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source's precheck through the REST {@code config/validate} endpoint of a real worker:
 * each problem on a real server is reported on the field a user changes to fix it.
 */
class SourcePrecheckIT {

    private static ConnectCluster connect;
    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("precheck");
        connect = ConnectCluster.builder().name("source-precheck").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, db);
    }

    private Map<String, List<String>> validate(Map<String, String> config) {
        return connect.validationErrors(SOURCE, config);
    }

    private Map<String, String> config(MariaDbServer server, String schema) {
        Map<String, String> c = sourceConfig(connect, server, "precheck", 6201);
        c.put("name", "precheck");
        c.put("tandem.objects", schema + ".*");
        return c;
    }

    @Test
    void aCorrectConfigHasNoErrors() {
        String schema = db.createDatabase("ok");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)", "CREATE TABLE u (a INT NOT NULL, UNIQUE KEY (a))");
        Map<String, String> c = config(db, schema);
        c.put("tandem.region", "west");
        assertThat(validate(c)).isEmpty();
    }

    @Test
    void aStatementBinlogIsReportedOnTheServerWithTheFix() {
        try (MariaDbServer statement = MariaDbServer.start("statement", Map.of("binlog_format", "STATEMENT"))) {
            String schema = statement.createDatabase("stmt");
            statement.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)");
            Map<String, List<String>> errors = validate(config(statement, schema));
            assertThat(errors).containsOnlyKeys("database.hostname");
            assertThat(errors.get("database.hostname")).singleElement().asString()
                    .contains("binlog_format is STATEMENT").contains("needs ROW").contains("SET GLOBAL binlog_format='ROW'");
        }
    }

    @Test
    void aUserWithoutReplicationPrivilegesIsReportedOnTheUserWithTheGrant() {
        String schema = db.createDatabase("grants");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)",
                "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pw'",
                "GRANT SELECT ON `" + schema + "`.* TO 'reader'@'%'");
        Map<String, String> c = config(db, schema);
        c.put("database.user", "reader");
        c.put("database.password", "reader-pw");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).containsOnlyKeys("database.user");
        assertThat(errors.get("database.user")).singleElement().asString()
                .contains("'reader' lacks REPLICATION SLAVE, BINLOG MONITOR, RELOAD")
                .contains("GRANT SELECT, RELOAD, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'reader'");
    }

    @Test
    void aTableWithoutAKeyIsAnErrorForActiveActiveOnlyAndNamesTheTable() {
        String schema = db.createDatabase("keys");
        db.execute(schema, "CREATE TABLE keyed (id INT PRIMARY KEY)", "CREATE TABLE loose (a INT, b INT)",
                "CREATE TABLE nullable_unique (a INT NULL, UNIQUE KEY (a))");
        Map<String, String> c = config(db, schema);
        assertThat(validate(c)).as("a warning only, without a region").isEmpty();

        c.put("tandem.region", "west");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).containsOnlyKeys("tandem.objects");
        assertThat(errors.get("tandem.objects")).singleElement().asString()
                .contains("active-active (tandem.region=west) needs a primary key")
                .contains(schema + ".loose").contains(schema + ".nullable_unique").doesNotContain(schema + ".keyed");
    }

    @Test
    void aFlavourThatIsNotTheServersIsReported() {
        String schema = db.createDatabase("flavour");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)");
        Map<String, String> c = config(db, schema);
        c.put("tandem.flavor", "mysql");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).containsOnlyKeys("tandem.flavor");
        assertThat(errors.get("tandem.flavor").get(0)).contains("is mariadb").contains("set tandem.flavor=mariadb or auto");

        c.put("tandem.flavor", "postgres");
        assertThat(validate(c)).containsOnlyKeys("tandem.flavor")
                .hasEntrySatisfying("tandem.flavor", m -> assertThat(m.get(0)).contains("auto, mariadb, mysql, oceanbase"));
    }

    @Test
    void selectionMistakesAreReportedOnTheSelectionFields() {
        String schema = db.createDatabase("sel");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)");
        Map<String, String> c = config(db, schema);

        c.put("tandem.objects", schema + ".no_such_*");
        assertThat(validate(c)).containsOnlyKeys("tandem.objects")
                .hasEntrySatisfying("tandem.objects", m -> assertThat(m.get(0)).contains("no table on the server matches"));

        c.put("tandem.objects", schema + ".ord$$ers");
        assertThat(validate(c)).containsOnlyKeys("tandem.objects")
                .hasEntrySatisfying("tandem.objects", m -> assertThat(m.get(0)).contains("contains '$$'"));

        c.put("tandem.objects", schema + ".t");
        c.put("table.include.list", schema + ".t");
        assertThat(validate(c)).containsKey("tandem.objects")
                .hasEntrySatisfying("tandem.objects", m -> assertThat(m.get(0)).contains("not both"));

        c.remove("table.include.list");
        c.put("tandem.objects.file", "/nonexistent/objects.csv");
        assertThat(validate(c)).containsOnlyKeys("tandem.objects.file")
                .hasEntrySatisfying("tandem.objects.file", m -> assertThat(m.get(0)).contains("cannot read the objects file"));
    }

    @Test
    void anUnreachableServerIsReportedOnTheConnectionFields() {
        Map<String, String> c = config(db, "whatever");
        c.put("database.port", "1");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).isNotEmpty();
        assertThat(errors.keySet()).containsAnyOf("database.hostname", "database.port", "database.user");
    }
}
