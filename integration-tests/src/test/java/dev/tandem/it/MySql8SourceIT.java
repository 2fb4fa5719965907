package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MySQL flavour on a real MySQL 8 server (Debezium's MySQL connector, GTID mode). Needs a
 * Docker engine: where none runs (as on our CI machines) Testcontainers disables the class and
 * the report says "Docker is not available".
 */
@Testcontainers(disabledWithoutDocker = true)
class MySql8SourceIT {

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

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(MYSQL.getJdbcUrl(), "root", MYSQL.getPassword());
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void theMySqlFlavourIsDetectedPrecheckedAndCaptured() throws Exception {
        sql("CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2))", "INSERT INTO orders VALUES (1, 10.50)");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", SourceCaptureIT.SOURCE);
        config.put("database.hostname", MYSQL.getHost());
        config.put("database.port", Integer.toString(MYSQL.getMappedPort(3306)));
        config.put("database.user", "root");
        config.put("database.password", MYSQL.getPassword());
        config.put("database.server.id", "6401");
        config.put("topic.prefix", "my8");
        config.put("tandem.objects", "shop.orders");
        config.put("tandem.region", "east");
        config.put("schema.history.internal.kafka.bootstrap.servers", connect.bootstrapServers());
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.partitions", "-1");
        assertThat(connect.validationErrors(SourceCaptureIT.SOURCE, config)).isEmpty();

        config.put("tandem.flavor", "mariadb");
        assertThat(connect.validationErrors(SourceCaptureIT.SOURCE, config)).containsOnlyKeys("tandem.flavor");
        config.remove("tandem.flavor");

        connect.configure("mysql8", config);
        connect.awaitRunning("mysql8", 1, Duration.ofSeconds(120));
        sql("INSERT INTO orders VALUES (2, 20.00)", "UPDATE orders SET amount = 11.00 WHERE id = 1");
        List<ChangeEvent> events = ChangeEvent.of(connect.consume(3, Duration.ofSeconds(120), "my8.shop.orders"));
        assertThat(events).extracting(e -> e.keyField("id") + ":" + e.op()).containsExactly("1:r", "2:c", "1:u");
        assertThat(events.get(1).transactionId()).as("a MySQL GTID").contains(":");
    }
}
