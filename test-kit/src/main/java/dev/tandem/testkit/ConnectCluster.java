package dev.tandem.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;


/**
 * A KRaft broker and Kafka Connect worker(s) in this JVM, with our plugins loaded from their
 * packaged folders on {@code plugin.path}. The one class that touches Kafka's
 * {@code EmbeddedConnectCluster}, so a Kafka upgrade changes this file only.
 */
public final class ConnectCluster implements AutoCloseable {

    /** System property (set by the build) naming the folder that holds our unpacked plugin zips. */
    public static final String PLUGIN_PATH_PROPERTY = "tandem.plugin.path";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedConnectCluster cluster;
    private final Path pluginPath;
    private final ConnectRest rest;

    private ConnectCluster(EmbeddedConnectCluster cluster, Path pluginPath) {
        this.cluster = cluster;
        this.pluginPath = pluginPath;
        this.rest = new ConnectRest(cluster.endpointForResource(""));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The folder holding our plugins as users install them (one sub-folder per plugin zip). */
    public static Path packagedPluginPath() {
        String value = System.getProperty(PLUGIN_PATH_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + PLUGIN_PATH_PROPERTY + " is not set: run the "
                    + "integration tests through Maven ('mvn verify'), which unpacks the plugin zips there");
        }
        Path path = Path.of(value);
        try (Stream<Path> plugins = Files.list(path)) {
            if (plugins.noneMatch(Files::isDirectory)) {
                throw new IllegalStateException("No plugin folder in " + path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read plugin path " + path, e);
        }
        return path;
    }

    public EmbeddedKafkaCluster kafka() {
        return cluster.kafka();
    }

    public String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    public Path pluginPath() {
        return pluginPath;
    }

    /** Base URL of the worker's REST API, ending in '/'. */
    public String restUrl() {
        return cluster.endpointForResource("");
    }

    /** {@code GET /connector-plugins?connectorsOnly=false}: class name to plugin type (source, sink, transformation, predicate, converter, ...). */
    public Map<String, String> plugins() {
        String body = get("connector-plugins?connectorsOnly=false");
        try {
            List<Map<String, Object>> entries = JSON.readValue(body, new TypeReference<>() { });
            Map<String, String> byClass = new LinkedHashMap<>();
            for (Map<String, Object> e : entries) {
                byClass.put((String) e.get("class"), (String) e.get("type"));
            }
            return byClass;
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable connector-plugins answer: " + body, e);
        }
    }

    /** The worker's REST API, as a user's tooling calls it. */
    public ConnectRest rest() {
        return rest;
    }

    /** The REST API of each worker of the cluster, the one {@link #rest()} calls first. */
    public List<ConnectRest> workerRests() {
        List<ConnectRest> all = new ArrayList<>(List.of(rest));
        for (WorkerHandle w : cluster.workers()) {
            String url = slashed(w.url().toString());
            if (!url.equals(rest.baseUrl())) {
                all.add(new ConnectRest(url));
            }
        }
        return all;
    }

    /**
     * Stops a worker other than the one {@link #rest()} calls (its tasks move to the others) and
     * starts a new worker in the group in its place; returns the new worker's REST API.
     */
    public ConnectRest replaceWorker() {
        WorkerHandle leaving = cluster.workers().stream().filter(w -> !slashed(w.url().toString()).equals(rest.baseUrl()))
                .findFirst().orElseThrow(() -> new IllegalStateException("a single worker: nothing to replace"));
        cluster.removeWorker(leaving);
        return new ConnectRest(slashed(cluster.addWorker().url().toString()));
    }

    private static String slashed(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    /** {@code GET} of a REST resource relative to the worker's root; fails on a non-2xx answer. */
    public String get(String resource) {
        return rest.get(resource);
    }

    /** {@code PUT /connector-plugins/<class>/config/validate}. */
    public ConfigInfos validate(String connectorClass, Map<String, String> config) {
        Map<String, String> withClass = new HashMap<>(config);
        withClass.put("connector.class", connectorClass);
        withClass.putIfAbsent("name", "validation");
        return cluster.validateConnectorConfig(connectorClass, withClass);
    }

    /** Field name to the error messages {@code config/validate} attached to it (fields without errors left out). */
    public Map<String, List<String>> validationErrors(String connectorClass, Map<String, String> config) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (var info : validate(connectorClass, config).values()) {
            if (info.configValue() == null) {
                continue;
            }
            List<String> messages = info.configValue().errors();
            if (messages != null && !messages.isEmpty()) {
                errors.put(info.configValue().name(), new ArrayList<>(messages));
            }
        }
        return errors;
    }

    /** {@code PUT /connectors/<name>/config}. */
    public void configure(String name, Map<String, String> config) {
        Map<String, String> named = new HashMap<>(config);
        named.put("name", name);
        cluster.configureConnector(name, named);
    }

    public void delete(String name) {
        cluster.deleteConnector(name);
    }

    public ConnectorStateInfo status(String name) {
        return cluster.connectorStatus(name);
    }

    /** Waits until the connector and at least {@code tasks} of its tasks are RUNNING; fails early with the trace of a FAILED one. */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        rest.awaitRunning(name, tasks, timeout);
    }

    /** Consumes at least {@code count} records from the topics, from the beginning. */
    public List<ConsumerRecord<byte[], byte[]>> consume(int count, Duration timeout, String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try {
            cluster.kafka().consume(count, timeout.toMillis(), topics).forEach(records::add);
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + " in " + List.of(topics) + "; connectors: " + rest.statusSummary(), e);
        }
        return records;
    }

    /** Consumes everything currently in the topics (up to their end offsets). */
    public List<ConsumerRecord<byte[], byte[]>> consumeAll(Duration timeout, String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try {
            cluster.kafka().consumeAll(timeout.toMillis(), topics).forEach(records::add);
        } catch (Exception e) {
            throw new IllegalStateException("Could not read topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
        return records;
    }

    public void createTopic(String topic, int partitions) {
        cluster.kafka().createTopic(topic, partitions);
        // Producing before every partition has a leader gave NOT_LEADER_OR_FOLLOWER and then minutes of
        // OUT_OF_ORDER_SEQUENCE_NUMBER retries from an idempotent producer on a busy runner: wait for the leaders.
        org.awaitility.Awaitility.await("leaders of " + topic).atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100)).ignoreExceptions().until(() -> cluster.kafka()
                        .describeTopics(topic).get(topic).map(d -> d.partitions().size() == partitions
                                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()))
                        .orElse(false));
    }

    /** The sum of the end offsets of {@code topic}'s partitions: how many records it holds (none deleted). */
    public long recordCount(String topic, int partitions) {
        long sum = 0;
        try {
            for (int p = 0; p < partitions; p++) {
                sum += cluster.kafka().endOffset(new org.apache.kafka.common.TopicPartition(topic, p));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
        return sum;
    }

    @Override
    public void close() {
        cluster.stop();
    }

    /** Builds a cluster; {@link #start()} starts it. */
    public static final class Builder {
        private String name = "tandem-connect";
        private int workers = 1;
        private Path pluginPath;
        private final java.util.List<Path> extraPluginPaths = new java.util.ArrayList<>();
        private final Map<String, String> workerProps = new HashMap<>();
        private final Properties brokerProps = new Properties();

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Where the plugins are; defaults to {@link #packagedPluginPath()}. */
        public Builder pluginPath(Path pluginPath) {
            this.pluginPath = pluginPath;
            return this;
        }

        /** One more folder of plugins (e.g. a third-party converter), after ours on plugin.path. */
        public Builder extraPluginPath(Path path) {
            extraPluginPaths.add(path);
            return this;
        }

        public Builder workerProperty(String key, String value) {
            workerProps.put(key, value);
            return this;
        }

        public Builder brokerProperty(String key, String value) {
            brokerProps.put(key, value);
            return this;
        }

        public ConnectCluster start() {
            Path plugins = pluginPath != null ? pluginPath : packagedPluginPath();
            Map<String, String> props = new HashMap<>();
            StringBuilder path = new StringBuilder(plugins.toAbsolutePath().toString());
            extraPluginPaths.forEach(p -> path.append(',').append(p.toAbsolutePath()));
            props.put("plugin.path", path.toString());
            // Our zips carry ServiceLoader manifests; skipping the reflective scan halves worker start-up.
            props.put("plugin.discovery", "service_load");
            props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("key.converter.schemas.enable", "true");
            props.put("value.converter.schemas.enable", "true");
            props.put("offset.flush.interval.ms", "1000");
            props.put("config.providers", "env");
            props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            props.putAll(workerProps);
            Properties broker = new Properties();
            broker.put("auto.create.topics.enable", "false");
            // One broker: the transaction log must fit it, or transactional producers (exactly-once source tasks) wait forever.
            broker.put("transaction.state.log.replication.factor", "1");
            broker.put("transaction.state.log.min.isr", "1");
            broker.putAll(brokerProps);
            EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                    .name(name)
                    .numWorkers(workers)
                    .workerProps(props)
                    .brokerProps(broker)
                    .maskExitProcedures(true)
                    .build();
            try {
                cluster.start();
            } catch (RuntimeException e) {
                cluster.stop();
                throw e;
            }
            return new ConnectCluster(cluster, plugins);
        }
    }
}
