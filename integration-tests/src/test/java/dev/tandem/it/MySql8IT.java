package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;



/**
 * A real MySQL 8 server: the source's behaviour written once in {@link SourceCaptureScenario} on the
 * MySQL flavour (Debezium's MySQL connector, GTID mode), and the sink's in {@link SinkApplyScenario},
 * with MySQL's row-alias upsert. Needs a
 * Docker engine: where none runs (as on our CI machines) Testcontainers disables the class and
 * the report says "Docker is not available".
 */
@Testcontainers(disabledWithoutDocker = true)
class MySql8IT implements SinkApplyScenario, SourceCaptureScenario {

    @Container
    static final MySQLContainer<?> MYSQL = new MySQLContainer<>("mysql:8.0.36")
            .withDatabaseName("shop")
            .withPassword("tandem-secret")
            .withCommand("--server-id=7", "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                    "--gtid-mode=ON", "--enforce-gtid-consistency=ON");

    private static ConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = ConnectCluster.builder().name("mysql8").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect);
    }

    @Override
    public ConnectCluster connect() {
        return connect;
    }

    @Override
    public ScenarioServer destination() {
        return new ScenarioServer(MYSQL.getHost(), MYSQL.getMappedPort(3306), "root", MYSQL.getPassword());
    }

    @Override
    public ScenarioServer source() {
        return destination();
    }

    @Override
    public String flavor() {
        return "mysql";
    }

    @Override
    public boolean isTransactionId(String id) {
        return id.matches("[0-9a-f-]{36}:\\d+"); // server uuid:sequence number
    }
}
