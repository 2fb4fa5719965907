package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugins as users deploy them: a worker whose {@code plugin.path} holds only our unpacked
 * zips lists every class we ship, and answers {@code config/validate} for each connector.
 */
class PluginPackagingIT {

    /** What we ship, by class and Connect plugin type; grows with every connector and SMT. */
    private static final Map<String, String> SHIPPED = Map.of(
            "dev.tandem.source.OceanBaseSourceConnector", "source",
            "dev.tandem.sink.OceanBaseSinkConnector", "sink",
            "dev.tandem.smt.origin.OriginIs", "predicate",
            "dev.tandem.smt.origin.OriginTagger", "transformation",
            "dev.tandem.smt.format.SchemaCachingJsonConverter", "converter");

    private static final Map<String, String> SERVICE_TYPES = Map.of(
            "org.apache.kafka.connect.source.SourceConnector", "source",
            "org.apache.kafka.connect.sink.SinkConnector", "sink",
            "org.apache.kafka.connect.transforms.Transformation", "transformation",
            "org.apache.kafka.connect.transforms.predicates.Predicate", "predicate",
            "org.apache.kafka.connect.storage.Converter", "converter",
            "org.apache.kafka.connect.storage.HeaderConverter", "header_converter");

    private static final List<String> WORKER_JARS = List.of("connect-api-", "kafka-clients-", "connect-runtime-",
            "connect-json-", "connect-transforms-", "slf4j-api-");

    private static ConnectCluster connect;

    @BeforeAll
    static void startWorker() {
        connect = ConnectCluster.builder().name("packaging").start();
    }

    @AfterAll
    static void stopWorker() {
        Closing.all(connect);
    }

    @Test
    void everyPluginFolderIsSelfContainedWithAManifestAndNoWorkerJars() throws IOException {
        List<Path> plugins = pluginFolders();
        assertThat(plugins).extracting(p -> p.getFileName().toString()).contains(
                "tandem-smt", "tandem-oceanbase-source-connector", "tandem-oceanbase-sink-connector",
                "tandem-tidb-source-connector", "tandem-rocketmq-bridge", "tandem-status-extension");
        ObjectMapper json = new ObjectMapper();
        for (Path plugin : plugins) {
            String name = plugin.getFileName().toString();
            JsonNode manifest = json.readTree(plugin.resolve("manifest.json").toFile());
            assertThat(manifest.path("name").asText()).as("manifest name of " + name).isEqualTo(name);
            assertThat(manifest.path("version").asText()).as("manifest version of " + name).isNotBlank().doesNotContain("${");
            assertThat(manifest.path("component_types")).as("component types of " + name).isNotEmpty();
            assertThat(manifest.path("license").path(0).path("name").asText()).contains("Apache");
            List<String> jars = jarNames(plugin);
            assertThat(jars).as("jars of " + name).anyMatch(j -> j.startsWith(name + "-"))
                    .anyMatch(j -> j.startsWith("tandem-common-"));
            for (String workerJar : WORKER_JARS) {
                assertThat(jars).as(name + " must not bundle the worker's own " + workerJar + "*.jar")
                        .noneMatch(j -> j.startsWith(workerJar));
            }
        }
        assertThat(jarNames(plugin("tandem-status-extension"))).as("the REST extension runs on the worker's own JAX-RS and Jackson")
                .noneMatch(j -> j.startsWith("jakarta.ws.rs-api-") || j.startsWith("jackson-"));
        assertThat(jarNames(plugin("tandem-oceanbase-source-connector")))
                .anyMatch(j -> j.startsWith("debezium-connector-mariadb-"))
                .anyMatch(j -> j.startsWith("debezium-connector-mysql-"));
        for (String source : List.of("tandem-oceanbase-source-connector", "tandem-tidb-source-connector")) {
            assertThat(jarNames(plugin(source))).as("both database sources build on the shared source core, not on each other")
                    .anyMatch(j -> j.startsWith("tandem-source-core-"))
                    .noneMatch(j -> j.startsWith(source.equals("tandem-tidb-source-connector")
                            ? "tandem-oceanbase-source-connector-" : "tandem-tidb-source-connector-"));
        }
    }

    @Test
    void theWorkerListsEveryClassWeShipWithItsType() throws IOException {
        Map<String, String> listed = connect.plugins();
        assertThat(listed).containsAllEntriesOf(SHIPPED);
        Map<String, String> declared = declaredByOurJars();
        assertThat(declared).containsAllEntriesOf(SHIPPED);
        assertThat(listed).as("every class our jars declare as a plugin is loaded").containsAllEntriesOf(declared);
    }

    @Test
    void validateAnswersForEveryConnectorAndNamesTheMissingFields() throws IOException {
        List<String> connectors = declaredByOurJars().entrySet().stream()
                .filter(e -> e.getValue().equals("source") || e.getValue().equals("sink"))
                .map(Map.Entry::getKey).toList();
        assertThat(connectors).isNotEmpty();
        for (String connector : connectors) {
            Map<String, List<String>> errors = connect.validationErrors(connector, Map.of("name", "empty"));
            assertThat(errors).as("config/validate of an empty " + connector + " config").isNotEmpty();
            errors.values().forEach(messages -> assertThat(messages).allMatch(m -> !m.isBlank()));
        }
    }

    private static List<Path> pluginFolders() throws IOException {
        try (Stream<Path> s = Files.list(connect.pluginPath())) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static Path plugin(String name) {
        return connect.pluginPath().resolve(name);
    }

    private static List<String> jarNames(Path plugin) throws IOException {
        try (Stream<Path> s = Files.list(plugin.resolve("lib"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    /** Plugin classes declared in the ServiceLoader manifests of our own jars (tandem-*.jar), by type. */
    private static Map<String, String> declaredByOurJars() throws IOException {
        Map<String, String> declared = new LinkedHashMap<>();
        for (Path plugin : pluginFolders()) {
            for (String jarName : jarNames(plugin)) {
                if (!jarName.startsWith("tandem-")) {
                    continue;
                }
                try (JarFile jar = new JarFile(plugin.resolve("lib").resolve(jarName).toFile())) {
                    for (var service : SERVICE_TYPES.entrySet()) {
                        var entry = jar.getJarEntry("META-INF/services/" + service.getKey());
                        if (entry == null) {
                            continue;
                        }
                        try (InputStream in = jar.getInputStream(entry)) {
                            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                                String cls = line.replaceAll("#.*", "").trim();
                                if (!cls.isEmpty()) {
                                    declared.put(cls, service.getValue());
                                }
                            }
                        }
                    }
                }
            }
        }
        return declared;
    }
}
