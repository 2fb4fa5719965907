package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real TiDB: the sink's behaviour written once in {@link SinkApplyScenario}, and the TiDB
 * source's snapshot path (the standalone pingcap/tidb image: TSO from
 * {@code @@tidb_current_ts}, reads pinned with {@code SET @@tidb_snapshot}, the GC precheck on
 * {@code tidb_gc_life_time}). TiCDC needs PD and TiKV, which the standalone image lacks, so the
 * change stream is covered by TidbSourceIT's canal-json topic instead. Needs a Docker engine: where
 * none runs (as on our CI machines) Testcontainers disables the class and the report says "Docker
 * is not available".
 */
@Testcontainers(disabledWithoutDocker = true)
class TidbContainerIT implements SinkApplyScenario {

    @Container
    static final GenericContainer<?> TIDB = new GenericContainer<>("pingcap/tidb:v8.5.1")
            .withExposedPorts(4000)
            .waitingFor(Wait.forListeningPort())
            .withStartupTimeout(Duration.ofMinutes(3));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = ConnectCluster.builder().name("tidb-container").start();
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
        return new ScenarioServer(TIDB.getHost(), TIDB.getMappedPort(4000), "root", "");
    }

    @Test
    void aSnapshotAtOneTsoIsCopiedAndTheGcPrecheckNamesItsField() throws Exception {
        destination().execute("CREATE DATABASE IF NOT EXISTS shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, status VARCHAR(16))",
                "INSERT INTO shop.orders VALUES (1, 'new'), (2, 'new'), (3, 'new')");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", TidbSourceIT.SOURCE);
        config.put("tasks.max", "2");
        config.put("database.hostname", TIDB.getHost());
        config.put("database.port", Integer.toString(TIDB.getMappedPort(4000)));
        config.put("database.user", "root");
        config.put("topic.prefix", "tidbc");
        config.put("tandem.objects", "shop.*");
        config.put("tidb.snapshot.mode", "initial_only");
        config.put("tidb.full.chunk.size", "1");
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.partitions", "-1");
        // TiDB's default tidb_gc_life_time (10m0s) is shorter than the default expected snapshot (60 minutes).
        assertThat(connect.validationErrors(TidbSourceIT.SOURCE, config)).containsOnlyKeys("tidb.snapshot.expected.minutes");
        config.put("tidb.snapshot.expected.minutes", "5");
        assertThat(connect.validationErrors(TidbSourceIT.SOURCE, config)).isEmpty();

        connect.configure("tidbc-source", config);
        List<ConsumerRecord<byte[], byte[]>> rows = connect.consume(3, Duration.ofSeconds(120), "tidbc.shop.orders");
        long tso = -1;
        for (ConsumerRecord<byte[], byte[]> r : rows) {
            JsonNode p = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)).path("payload");
            assertThat(p.path("op").asText()).isEqualTo("r");
            assertThat(p.path("after").path("status").asText()).isEqualTo("new");
            long pos = p.path("source").path("pos").asLong();
            assertThat(tso == -1 || tso == pos).as("every chunk read at the same TSO").isTrue();
            tso = pos;
        }
        assertThat(tso >>> 18).as("the TSO's physical time").isBetween(System.currentTimeMillis() - 600_000,
                System.currentTimeMillis());
        connect.delete("tidbc-source");
    }
}
