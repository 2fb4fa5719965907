package dev.tandem.common;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFailureTest {

    @Test
    void aRefusedLoginPointsAtThePasswordAndSaysTheUserMayBeTheCause() {
        SQLException denied = new SQLInvalidAuthorizationSpecException(
                "(conn=7) Access denied for user 'tandem'@'127.0.0.1' (using password: YES)", "28000", 1045);
        assertThat(ConnectionFailure.field(denied, "host", "user", "password")).isEqualTo("password");
        assertThat(ConnectionFailure.describe(denied, "db:3306", "tandem", "user", "password"))
                .contains("refused the login of 'tandem'").contains("check password (and user");
    }

    @Test
    void aDatabaseTheUserMayNotUsePointsAtTheUserAndTheNetworkAtTheAddress() {
        assertThat(ConnectionFailure.field(new SQLException("Access denied to database 'x'", "42000", 1044), "host", "user",
                "password")).isEqualTo("user");
        SQLException refused = new SQLException("Socket fail to connect to 127.0.0.1:1", "08000");
        assertThat(ConnectionFailure.field(refused, "host", "user", "password")).isEqualTo("host");
        assertThat(ConnectionFailure.describe(refused, "127.0.0.1:1", "tandem", "user", "password"))
                .startsWith("cannot connect to 127.0.0.1:1 as 'tandem'");
    }

    @Test
    void anUnreachableServerIsToldFromOneThatRefusedWhatWasAsked() {
        SQLException refused = new SQLException("Socket fail to connect to 127.0.0.1:1", "08000");
        RuntimeException wrapped = new RuntimeException("Error reading MySQL variables", refused);
        assertThat(ConnectionFailure.unreachable(wrapped)).isTrue();
        assertThat(ConnectionFailure.rootMessage(wrapped)).isEqualTo("Socket fail to connect to 127.0.0.1:1");
        assertThat(ConnectionFailure.unreachable(new RuntimeException(new java.net.ConnectException("Connection refused")))).isTrue();
        assertThat(ConnectionFailure.unreachable(new SQLException("Access denied", "28000", 1045))).isFalse();
        assertThat(ConnectionFailure.unreachable(new IllegalStateException("binlog file purged"))).isFalse();
    }
}
