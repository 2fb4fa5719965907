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

    /**
     * The three calls a user makes with a configuration: each answers a failing precheck with the
     * field and the reason — config/validate in its result, the others as Connect's 400 (a 500
     * before, when the answer left a documented option without a value).
     */
    @Test
    void everyRestCallAnswersAFailingPrecheckWithTheFieldAndTheReason() throws Exception {
        String schema = db.createDatabase("rest");
        db.execute(schema, "CREATE TABLE loose (a INT, b INT)");
        Map<String, String> c = config(db, schema);
        c.put("tandem.region", "west");
        c.put("name", "rest-errors");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var rest = connect.rest();

        var validated = rest.send("PUT", "connector-plugins/OceanBaseSourceConnector/config/validate", json.writeValueAsString(c));
        assertThat(validated.status()).isEqualTo(200);
        var result = json.readTree(validated.body());
        assertThat(result.path("error_count").asInt()).isEqualTo(1);
        for (var config : result.path("configs")) {
            assertThat(config.path("value").isObject()).as("a value for " + config.path("definition").path("name")).isTrue();
        }

        String create = json.writeValueAsString(Map.of("name", "rest-errors", "config", c));
        var created = rest.send("POST", "connectors", create);
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.body()).contains("tandem.objects: active-active (tandem.region=west) needs a primary key")
                .contains(schema + ".loose");

        var configured = rest.send("PUT", "connectors/rest-errors/config", json.writeValueAsString(c));
        assertThat(configured.status()).as(configured.body()).isEqualTo(400);
        assertThat(configured.body()).contains("tandem.objects: active-active");
        assertThat(rest.send("GET", "connectors/rest-errors", null).status()).as("nothing was created").isEqualTo(404);
    }

    @Test
    void aWrongPasswordIsReportedOnThePasswordAndNeverShown() throws Exception {
        String schema = db.createDatabase("pw");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)");
        Map<String, String> c = config(db, schema);
        c.put("database.password", "not-the-password");
        c.put("name", "wrong-pw");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).containsOnlyKeys("database.password");
        assertThat(errors.get("database.password")).singleElement().asString()
                .contains("refused the login of '" + db.user() + "'").contains("Access denied").doesNotContain("not-the-password");

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var created = connect.rest().send("POST", "connectors", json.writeValueAsString(Map.of("name", "wrong-pw", "config", c)));
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.body()).contains("database.password: the server at").doesNotContain("not-the-password");
    }

    @Test
    void keyColumnsThatNoUniqueKeyBacksAreRefused() {
        String schema = db.createDatabase("msgkey");
        db.execute(schema, "CREATE TABLE dup (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, n INT)",
                "CREATE TABLE loose (code VARCHAR(10), n INT)");
        Map<String, String> c = config(db, schema);
        c.put("message.key.columns", schema + ".dup:code;" + schema + ".loose:code,n");
        Map<String, List<String>> errors = validate(c);
        assertThat(errors).containsOnlyKeys("message.key.columns");
        assertThat(errors.get("message.key.columns")).hasSize(2);
        assertThat(errors.get("message.key.columns").get(0)).contains("[code] of " + schema + ".dup are not backed by a primary key")
                .contains("leave " + schema + ".dup out of message.key.columns");

        c.put("message.key.columns", schema + ".dup:code,id");
        assertThat(validate(c)).as("columns that include the primary key are unique").isEmpty();
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
