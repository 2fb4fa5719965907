package dev.tandem.it;

import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oceanbase.OceanBaseCEContainer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real OceanBase CE server (MySQL mode): the sink's behaviour written once in
 * {@link SinkApplyScenario}, and the source's OceanBase flavour. The image carries no Binlog
 * Service, so for the source this checks what needs only the SQL port: flavour detection from the version
 * comment and the precheck's findings. Needs a Docker engine: where none runs (as on our CI
 * machines) Testcontainers disables the class and the report says "Docker is not available".
 */
@Testcontainers(disabledWithoutDocker = true)
class OceanBaseIT implements SinkApplyScenario {

    @Container
    static final OceanBaseCEContainer OCEANBASE = new OceanBaseCEContainer("oceanbase/oceanbase-ce:4.2.1-lts");

    private static ConnectCluster connect;

    @BeforeAll
    static void start() {
        connect = ConnectCluster.builder().name("oceanbase").start();
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
        return new ScenarioServer(OCEANBASE.getHost(), OCEANBASE.getMappedPort(2881), OCEANBASE.getUsername(), OCEANBASE.getPassword());
    }

    @Test
    void theServerIsRecognisedAsOceanBaseAndAWrongFlavourIsReported() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("database.hostname", OCEANBASE.getHost());
        config.put("database.port", Integer.toString(OCEANBASE.getMappedPort(2881)));
        config.put("database.user", OCEANBASE.getUsername());
        config.put("database.password", OCEANBASE.getPassword());
        config.put("database.server.id", "6501");
        config.put("topic.prefix", "ob");
        config.put("schema.history.internal.kafka.bootstrap.servers", connect.bootstrapServers());
        config.put("tandem.flavor", "mariadb");
        Map<String, List<String>> errors = connect.validationErrors(SourceCaptureIT.SOURCE, config);
        assertThat(errors).containsKey("tandem.flavor");
        assertThat(errors.get("tandem.flavor").get(0)).contains("is oceanbase");
    }
}
