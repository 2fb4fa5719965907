package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in config-examples, with its ${env:...} placeholders filled in for real servers, is
 * accepted by {@code config/validate} of a real worker: the examples do not rot.
 */
class ConfigExamplesIT {

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}");

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static dev.tandem.testkit.RocketMqServer rocketmq;

    @org.junit.jupiter.api.io.TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("examples");
        rocketmq = dev.tandem.testkit.RocketMqServer.start("examples", work);
        // The RocketMQ topic rocketmq-to-kafka.json reads (a source needs it to exist).
        var producer = new org.apache.rocketmq.client.producer.DefaultMQProducer("examples");
        producer.setNamesrvAddr(rocketmq.namesrvAddress());
        try {
            producer.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                producer.createTopic("TBW102", "oms_ob_shop_orders", 4, null);
                return !producer.fetchPublishMessageQueues("oms_ob_shop_orders").isEmpty();
            });
        } catch (org.apache.rocketmq.client.exception.MQClientException e) {
            throw new IllegalStateException(e);
        } finally {
            producer.shutdown();
        }
        source.execute("", "CREATE DATABASE IF NOT EXISTS shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))");
        connect = ConnectCluster.builder().name("config-examples")
                .extraPluginPath(dev.tandem.testkit.ApicurioRegistry.converterPluginPath()).start();
        // The TiCDC topic of tidb-to-kafka.json, holding one canal-json watermark as a changefeed writes it.
        connect.createTopic("ticdc-shop", 1);
        TicdcFeed.produce(connect.bootstrapServers(), "ticdc-shop", "{\"id\":0,\"database\":\"\",\"table\":\"\","
                + "\"pkNames\":null,\"isDdl\":false,\"type\":\"TIDB_WATERMARK\",\"es\":1,\"ts\":1,\"sql\":\"\","
                + "\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null,\"_tidb\":{\"watermarkTs\":1}}");
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, rocketmq);
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "SOURCE_DB_HOST", source.host(),
                "SOURCE_DB_PORT", Integer.toString(source.port()),
                "SOURCE_DB_USER", source.user(),
                "SOURCE_DB_PASSWORD", source.password(),
                "KAFKA_BOOTSTRAP", connect.bootstrapServers(),
                "DEST_DB_HOST", source.host(),
                "DEST_DB_PORT", Integer.toString(source.port()),
                "DEST_DB_USER", source.user(),
                "DEST_DB_PASSWORD", source.password(),
                "TICDC_KAFKA_BOOTSTRAP", connect.bootstrapServers()));
        env.put("APICURIO_REGISTRY_URL", "http://127.0.0.1:1/apis/registry/v2"); // validate does not call the registry
        env.put("SCHEMA_REGISTRY_URL", "http://127.0.0.1:1");
        env.put("ROCKETMQ_NAMESRV", rocketmq.namesrvAddress());
        for (String server : List.of("EAST_DB", "WEST_DB", "NORTH_DB", "OB", "OB_BINLOG", "TIDB")) {
            env.put(server + "_HOST", source.host());
            env.put(server + "_PORT", Integer.toString(source.port()));
            env.put(server + "_USER", source.user());
            env.put(server + "_PASSWORD", source.password());
        }
        return env;
    }

    @Test
    void everyExampleValidatesWithoutErrorsAndEveryVariableIsDocumented() throws IOException {
        Path dir = Path.of(System.getProperty("tandem.config.examples"));
        String readme = Files.readString(dir.resolve("README.md"));
        List<Path> examples;
        try (Stream<Path> files = Files.list(dir)) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        Map<String, String> env = environment();
        for (Path example : examples) {
            assertThat(readme).as("README lists " + example.getFileName()).contains(example.getFileName().toString());
            JsonNode root = json.readTree(example.toFile());
            assertThat(root.path("name").asText()).as("name of " + example.getFileName()).isNotBlank();
            Map<String, String> config = new LinkedHashMap<>();
            root.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), substitute(e.getValue().asText(), env, readme)));
            config.put("name", root.path("name").asText());
            String connectorClass = config.get("connector.class");
            Map<String, List<String>> errors = connect.validationErrors(connectorClass, config);
            if ("oceanbase".equals(config.get("tandem.flavor"))) {
                // No OceanBase Binlog Service here: everything validates except the precheck's flavour check.
                assertThat(errors).as(example.getFileName().toString()).containsOnlyKeys("tandem.flavor");
                assertThat(errors.get("tandem.flavor")).singleElement().asString().contains("mariadb");
            } else if (config.getOrDefault("value.converter", "").startsWith("io.confluent.")) {
                // Confluent's converter is not on Maven Central, so not on this worker: exactly "class not found" for it.
                assertThat(errors).as(example.getFileName().toString()).containsOnlyKeys("key.converter", "value.converter");
                errors.values().forEach(e -> assertThat(e).singleElement().asString().contains("io.confluent.connect.avro"));
            } else if (connectorClass.equals(TidbSourceIT.SOURCE)) {
                // No TiDB here: everything validates (the TiCDC topic and its protocol too) except "the server is TiDB".
                assertThat(errors).as(example.getFileName().toString()).containsOnlyKeys("database.hostname");
                assertThat(errors.get("database.hostname")).singleElement().asString().contains("not TiDB");
            } else {
                assertThat(errors).as(example.getFileName().toString()).isEmpty();
            }
        }
    }

    /** A config-examples file as the body of {@code POST /connectors}, its placeholders filled in. */
    private static String body(String file) throws IOException {
        Path dir = Path.of(System.getProperty("tandem.config.examples"));
        String readme = Files.readString(dir.resolve("README.md"));
        return substitute(Files.readString(dir.resolve(file)), environment(), readme);
    }

    /**
     * The documented one-way pair, created with {@code POST /connectors} and the files as they are:
     * a table without a key, full of duplicate rows, is copied and streamed row for row — inserts,
     * {@code UPDATE ... LIMIT 1} and {@code DELETE ... LIMIT 1} of one duplicate — while a keyed
     * table beside it keeps flowing.
     */
    @Test
    void theOneWayPairKeepsATableWithoutAKeyIdenticalBesideKeyedTables() throws IOException {
        source.execute("shop",
                "CREATE TABLE events (kind VARCHAR(10), n INT, ratio FLOAT, note VARCHAR(20) NULL)",
                "INSERT INTO events SELECT CONCAT('k', seq % 3), seq % 500, (seq % 7) / 10, IF(seq % 4 = 0, NULL, 'n') "
                        + "FROM seq_1_to_3001",
                "INSERT INTO orders SELECT seq, seq / 100 FROM seq_1_to_200");
        var rest = connect.rest();
        try {
            for (String file : List.of("mariadb-to-kafka.json", "kafka-to-mariadb.json")) {
                var created = rest.send("POST", "connectors", body(file));
                assertThat(created.status()).as(file + ": " + created.body()).isEqualTo(201);
            }
            rest.awaitRunning("shop-to-kafka", 1, java.time.Duration.ofSeconds(120));
            rest.awaitRunning("shop-to-copy", 1, java.time.Duration.ofSeconds(120));
            awaitCopied("events");
            awaitCopied("orders");

            source.execute("shop",
                    "INSERT INTO events VALUES ('k1', 1, 0.1, 'n'), ('k1', 1, 0.1, 'n'), ('new', NULL, NULL, NULL)",
                    "UPDATE events SET note = 'changed' WHERE kind = 'k1' AND n = 1 AND ratio = CAST(0.1 AS FLOAT) LIMIT 1",
                    "DELETE FROM events WHERE kind = 'k2' AND n = 2 LIMIT 1",
                    "UPDATE events SET n = 9999 WHERE note IS NULL AND kind = 'k0' LIMIT 1",
                    "DELETE FROM events WHERE kind = 'new' LIMIT 1",
                    "UPDATE orders SET amount = amount + 1 WHERE id <= 50",
                    "DELETE FROM orders WHERE id > 190");
            source.transaction("shop", "UPDATE events SET ratio = 0.7 WHERE n = 3 LIMIT 2",
                    "DELETE FROM events WHERE n = 4 LIMIT 1", "INSERT INTO events VALUES ('k9', 4, 0.4, 'again')");
            awaitCopied("events");
            awaitCopied("orders");
            assertThat(((Number) source.queryValue("shop", "SELECT COUNT(*) FROM events")).longValue()).isEqualTo(3002);

            // PUT /connectors/<name>/config takes the file's config object with its name (jq '.config + {name: .name}').
            JsonNode sinkFile = new ObjectMapper().readTree(body("kafka-to-mariadb.json"));
            String sinkConfig = ((com.fasterxml.jackson.databind.node.ObjectNode) sinkFile.path("config").deepCopy())
                    .put("name", sinkFile.path("name").asText()).toString();
            var changed = rest.send("PUT", "connectors/shop-to-copy/config", sinkConfig);
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            rest.awaitRunning("shop-to-copy", 1, java.time.Duration.ofSeconds(120));
            source.execute("shop", "DELETE FROM events WHERE kind = 'k1' AND n = 1 LIMIT 1");
            awaitCopied("events");
        } finally {
            rest.send("DELETE", "connectors/shop-to-copy", null);
            rest.send("DELETE", "connectors/shop-to-kafka", null);
        }
    }

    private static void awaitCopied(String table) {
        org.awaitility.Awaitility.await("shop_copy." + table + " equals shop." + table).atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(connect.rest().status("shop-to-copy").toString()).as("the sink's status").doesNotContain("FAILED");
                    assertThat(dev.tandem.testkit.TableComparison.rows(source, "shop_copy", table))
                            .isEqualTo(dev.tandem.testkit.TableComparison.rows(source, "shop", table));
                });
    }

    private static String substitute(String value, Map<String, String> env, String readme) {
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            assertThat(readme).as("README documents ${env:" + name + "}").contains("`" + name + "`");
            assertThat(env).as("the test knows a value for " + name).containsKey(name);
            m.appendReplacement(out, Matcher.quoteReplacement(env.get(name)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
