package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tandem.it.SinkApplyIT.SINK;
import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** The sink's precheck through the REST {@code config/validate} endpoint of a real worker. */
class SinkPrecheckIT {

    private static ConnectCluster connect;
    private static MariaDbServer dest;

    @BeforeAll
    static void start() {
        dest = MariaDbServer.start("sink-precheck");
        connect = ConnectCluster.builder().name("sink-precheck").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, dest);
    }

    @Test
    void aCorrectConfigHasNoErrors() {
        assertThat(connect.validationErrors(SINK, sinkConfig(dest, "t", "${db}.${table}"))).isEmpty();
    }

    @Test
    void aUserWhoCannotWriteIsReportedOnTheUserWithTheGrant() {
        dest.execute("", "CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-pw'", "GRANT SELECT ON *.* TO 'reader'@'%'");
        Map<String, String> config = sinkConfig(dest, "t", "${db}.${table}");
        config.put("connection.user", "reader");
        config.put("connection.password", "reader-pw");
        Map<String, List<String>> errors = connect.validationErrors(SINK, config);
        assertThat(errors).containsOnlyKeys("connection.user");
        assertThat(errors.get("connection.user").get(0)).contains("'reader' lacks INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX")
                .contains("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON *.* TO 'reader'");
    }

    @Test
    void aWrongPasswordIsReportedOnThePasswordThroughEveryRestCall() throws Exception {
        Map<String, String> config = sinkConfig(dest, "t", "${db}.${table}");
        config.put("connection.password", "not-the-password");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("connection.password")
                .hasEntrySatisfying("connection.password", m -> assertThat(m.get(0)).contains("refused the login of '"
                        + dest.user() + "'").doesNotContain("not-the-password"));

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        config.put("name", "wrong-pw");
        var created = connect.rest().send("POST", "connectors", json.writeValueAsString(Map.of("name", "wrong-pw",
                "config", config)));
        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.body()).contains("connection.password: the server at");
        var configured = connect.rest().send("PUT", "connectors/wrong-pw/config", json.writeValueAsString(config));
        assertThat(configured.status()).as(configured.body()).isEqualTo(400);
        assertThat(configured.body()).contains("connection.password: the server at").doesNotContain("not-the-password");
    }

    @Test
    void conflictOptionsAreCheckedOnTheirFields() {
        Map<String, String> config = sinkConfig(dest, "t", "${db}.${table}");
        config.put("tandem.region", "west");
        config.put("tandem.source.region", "east");
        config.put("tandem.conflict.strategy", "newest");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.strategy")
                .hasEntrySatisfying("tandem.conflict.strategy", m -> assertThat(m.get(0)).contains("last-writer-wins"));

        config.put("tandem.conflict.strategy", "last-writer-wins");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.lww.column",
                "tandem.conflict.region.order");
        config.put("tandem.conflict.lww.column", "updated_at");
        config.put("tandem.conflict.region.order", "east");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.region.order")
                .hasEntrySatisfying("tandem.conflict.region.order", m -> assertThat(m.get(0)).contains("omits [west]")
                        .contains("tandem.conflict.region.order=east,west"));
        config.put("tandem.conflict.region.order", "east,west");
        assertThat(connect.validationErrors(SINK, config)).isEmpty();

        dest.execute("", "CREATE DATABASE IF NOT EXISTS cshop", "CREATE TABLE cshop.account (id INT PRIMARY KEY, "
                + "note VARCHAR(10), score DOUBLE)");
        config.put("tandem.conflict.tables", "cshop.account=last-writer-wins:changed_at");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.tables")
                .hasEntrySatisfying("tandem.conflict.tables", m -> assertThat(m.get(0)).contains("has no column 'changed_at'"));
        config.put("tandem.conflict.tables", "cshop.account=last-writer-wins:score");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.tables")
                .hasEntrySatisfying("tandem.conflict.tables", m -> assertThat(m.get(0)).contains("is double, which cannot order"));

        config.remove("tandem.region");
        config.remove("tandem.conflict.tables");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.conflict.strategy")
                .hasEntrySatisfying("tandem.conflict.strategy", m -> assertThat(m.get(0)).contains("need tandem.region"));
    }

    @Test
    void anUnreachableDestinationAndFieldMistakesAreReportedOnTheirFields() {
        Map<String, String> config = sinkConfig(dest, "t", "${db}.${table}");
        config.put("connection.url", "jdbc:mariadb://127.0.0.1:1/");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("connection.url")
                .hasEntrySatisfying("connection.url", m -> assertThat(m.get(0)).contains("cannot connect to jdbc:mariadb://127.0.0.1:1/"));

        config = sinkConfig(dest, "t", "${table}");
        config.put("tandem.region", "west");
        config.put("tandem.source.region", "west");
        Map<String, List<String>> errors = connect.validationErrors(SINK, config);
        assertThat(errors).containsOnlyKeys("tandem.table.name.format");

        config = sinkConfig(dest, "t", "${db}.${table}");
        config.put("tandem.region", "west");
        config.put("tandem.source.region", "west");
        assertThat(connect.validationErrors(SINK, config)).containsOnlyKeys("tandem.region");
    }
}
