package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The reverse links of active-active projects created through the API, waiting for their forward
 * link's schema step: every 2 seconds the forward link's step times in the status topic are read,
 * and once the step is done the connectors are validated and created.
 *
 * <p>The description a project was posted with is kept in the status topic ({@code pending/<project>})
 * until its reverse link exists, so a worker that stops does not take the waiting link with it.
 * The worker that received the description creates the link with the caller's credentials; any
 * other worker does it when the schema step has been done for {@link #ADOPT_AFTER_MS} and the link
 * is still missing, through the REST API of a worker running the project, without credentials.
 * Connectors are created with {@code POST /connectors}, so two workers creating the same one
 * leave it as the first made it.
 */
final class PendingLinks implements AutoCloseable {

    /** How long after the schema step a worker that did not receive the description creates the link. */
    static final long ADOPT_AFTER_MS = 15_000;

    private static final Logger LOG = LoggerFactory.getLogger(PendingLinks.class);

    private final ConnectClusterState cluster;
    private final StatusTopic topic;
    private final String bootstrapServers;
    private final String restScheme;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Projects received by this worker, with the caller's credentials. */
    private final Map<String, Waiting> received = new ConcurrentHashMap<>();
    /** The last error of each project this worker tried to finish, received here or not. */
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-status-pending-links");
        t.setDaemon(true);
        return t;
    });

    private record Waiting(ProjectPlan plan, ConnectApi api) {
    }

    PendingLinks(ConnectClusterState cluster, StatusTopic topic, StatusSettings settings) {
        this.cluster = cluster;
        this.topic = topic;
        this.bootstrapServers = settings.bootstrapServers();
        this.restScheme = settings.restScheme();
        timer.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
    }

    /**
     * Keeps {@code plan}'s reverse link waiting, here and in the status topic (as {@code
     * description}), returning once Kafka has the entry; throws when it cannot be written.
     */
    void add(ProjectPlan plan, JsonNode description, ConnectApi api) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("description", description);
        entry.put("postedAt", System.currentTimeMillis());
        topic.publishAndWait(StatusTopic.PENDING + plan.name(), entry);
        received.put(plan.name(), new Waiting(plan, api));
        errors.remove(plan.name());
        LOG.info("Project {}: {} wait for the schema step of link {}", plan.name(),
                plan.afterSchema().stream().map(ProjectPlan.Connector::name).toList(), plan.forwardLink());
    }

    void cancel(String project) {
        received.remove(project);
        errors.remove(project);
        topic.delete(StatusTopic.PENDING + project);
    }

    /** What project {@code name} still waits for (the same on every worker, with this worker's last error), or null. */
    Map<String, Object> describe(String name) {
        Waiting w = received.get(name);
        ProjectPlan plan = w != null ? w.plan() : plan(name, topic.entries().get(StatusTopic.PENDING + name));
        if (plan == null) {
            return null;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("connectors", plan.afterSchema().stream().map(ProjectPlan.Connector::name).toList());
        doc.put("waitingFor", "the schema step of link " + plan.forwardLink());
        doc.put("error", errors.get(name));
        return doc;
    }

    private void check() {
        for (Waiting w : received.values()) {
            finish(w.plan(), w.api(), 0);
        }
        if (!topic.caughtUp()) {
            return; // a tombstone may still be unread
        }
        topic.entries().forEach((key, entry) -> {
            String name = key.startsWith(StatusTopic.PENDING) ? key.substring(StatusTopic.PENDING.length()) : null;
            if (name == null || received.containsKey(name)) {
                return;
            }
            ProjectPlan plan = plan(name, entry);
            if (plan != null) {
                finish(plan, null, ADOPT_AFTER_MS);
            }
        });
    }

    /**
     * Creates {@code plan}'s reverse link once its forward link's schema step has been done for
     * {@code afterMs}; {@code api} null: through a worker running the project, without credentials.
     */
    private void finish(ProjectPlan plan, ConnectApi api, long afterMs) {
        String name = plan.name();
        try {
            List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
            // the step times every worker's publisher keeps in the status topic (steps/<link>)
            long schemaDone = connectors == null ? -1
                    : new StepTimes(topic.entries().get(StatusTopic.STEPS + plan.forwardLink())).get("schema", "finishedAt");
            if (schemaDone <= 0 || System.currentTimeMillis() - schemaDone < afterMs) {
                return;
            }
            List<String> existing = List.copyOf(cluster.connectors());
            List<ProjectPlan.Connector> todo = plan.afterSchema().stream().filter(c -> !existing.contains(c.name())).toList();
            if (!todo.isEmpty()) {
                ConnectApi through = api != null ? api : apiOfAWorkerRunning(connectors);
                Map<String, Map<String, List<String>>> invalid = through.validate(todo);
                if (!invalid.isEmpty()) {
                    errors.put(name, "validation failed: " + invalid);
                    LOG.warn("Project {}: the reverse link does not validate (retrying): {}", name, invalid);
                    return;
                }
                for (ProjectPlan.Connector c : todo) {
                    ConnectApi.Answer a = through.create(c);
                    if (!a.createdOrThere()) {
                        throw new IllegalStateException("creating " + c.name() + " answered " + a.status() + ": " + a.body()
                                + (a.status() == 401 || a.status() == 403 ? " (the worker that received the project is gone and "
                                + "the REST API asks for credentials: send the same description again, existing connectors are kept)" : ""));
                    }
                    if (a.status() < 300) {
                        LOG.info("Project {}: created {} after the schema step of {}{}", name, c.name(), plan.forwardLink(),
                                api == null ? " (received by another worker)" : "");
                    }
                }
            }
            received.remove(name);
            errors.remove(name);
            topic.delete(StatusTopic.PENDING + name);
        } catch (RuntimeException e) {
            errors.put(name, e.getMessage());
            LOG.warn("Project {}: creating the reverse link failed (retrying): {}", name, e.getMessage());
        }
    }

    /** The REST API of a worker that runs one of {@code connectors}: Connect forwards what it must to the leader. */
    private ConnectApi apiOfAWorkerRunning(List<ConnectorInfo> connectors) {
        String worker = connectors.stream().map(ConnectorInfo::state).filter(s -> s.is("RUNNING") && s.worker() != null)
                .map(ConnectorInfo.State::worker).findFirst()
                .orElseThrow(() -> new IllegalStateException("no worker runs a connector of the project"));
        return new ConnectApi(http, URI.create(restScheme + "://" + worker + "/"), null);
    }

    /** The plan of a waiting description in the status topic, or null (logged) when it no longer reads as one. */
    private ProjectPlan plan(String name, JsonNode entry) {
        if (entry == null) {
            return null;
        }
        try {
            return ProjectPlan.of(entry.path("description"), bootstrapServers);
        } catch (IllegalArgumentException e) {
            if (errors.put(name, "the waiting description does not read: " + e.getMessage()) == null) {
                LOG.warn("Project {}: the waiting description in the status topic does not read: {}", name, e.getMessage());
            }
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
