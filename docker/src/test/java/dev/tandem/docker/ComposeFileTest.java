package dev.tandem.docker;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose file cannot be run here (no Docker engine, no docker client), so this checks what
 * can be checked offline: it is YAML of the compose shape, has the services the README names
 * (three Connect workers), each worker mounts the plugins and its properties, and the workers' environment sets every
 * {@code ${env:...}} variable that the active-active config examples use.
 */
class ComposeFileTest {

    private static final Path DIR = Path.of(System.getProperty("user.dir"));

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(DIR.resolve("compose.yml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void servicesAndTheWorkersMounts() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        assertThat(services).containsOnlyKeys("kafka", "connect-1", "connect-2", "connect-3", "prometheus", "east", "west");
        // Three workers of one group, each advertising its own host name on its own published port.
        assertThat(List.of("connect-1", "connect-2", "connect-3")).extracting(w -> ((Map<String, Object>) services.get(w))
                .get("hostname")).containsExactly("connect-1", "connect-2", "connect-3");
        assertThat(List.of("connect-1", "connect-2", "connect-3")).extracting(w -> ((Map<String, Object>) services.get(w))
                .get("ports").toString()).doesNotHaveDuplicates();
        Map<String, Object> connect = (Map<String, Object>) services.get("connect-2");
        assertThat((List<String>) connect.get("volumes")).anyMatch(v -> v.startsWith("./plugins:/opt/tandem/plugins"))
                .anyMatch(v -> v.startsWith("./conf/connect-distributed.properties:"));
        for (Object volume : (List<Object>) connect.get("volumes")) {
            String local = volume.toString().split(":")[0];
            // the plugins and the exporter agent are put there by the user's build (docker/README.md)
            if (!local.equals("./plugins") && !local.equals("./target/jmx-exporter")) {
                assertThat(DIR.resolve(local)).as("mounted file " + local).exists();
            }
        }
        String properties = Files.readString(DIR.resolve("conf/connect-distributed.properties"));
        assertThat(properties).contains("plugin.path=/opt/tandem/plugins", "EnvVarConfigProvider", "bootstrap.servers=kafka:9092",
                "rest.advertised.host.name=", "scheduled.rebalance.max.delay.ms=",
                "rest.extension.classes=dev.tandem.status.TandemStatusExtension");
        assertThat(((Map<String, Object>) connect.get("environment")).get("KAFKA_OPTS").toString())
                .contains("-javaagent:/opt/jmx/jmx_prometheus_javaagent.jar=9404:/etc/tandem/jmx-exporter.yml");
        Map<String, Object> prometheus = (Map<String, Object>) services.get("prometheus");
        for (Object volume : (List<Object>) prometheus.get("volumes")) {
            assertThat(DIR.resolve(volume.toString().split(":")[0])).as("mounted file " + volume).exists();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkerSetsEveryVariableOfTheActiveActiveExamples() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        Map<String, Object> environment = (Map<String, Object>) ((Map<String, Object>) services.get("connect-3")).get("environment");
        Pattern env = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}");
        List<Path> examples;
        try (Stream<Path> files = Files.list(DIR.resolveSibling("config-examples"))) {
            examples = files.filter(p -> p.getFileName().toString().startsWith("aa-")).toList();
        }
        assertThat(examples).hasSize(4);
        for (Path example : examples) {
            Matcher m = env.matcher(Files.readString(example));
            while (m.find()) {
                assertThat(environment).as(example.getFileName() + " uses " + m.group(1)).containsKey(m.group(1));
            }
        }
    }
}
