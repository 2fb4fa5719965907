package dev.tandem.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MariaDbServerTest {

    @Test
    void startsARealServerReadyForBinlogCaptureAndRemovesItOnClose() {
        Path home;
        try (MariaDbServer a = MariaDbServer.start("region-a"); MariaDbServer b = MariaDbServer.start("region-b")) {
            home = a.home();
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.serverId()).isNotEqualTo(b.serverId());
            assertThat(a.queryValue("", "SELECT @@server_id")).hasToString(Integer.toString(a.serverId()));
            assertThat(a.queryValue("", "SELECT @@log_bin")).hasToString("1");
            assertThat(a.queryValue("", "SELECT @@binlog_format")).isEqualTo("ROW");
            assertThat(a.queryValue("", "SELECT @@binlog_row_image")).isEqualTo("FULL");
            assertThat((String) a.queryValue("", "SELECT VERSION()")).contains("MariaDB");

            String db1 = a.createDatabase("orders");
            String db2 = a.createDatabase("orders");
            assertThat(db1).isNotEqualTo(db2);
            a.execute(db1, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'x')");
            assertThat(a.query(db1, "SELECT id, v FROM t")).containsExactly(Map.of("id", 1, "v", "x"));
            a.transaction(db1, "INSERT INTO t VALUES (2, 'y')", "UPDATE t SET v = 'z' WHERE id = 1");
            assertThat(a.queryValue(db1, "SELECT GROUP_CONCAT(v ORDER BY id) FROM t")).isEqualTo("z,y");
        }
        assertThat(Files.exists(home)).as("data directory removed").isFalse();
    }

    @Test
    void extraSettingsOverrideTheDefaults() {
        try (MariaDbServer s = MariaDbServer.start("statement", Map.of("binlog_format", "STATEMENT"))) {
            assertThat(s.queryValue("", "SELECT @@binlog_format")).isEqualTo("STATEMENT");
        }
    }

    @Test
    void aServerThatCannotStartIsReportedWithItsErrorLogAndLeavesNothingRunning() {
        assertThatThrownBy(() -> MariaDbServer.start("broken", Map.of("innodb_buffer_pool_size", "not-a-size",
                "no_such_option", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MariaDB server 'broken' did not start")
                .hasMessageContaining("no_such_option");
    }
}
