package dev.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.ConnectRest;
import dev.tandem.testkit.ConnectWorkerProcess;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TableComparison;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status extension on a real two-worker Connect cluster: a one-way project's steps, rows
 * copied, checkpoint and delay against what the databases show, the same answer from either
 * worker and from a worker started afterwards, a failed task with its cause, pause, resume
 * and delete of a whole project, and the Prometheus JMX exporter of a worker showing every
 * series the alert rules use.
 */
class ProjectStatusIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 20_000;
    /** The two workers' status topic (the scrape test's worker, of another group, has its own on the same broker). */
    private static final String STATUS_TOPIC = "__tandem-status.status-it";

    private static ConnectCluster connect;
    private static MariaDbServer source;
    private static MariaDbServer dest;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        source = MariaDbServer.start("status-src");
        dest = MariaDbServer.start("status-dst");
        connect = ConnectCluster.builder().name("status").workers(2)
                .workerProperty("rest.extension.classes", "dev.tandem.status.TandemStatusExtension")
                .workerProperty("tandem.status.interval.ms", "1000")
                .workerProperty("tandem.status.topic", STATUS_TOPIC)
                // a worker that leaves hands its tasks on at once, not after Connect's default 5 minutes
                .workerProperty("scheduled.rebalance.max.delay.ms", "3000")
                .start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, source, dest);
    }

    @Test
    void aOneWayProjectShowsItsStepsAsTheDatabasesDoOnEveryWorker() throws Exception {
        String db = source.createDatabase("shop");
        source.execute(db, "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(64), "
                        + "changed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))",
                "INSERT INTO orders (id, note) SELECT seq, CONCAT('order-', seq) FROM seq_1_to_" + ROWS);
        assertThat(connect.rest().send("GET", "tandem/v1/projects/migrate", null).status()).isEqualTo(404);

        // about 5 s of copy: the status is seen mid-way
        link("migrate", db, "orders", "pst", 7101, Map.of("tandem.full.chunk.size", "1000", "tandem.full.rows.per.second", "4000"));

        JsonNode midway = await("the full step part-way").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> link(project(connect.rest(), "migrate")), l -> step(l, "full").path("rowsCopied").asLong() > 0
                        && step(l, "full").path("rowsCopied").asLong() < ROWS);
        System.out.println("Mid-copy: " + midway);
        assertThat(step(midway, "full").path("status").asText()).isEqualTo("RUNNING");
        assertThat(step(midway, "full").path("progress").asDouble()).isBetween(0.0, 99.9);
        assertThat(midway.path("currentStep").asText()).isIn("schema", "full");

        JsonNode copied = await("the full step finished").atMost(TIMEOUT)
                .until(() -> link(project(connect.rest(), "migrate")), l -> "FINISHED".equals(step(l, "full").path("status").asText()));
        long destRows = ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM orders")).longValue();
        System.out.println("Copied: " + copied + "; destination rows " + destRows);
        assertThat(step(copied, "full").path("rowsCopied").asLong()).isEqualTo(ROWS);
        assertThat(step(copied, "full").path("tables").get(0).path("rowsCopied").asLong()).isEqualTo(ROWS);
        assertThat(destRows).as("the full step ends when the copy is applied").isEqualTo(ROWS);
        assertThat(step(copied, "schema").path("status").asText()).isEqualTo("FINISHED");
        assertThat(step(copied, "incremental").path("status").asText()).isEqualTo("RUNNING");
        assertThat(copied.path("currentStep").asText()).isEqualTo("incremental");

        // changes: the checkpoint follows the last change applied
        for (int i = 0; i < 5; i++) {
            source.execute(db, "UPDATE orders SET note = 'changed " + i + "' WHERE id BETWEEN " + (i * 100 + 1) + " AND " + (i * 100 + 100));
        }
        await("the changes applied").atMost(TIMEOUT).until(() -> ((Number) dest.queryValue(db,
                "SELECT COUNT(*) FROM orders WHERE note LIKE 'changed%'")).longValue() == 500);
        long lastChange = ((Timestamp) source.queryValue(db, "SELECT MAX(changed_at) FROM orders")).getTime();
        JsonNode following = await("the checkpoint at the last change").atMost(TIMEOUT).until(
                () -> link(project(connect.rest(), "migrate")),
                l -> l.path("checkpoint").asLong() > lastChange - 1000 && l.path("pendingRecords").asLong(-1) == 0);
        System.out.printf("Checkpoint %s, last change applied committed at %s (%d ms apart), delay %s ms%n",
                following.path("checkpointTime").asText(), new Timestamp(lastChange).toInstant(),
                lastChange - following.path("checkpoint").asLong(), following.path("delayMs").asText());
        assertThat(lastChange - following.path("checkpoint").asLong()).as("binlog times are whole seconds").isBetween(0L, 999L);
        assertThat(following.path("delayMs").asLong(-1)).isBetween(0L, 5_000L);
        assertThat(project(connect.rest(), "migrate").path("status").asText()).isEqualTo("RUNNING");

        // the verifier's result reaches the link's verification step, and with it the link is ready for a switchover
        int exit = new picocli.CommandLine(new dev.tandem.verifier.VerifierCli()).execute("--source-url", source.jdbcUrl(""),
                "--source-user", source.user(), "--source-password", source.password(), "--dest-url", dest.jdbcUrl(""),
                "--dest-user", dest.user(), "--dest-password", dest.password(), "--objects", db + ".orders",
                "--status-kafka", connect.bootstrapServers(), "--status-topic", STATUS_TOPIC, "--link", "migrate-source");
        assertThat(exit).as("the verifier finds the tables equal").isZero();
        JsonNode verified = await("the verification in the status").atMost(TIMEOUT).until(
                () -> link(project(connect.rest(), "migrate")), l -> "CLEAN".equals(step(l, "verification").path("result").asText()));
        System.out.println("Verification step: " + step(verified, "verification") + "; switchover: " + verified.path("switchover"));
        assertThat(step(verified, "verification").path("rowsCompared").asLong()).isEqualTo(ROWS);
        assertThat(step(verified, "verification").path("differences").asLong()).isZero();
        assertThat(verified.path("switchover").path("ready").asBoolean()).as(verified.path("switchover").toString()).isTrue();

        // every worker answers alike, and so does a worker started afterwards
        List<ConnectRest> workers = connect.workerRests();
        assertThat(workers).hasSize(2);
        JsonNode steps = await("both workers alike").atMost(Duration.ofSeconds(30)).until(
                () -> stable(project(workers.get(0), "migrate")), s -> s.equals(stable(project(workers.get(1), "migrate"))));
        ConnectRest newcomer = connect.replaceWorker();
        await("the new worker answers alike").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> stable(project(newcomer, "migrate")), steps::equals);
        System.out.println("Steps, the same on every worker and after a worker was replaced: " + steps);
    }

    @Test
    void aFailedTaskShowsTheProjectFailedWithItsCause() {
        String db = source.createDatabase("failing");
        source.execute(db, "CREATE TABLE notes (id BIGINT PRIMARY KEY, note VARCHAR(64))",
                "INSERT INTO notes VALUES (1, 'short'), (2, 'a note far longer than the destination column')");
        dest.execute("", "CREATE DATABASE " + db);
        dest.execute(db, "CREATE TABLE notes (id BIGINT PRIMARY KEY, note VARCHAR(8))");
        link("failing", db, "notes", "pfl", 7102, Map.of());

        JsonNode failed = await("the project failed").atMost(TIMEOUT)
                .until(() -> project(connect.rest(), "failing"), p -> "FAILED".equals(p.path("status").asText()));
        System.out.println("Failed project's last error: " + failed.path("lastError").path("cause").asText());
        assertThat(failed.path("lastError").path("connector").asText()).isEqualTo("failing-sink");
        assertThat(failed.path("lastError").path("task").asInt()).isZero();
        assertThat(failed.path("lastError").path("cause").asText()).contains("Data too long");
        assertThat(link(failed).path("status").asText()).isEqualTo("FAILED");

        // the destination's column made wide enough, the restarted task applies both rows: none was skipped
        dest.execute(db, "ALTER TABLE notes MODIFY note VARCHAR(64)");
        assertThat(connect.rest().send("POST", "connectors/failing-sink/tasks/0/restart", null).status()).isLessThan(300);
        await("the rows of the failed transaction").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM notes")).intValue() == 2);
        await("the project running again").atMost(TIMEOUT)
                .until(() -> project(connect.rest(), "failing").path("status").asText().equals("RUNNING"));
    }

    @Test
    void pausingResumingAndDeletingAProjectActOnEachOfItsConnectors() {
        String db = source.createDatabase("pausing");
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1)");
        link("pausing", db, "t", "pps", 7103, Map.of());
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM t")).intValue() == 1);

        ConnectRest.Answer paused = connect.rest().send("PUT", "tandem/v1/projects/pausing/pause", null);
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        await("both connectors paused").atMost(TIMEOUT).until(() -> state("pausing-source").equals("PAUSED")
                && state("pausing-sink").equals("PAUSED"));
        await().atMost(TIMEOUT).until(() -> project(connect.rest(), "pausing").path("status").asText().equals("PAUSED"));
        source.execute(db, "INSERT INTO t VALUES (2, 2)");

        ConnectRest.Answer resumed = connect.rest().send("PUT", "tandem/v1/projects/pausing/resume", null);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        await("both connectors running").atMost(TIMEOUT).until(() -> state("pausing-source").equals("RUNNING")
                && state("pausing-sink").equals("RUNNING"));
        await("the row written while paused").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM t")).intValue() == 2);
        await().atMost(TIMEOUT).until(() -> project(connect.rest(), "pausing").path("status").asText().equals("RUNNING"));

        ConnectRest.Answer deleted = connect.rest().send("DELETE", "tandem/v1/projects/pausing", null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(connect.rest().send("GET", "connectors/pausing-source", null).status()).isEqualTo(404);
        assertThat(connect.rest().send("GET", "connectors/pausing-sink", null).status()).isEqualTo(404);
        assertThat(connect.rest().send("GET", "tandem/v1/projects/pausing", null).status()).isEqualTo(404);
    }

    /** A one-way link of {@code db.tables} (comma-separated) in {@code project}: connectors '<project>-source' and '<project>-sink'. */
    private static void link(String project, String db, String table, String prefix, int serverId, Map<String, String> sourceOptions) {
        link(connect.rest(), project, db, table, prefix, serverId, sourceOptions);
    }

    private static void link(ConnectRest worker, String project, String db, String tables, String prefix, int serverId,
                             Map<String, String> sourceOptions) {
        List<String> names = List.of(tables.split(","));
        Map<String, String> src = sourceConfig(connect, source, prefix, serverId);
        src.put("tandem.project", project);
        src.put("tandem.objects", String.join(",", names.stream().map(t -> db + "." + t).toList()));
        src.putAll(sourceOptions);
        Map<String, String> sink = sinkConfig(dest, String.join(",", names.stream().map(t -> prefix + "." + db + "." + t).toList()),
                db + ".${table}");
        sink.put("tandem.project", project);
        worker.configure(project + "-source", src);
        worker.configure(project + "-sink", sink);
    }

    @Test
    void theJmxExporterOfAWorkerRunningAProjectShowsEveryMetricTheAlertsUse() throws Exception {
        String db = source.createDatabase("scraped");
        source.execute(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 1)");
        Path docker = Path.of(System.getProperty("tandem.docker.dir"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("tandem_[a-z_]*[a-z](?=[{\\[)\\s])").matcher(Files.readString(docker.resolve("prometheus/tandem-alerts.yml")));
        while (m.find()) {
            used.add(m.group());
        }
        int port = MariaDbServer.freePort();
        String agent = "-javaagent:" + System.getProperty("tandem.jmx.exporter") + "=127.0.0.1:" + port + ":"
                + docker.resolve("conf/jmx-exporter.yml");
        try (ConnectWorkerProcess worker = ConnectWorkerProcess.start(connect.bootstrapServers(), connect.pluginPath(),
                "status-scrape", work, Map.of("rest.extension.classes", "dev.tandem.status.TandemStatusExtension",
                        "tandem.status.interval.ms", "1000"), List.of(agent))) {
            link(worker.rest(), "scraped", db, "t", "psc", 7104, Map.of());
            await("the row copied").atMost(TIMEOUT).ignoreExceptions()
                    .until(() -> ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM t")).intValue() == 1);
            source.execute(db, "INSERT INTO t VALUES (2, 2)");
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
            AtomicReference<String> last = new AtomicReference<>("");
            try {
                await("every metric the alert rules use").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    String body = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                    last.set(body);
                    return used.stream().allMatch(name -> body.contains(name + "{"))
                            && value(body, "tandem_link_state", "scraped") == 1.0 && value(body, "tandem_link_checkpoint_ms", "scraped") > 0
                            && value(body, "tandem_link_current_step", "scraped") == 2.0
                            && value(body, "tandem_link_binlog_retention_required_seconds", "scraped") > 0;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("missing " + used.stream().filter(n -> !last.get().contains(n + "{")).toList() + " in:\n"
                        + String.join("\n", last.get().lines().filter(l -> l.startsWith("tandem")).toList()), e);
            }
            String metrics = last.get();
            System.out.println("The exporter shows the " + used.size() + " series the alerts use: " + used);
            metrics.lines().filter(l -> l.startsWith("tandem_link_") && l.contains("project=\"scraped\""))
                    .forEach(l -> System.out.println("  " + l));
            assertThat(value(metrics, "tandem_link_binlog_retention_required_seconds", "scraped")).as("7 days, the default")
                    .isEqualTo(604800.0);
            assertThat(metrics).contains("kind=\"migration\",link=\"scraped-source\",project=\"scraped\"").contains("tandem_connector_full_rows_copied{")
                    .contains("kafka_connect_task_status{");
        }
    }

    @Test
    void theConsoleInHeadlessChromiumShowsWhatTheApiReports() throws Exception {
        String db = source.createDatabase("console");
        source.execute(db, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(40), balance DECIMAL(12,2))",
                "INSERT INTO accounts SELECT seq, CONCAT('owner-', seq), seq * 1.5 FROM seq_1_to_3000",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, account BIGINT, note VARCHAR(40))",
                "INSERT INTO orders SELECT seq, seq % 3000, 'first' FROM seq_1_to_5000");
        link("console", db, "accounts,orders", "pcn", 7105, Map.of());
        JsonNode applied = await("the copy applied").atMost(TIMEOUT).until(() -> link(project(connect.rest(), "console")),
                l -> "console-source".equals(l.path("name").asText()) && "incremental".equals(l.path("currentStep").asText())
                        && l.path("delayMs").asLong(-1) == 0);
        System.out.println("Copy applied: " + applied);
        for (int i = 0; i < 3; i++) {
            source.execute(db, "UPDATE orders SET note = 'again " + i + "' WHERE id <= 1000");
        }
        await("the changes applied").atMost(TIMEOUT).ignoreExceptions().until(() -> ((Number) dest.queryValue(db,
                "SELECT COUNT(*) FROM orders WHERE note = 'again 2'")).intValue() == 1000);
        JsonNode before = await("caught up").atMost(TIMEOUT).until(() -> link(project(connect.rest(), "console")),
                l -> l.path("pendingRecords").asLong(-1) == 0 && l.path("delayMs").asLong(-1) == 0);

        Path shot = Path.of("target", "console-screenshots", "console.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        String url = connect.rest().baseUrl() + "tandem/ui/";
        String dom = chromium("--dump-dom", url);
        chromium("--screenshot=" + shot, url);
        JsonNode after = link(project(connect.rest(), "console"));
        System.out.println("Console screenshot: " + shot + " (" + Files.size(shot) + " bytes)");

        assertThat(dom).contains("data-loaded=\"true\"");
        for (String f : List.of("status", "currentStep", "checkpoint", "delayMs")) {
            assertThat(shown(dom, "console-source", f)).as(f).isIn(before.path(f).asText(), after.path(f).asText());
        }
        assertThat(shown(dom, "console-source", "rowsCopied")).isEqualTo("8000").isEqualTo(step(after, "full").path("rowsCopied").asText());
        assertThat(shown(dom, "console-source", "step-full")).isEqualTo("FINISHED");
        assertThat(shown(dom, "console-source", "step-incremental")).isEqualTo("RUNNING");
        assertThat(dom).contains(">" + db + ".accounts<", ">" + db + ".orders<", "delay over the last hour");
    }

    @Test
    void anActiveActiveProjectPostedAsOneDescriptionConverges() throws Exception {
        String db = source.createDatabase("posted");
        source.execute(db, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(40), balance DECIMAL(12,2))",
                "INSERT INTO accounts SELECT seq, CONCAT('owner-', seq), seq FROM seq_1_to_1000");
        String description = """
                {"name": "posted", "mode": "active-active", "objects": "%s.*",
                 "regions": [{"name": "east", "host": "%s", "port": %d, "user": "%s", "password": "%s", "serverId": 7106},
                             {"name": "west", "host": "%s", "port": %d, "user": "%s", "password": "%s", "serverId": 7107}]}"""
                .formatted(db, source.host(), source.port(), source.user(), source.password(),
                        dest.host(), dest.port(), dest.user(), dest.password());

        // 503 while Connect cannot answer (a rebalance after another test's worker change): a user retries
        ConnectRest.Answer refused = await().atMost(TIMEOUT).until(() -> connect.rest().send("POST", "tandem/v1/projects",
                description.replace("\"password\": \"" + dest.password() + "\"", "\"password\": \"wrong\"")), a -> a.status() != 503);
        System.out.println("A wrong password: " + refused.status() + " " + refused.body());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("errors").path("posted-east-to-west").isObject()).isTrue();
        assertThat(connect.rest().send("GET", "connectors/posted-east-source", null).status()).as("nothing created").isEqualTo(404);

        // posted to the worker that stops next, before the forward link's schema step can be done
        ConnectRest receiving = connect.workerRests().get(1);
        ConnectRest.Answer created = await().atMost(TIMEOUT).until(
                () -> receiving.send("POST", "tandem/v1/projects", description), a -> a.status() != 503);
        System.out.println("Posted: " + created.status() + " " + created.body());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(created.body());
        assertThat(answer.path("created")).extracting(JsonNode::asText).containsExactly("posted-east-source", "posted-east-to-west");
        assertThat(answer.path("pending")).extracting(JsonNode::asText).containsExactly("posted-west-source", "posted-west-to-east");

        // the waiting reverse link does not leave with the worker that received it: another one creates it
        connect.replaceWorker();
        assertThat(connect.rest().send("GET", "connectors/posted-west-source", null).status())
                .as("the reverse link was not created before its worker stopped").isEqualTo(404);
        JsonNode waiting = project(connect.rest(), "posted").path("pending");
        System.out.println("Waiting, as another worker tells it: " + waiting);
        assertThat(waiting.path("connectors")).extracting(JsonNode::asText).containsExactly("posted-west-source", "posted-west-to-east");

        connect.rest().awaitRunning("posted-west-source", 1, TIMEOUT);
        connect.rest().awaitRunning("posted-west-to-east", 1, TIMEOUT);
        long reverseRunning = System.currentTimeMillis();
        JsonNode forward = project(connect.rest(), "posted").path("links").path(0);
        assertThat(forward.path("name").asText()).as("links in name order").isEqualTo("posted-east-source");
        assertThat(step(forward, "schema").path("finishedAt").asLong()).as("the reverse link waited for the forward link's schema step")
                .isPositive().isLessThan(reverseRunning);

        source.execute(db, "INSERT INTO accounts SELECT 1000 + seq, CONCAT('east-', seq), seq FROM seq_1_to_100");
        await("the rows in west").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> ((Number) dest.queryValue(db, "SELECT COUNT(*) FROM accounts")).intValue() == 1100);
        dest.execute(db, "UPDATE accounts SET owner = 'changed in west' WHERE id <= 50",
                "INSERT INTO accounts SELECT 2000 + seq, CONCAT('west-', seq), seq FROM seq_1_to_50");
        await("both regions alike").atMost(TIMEOUT).ignoreExceptions().until(
                () -> TableComparison.rows(source, db, "accounts").equals(TableComparison.rows(dest, db, "accounts")));
        assertThat(TableComparison.rows(source, db, "accounts")).hasSize(1150);
        // a sink subscribed by pattern joins its source's link once its consumer reads the source's topics
        JsonNode after = await("two links").atMost(TIMEOUT).until(() -> project(connect.rest(), "posted"),
                p -> p.path("links").size() == 2);
        System.out.println("Posted project: " + after.path("status").asText() + ", links " + after.path("links").get(0).path("name")
                + " " + after.path("links").get(0).path("sinks") + " and " + after.path("links").get(1).path("name") + " "
                + after.path("links").get(1).path("sinks"));
        assertThat(after.path("links").get(1).path("sinks")).extracting(JsonNode::asText).containsExactly("posted-west-to-east");
        assertThat(connect.rest().send("DELETE", "tandem/v1/projects/posted", null).status()).isEqualTo(200);
    }

    /** What the console shows for {@code field} of {@code link}: the element's data-value. */
    private static String shown(String dom, String link, String field) {
        Matcher m = Pattern.compile("data-link=\"" + Pattern.quote(link) + "\" data-field=\"" + Pattern.quote(field)
                + "\" data-value=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as(field + " of " + link + " in the console").isTrue();
        return m.group(1);
    }

    /** Runs headless Chromium (Debian's chromium package) on the page; answers what it printed. */
    private static String chromium(String action, String url) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("Chromium, from Debian's chromium package (apt-get install chromium; .ci/run installs it)")
                .isExecutable();
        Path profile = Files.createTempDirectory(work, "chromium");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900",
                "--virtual-time-budget=15000", action, url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("chromium " + action).isTrue();
        assertThat(p.exitValue()).as("chromium " + action + ": " + out).isZero();
        return out;
    }

    /** The value of {@code name} for project {@code project} in an exposition, or NaN. */
    private static double value(String exposition, String name, String project) {
        return exposition.lines().filter(l -> l.startsWith(name + "{") && l.contains("project=\"" + project + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    private static String state(String connector) {
        return connect.rest().status(connector).path("connector").path("state").asText();
    }

    private static JsonNode project(ConnectRest worker, String name) {
        // 503 while Connect cannot answer (a rebalance after a worker left): retried, as a user's tooling does
        ConnectRest.Answer answer = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> worker.send("GET", "tandem/v1/projects/" + name, null), a -> a.status() != 503);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode link(JsonNode project) {
        return project.path("links").path(0);
    }

    private static JsonNode step(JsonNode link, String name) {
        for (JsonNode s : link.path("steps")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        return JSON.createObjectNode();
    }

    /** What does not change from one sample to the next: statuses, step times and rows copied. */
    private static JsonNode stable(JsonNode project) {
        ObjectNode out = JSON.createObjectNode();
        out.put("status", project.path("status").asText());
        ArrayNode links = out.putArray("links");
        for (JsonNode l : project.path("links")) {
            ObjectNode link = links.addObject();
            link.put("name", l.path("name").asText());
            link.put("status", l.path("status").asText());
            ArrayNode steps = link.putArray("steps");
            for (JsonNode s : l.path("steps")) {
                ObjectNode step = steps.addObject();
                for (String field : List.of("name", "status", "startedAt", "finishedAt", "rowsCopied")) {
                    step.set(field, s.path(field));
                }
            }
        }
        return out;
    }
}
