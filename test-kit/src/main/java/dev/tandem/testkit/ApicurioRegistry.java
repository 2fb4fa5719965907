package dev.tandem.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Apicurio Registry 2.6 (in-memory storage) in its own process on a free loopback port,
 * serving its own API and the Confluent-compatible one at {@code /apis/ccompat/v7}. The registry
 * and Apicurio's Connect {@code AvroConverter} plugin folder come from module
 * {@code tandem-test-kit-apicurio}, which unpacks them at build time.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private final Process process;
    private final int port;

    private ApicurioRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    private static Properties places() {
        try (InputStream in = ApicurioRegistry.class.getResourceAsStream("/dev/tandem/testkit/apicurio.properties")) {
            if (in == null) {
                throw new IllegalStateException("Apicurio's places are missing: add dev.tandem:tandem-test-kit-apicurio (test "
                        + "scope; its transitive dependencies are excluded in the parent pom) and build it");
            }
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder to add to a worker's plugin.path for {@code io.apicurio.registry.utils.converter.AvroConverter}. */
    public static Path converterPluginPath() {
        return Path.of(places().getProperty("converter.plugin.path"));
    }

    public static ApicurioRegistry start(Path workDir) {
        Path jar = Path.of(places().getProperty("registry.jar"));
        try {
            Files.createDirectories(workDir);
            int port = MariaDbServer.freePort();
            Path log = workDir.resolve("apicurio-" + port + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx512m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-jar", jar.toString()).directory(jar.getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ApicurioRegistry registry = new ApicurioRegistry(p, port);
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "apicurio-kill"));
            HttpClient http = HttpClient.newHttpClient();
            try {
                await("Apicurio Registry on port " + port).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                        .until(() -> {
                            if (!p.isAlive()) {
                                throw new IllegalStateException("the registry exited: " + Files.readString(log));
                            }
                            try {
                                return http.send(HttpRequest.newBuilder(URI.create(registry.confluentUrl() + "/subjects")).build(),
                                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                            } catch (IOException e) {
                                return false;
                            }
                        });
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry", e);
        }
    }

    /** Apicurio's Connect converter class. */
    public static final String CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";

    /**
     * Apicurio's converter as a connector's key and value converter against this registry, as
     * {@code docs/avro.md} configures it: Confluent's wire format (the schema id in the payload, not
     * in headers), schemas registered on first use, keys under {@code <topic>-key}, values under
     * their record's full name (a table topic also carries its DDL and copy-complete records: each
     * schema its own subject, so a BACKWARD rule holds).
     */
    public Map<String, String> converterConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        for (String side : List.of("key", "value")) {
            c.put(side + ".converter", CONVERTER);
            c.put(side + ".converter.apicurio.registry.url", apiUrl());
            c.put(side + ".converter.apicurio.registry.auto-register", "true");
            c.put(side + ".converter.apicurio.registry.as-confluent", "true");
            c.put(side + ".converter.apicurio.registry.use-id", "contentId");
            c.put(side + ".converter.apicurio.registry.headers.enabled", "false");
        }
        c.put("value.converter.apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.QualifiedRecordIdStrategy");
        return c;
    }

    /** Apicurio's own API, for {@code apicurio.registry.url}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** The Confluent-compatible API (what Confluent's serializers and converters call). */
    public String confluentUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** GET of a path under the Confluent-compatible API, as text. */
    public String getConfluent(String path) {
        HttpResponse<String> r = confluent("GET", path, null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * A call of the Confluent-compatible API ({@code PUT /config} to set the compatibility rule,
     * {@code POST /subjects/<s>/versions} to register a schema), answered with status and body.
     */
    public HttpResponse<String> confluent(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(confluentUrl() + path));
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
