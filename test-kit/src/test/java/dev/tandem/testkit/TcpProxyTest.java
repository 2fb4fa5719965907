package dev.tandem.testkit;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpProxyTest {

    @Test
    void aCutAfterTheNextCommitLeavesTheTransactionCommittedAndItsClientWithoutAnswer() throws Exception {
        try (MariaDbServer db = MariaDbServer.start("proxied");
             TcpProxy proxy = TcpProxy.to(db.host(), db.port())) {
            String schema = db.createDatabase("lost_answer");
            db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY)");
            String url = "jdbc:mariadb://" + proxy.host() + ":" + proxy.port() + "/" + schema;
            try (Connection c = DriverManager.getConnection(url, db.user(), db.password()); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.executeUpdate("INSERT INTO t VALUES (1)");
                c.commit(); // forwarded: the proxy is not armed yet
                s.executeUpdate("INSERT INTO t VALUES (2)");
                proxy.cutAfterNextCommit();
                assertThatThrownBy(c::commit).as("the client never hears that it committed").isInstanceOf(SQLException.class);
            }
            assertThat(proxy.awaitCutAfterCommit(Duration.ofSeconds(5))).isTrue();
            assertThat(db.queryValue(schema, "SELECT COUNT(*) FROM t")).as("yet the server committed").hasToString("2");
            assertThatThrownBy(() -> DriverManager.getConnection(url, db.user(), db.password()))
                    .as("refused until restored").isInstanceOf(SQLException.class);
            proxy.restore();
            try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
    }
}
